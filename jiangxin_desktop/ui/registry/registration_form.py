"""The trainee entry form: widgets for every field of a TraineeInput, grouped as clerks expect."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.labels import FIELD_LABELS
from jiangxin_desktop.services.registry.records import TraineeRecord
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.station.setup import ConsentNotice
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.registry.target_group_fields import TargetGroupFields

_LINE_LIMITS = {
    "name": 50,
    "id_number": 24,
    "phone": 20,
    "bank_card": 30,
    "evidence_number": 60,
    "employer": 200,
    "employer_uscc": 30,
    "employer_uscc_override": 200,
    "address": 200,
    "note": 2000,
}
_CODED = ("ethnicity", "hukou", "education", "employment_status")


class RegistrationForm(QWidget):
    """Emits ``changed(key)`` on any edit and ``touched(key)`` once the clerk is done with a field."""

    changed = Signal(str)
    touched = Signal(str)

    def __init__(self, codes: CodeCatalog, consent: ConsentNotice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = codes
        self.editors: dict[str, QWidget] = {}
        self.rows: dict[str, FieldRow] = {}
        self._loading = False

        self.lines: dict[str, QLineEdit] = {}
        for key, limit in _LINE_LIMITS.items():
            edit = QLineEdit(self)
            edit.setMaxLength(limit)
            self.lines[key] = edit
        self.lines["id_number"].setPlaceholderText(self.tr("18位，可直接扫描身份证"))
        self.lines["bank_card"].setPlaceholderText(self.tr("选填，16–19位"))
        self.lines["employer_uscc"].setPlaceholderText(self.tr("选填，18位"))
        self.lines["employer_uscc_override"].setPlaceholderText(
            self.tr("代码校验未通过但确认无误时，写明原因")
        )
        self.birth_value = QLabel("—")
        self.sex_value = QLabel("—")
        self.combos: dict[str, CodeCombo] = {}
        for key in _CODED:
            combo = CodeCombo(None if key == "ethnicity" else self.tr("（请选择）"), self)
            combo.set_code_list(codes[key])
            self.combos[key] = combo
        han = codes["ethnicity"].by_label("汉族")
        self.combos["ethnicity"].set_value(han.code if han else None)
        self.group = TargetGroupFields(codes["target_group"], self)
        self.consent_text = QTextBrowser(self)
        self.consent_text.setPlainText(consent.text)
        self.consent_text.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.consent_text.setFixedHeight(self.fontMetrics().lineSpacing() * 6 + 12)
        self.consent_box = QCheckBox(self.tr("学员已知悉并同意"), self)
        self.photo_box = QCheckBox(self.tr("同意采集面部照片（单独同意，可不同意）"), self)

        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        left.addWidget(self._basic_group())
        left.addWidget(self._target_group_box())
        left.addStretch(1)
        right.addWidget(self._contact_group())
        right.addWidget(self._consent_group(consent))
        right.addStretch(1)
        self._connect()

    # --- layout -----------------------------------------------------------------------------
    def _add(self, form: QFormLayout, key: str, editor: QWidget, label: str | None = None) -> None:
        row = FieldRow(editor, self)
        self.editors[key] = editor
        self.rows[key] = row
        form.addRow(label or self.tr(FIELD_LABELS[key]), row)

    def _form(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def _basic_group(self) -> QGroupBox:
        box, form = self._form(self.tr("基本信息"))
        self._add(form, "name", self.lines["name"])
        self._add(form, "id_number", self.lines["id_number"])
        derived = QWidget(self)
        line = QHBoxLayout(derived)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.birth_value)
        line.addSpacing(self.fontMetrics().horizontalAdvance("中") * 2)
        line.addWidget(QLabel(self.tr("性别"), self))
        line.addWidget(self.sex_value)
        line.addStretch(1)
        derived.setToolTip(self.tr("由公民身份号码自动得出，不需要填写"))
        form.addRow(self.tr("出生日期"), derived)
        for key in _CODED:
            self._add(form, key, self.combos[key])
        return box

    def _target_group_box(self) -> QGroupBox:
        box, form = self._form(self.tr("人员类别"))
        self._add(form, "target_group", self.group.group)
        self._add(form, "target_flags", self.group.flags, self.tr("标记"))
        self._add(form, "evidence_type", self.group.evidence)
        self._add(form, "evidence_number", self.lines["evidence_number"])
        return box

    def _contact_group(self) -> QGroupBox:
        box, form = self._form(self.tr("联系与账户"))
        for key in (
            "phone",
            "bank_card",
            "employer",
            "employer_uscc",
            "employer_uscc_override",
            "address",
            "note",
        ):
            self._add(form, key, self.lines[key])
        self._contact_form = form
        self.set_override_visible(False)
        return box

    def set_override_visible(self, on: bool) -> None:
        """信用代码例外说明 is offered only when the code fails its check (or holds a reason)."""
        self._contact_form.setRowVisible(self.rows["employer_uscc_override"], on)

    def _consent_group(self, consent: ConsentNotice) -> QGroupBox:
        box = QGroupBox(self.tr("告知与同意"), self)
        layout = QVBoxLayout(box)
        title = QLabel(consent.title, self)
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.consent_text)
        for key, editor in (("consent", self.consent_box), ("photo_consent", self.photo_box)):
            row = FieldRow(editor, self)
            self.editors[key] = editor
            self.rows[key] = row
            layout.addWidget(row)
        return box

    def _connect(self) -> None:
        for key, edit in self.lines.items():
            edit.textEdited.connect(lambda _text, k=key: self._emit_changed(k))
            edit.editingFinished.connect(lambda k=key: self.touched.emit(k))
        for key, combo in {
            **self.combos,
            "target_group": self.group.group,
            "evidence_type": self.group.evidence,
        }.items():
            combo.currentIndexChanged.connect(lambda _i, k=key: self._emit_changed(k))
            combo.activated.connect(lambda _i, k=key: self.touched.emit(k))
        self.group.flags.changed.connect(lambda: self._emit_changed("target_flags"))
        self.group.flags.touched.connect(lambda: self.touched.emit("target_flags"))
        for key, box in (("consent", self.consent_box), ("photo_consent", self.photo_box)):
            box.toggled.connect(lambda _on, k=key: self._emit_changed(k))
            box.clicked.connect(lambda _on, k=key: self.touched.emit(k))

    def _emit_changed(self, key: str) -> None:
        if not self._loading:
            self.changed.emit(key)

    # --- values -----------------------------------------------------------------------------
    def to_input(self) -> TraineeInput:
        text = {k: e.text() for k, e in self.lines.items()}
        return TraineeInput(
            name=text["name"],
            id_number=text["id_number"],
            phone=text["phone"],
            hukou=self.combos["hukou"].value(),
            ethnicity=self.combos["ethnicity"].value(),
            education=self.combos["education"].value(),
            target_group=self.group.group.value(),
            target_flags=self.group.flags.checked(),
            evidence_type=self.group.evidence.value(),
            evidence_number=text["evidence_number"] or None,
            employment_status=self.combos["employment_status"].value(),
            bank_card=text["bank_card"] or None,
            address=text["address"] or None,
            employer=text["employer"] or None,
            employer_uscc=text["employer_uscc"] or None,
            employer_uscc_override=text["employer_uscc_override"] or None,
            note=text["note"] or None,
            consent=self.consent_box.isChecked(),
            photo_consent=self.photo_box.isChecked(),
        )

    def load(self, record: TraineeRecord) -> None:
        """Fill every field from a stored record (editing), without emitting ``changed``."""
        self._loading = True
        try:
            for key, edit in self.lines.items():
                edit.setText(getattr(record, key) or "")
            for key, combo in self.combos.items():
                combo.set_value(getattr(record, key))
            self.group.group.set_value(record.target_group)
            self.group.rebuild(flags_checked=record.target_flags)
            self.group.evidence.set_value(record.evidence_type)
            self.photo_box.setChecked(record.photo_consent)
            self.consent_box.setChecked(True)
        finally:
            self._loading = False

    def show_consent_given(self, when: str, version: str) -> None:
        """Editing: consent was recorded at registration and cannot be withdrawn here."""
        self.consent_box.setChecked(True)
        self.consent_box.setEnabled(False)
        self.consent_box.setText(
            self.tr("学员已知悉并同意（{date} 登记时同意，告知版本 {version}）").format(
                date=when[:10], version=version
            )
        )

    def set_derived(self, birth: date | None, sex: str | None) -> None:
        self.birth_value.setText(birth.isoformat() if birth else "—")
        self.sex_value.setText(sex or "—")

    def field_label(self, key: str) -> str:
        return self.tr(FIELD_LABELS.get(key, key))
