"""The class entry form: catalog combos, place and dates, hours and people, fee and shares (元)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.money import yuan_plain
from jiangxin_desktop.services.training.class_records import CLASS_LABELS, ClassInput, ClassRecord
from jiangxin_desktop.services.catalog.training import TrainingCatalog
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.training.timetable_generator import date_edit, to_date

MONEY = {
    "fee": "培训费",
    "government": "政府补贴部分",
    "employer": "企业负担部分",
    "personal": "个人负担部分",
}
_TEACHER_SPLIT = re.compile(r"[、，,；;\s]+")


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


class ClassForm(QWidget):
    """Emits ``changed(label)`` on any edit; rows are keyed by the services' field labels."""

    changed = Signal(str)

    def __init__(
        self,
        codes: CodeCatalog,
        catalog: TrainingCatalog,
        parent: QWidget | None = None,
        today: date | None = None,  # the context's clock (ctx.acting.today); default: the wall clock
    ) -> None:
        super().__init__(parent)
        self.codes = codes
        self.catalog = catalog
        self.rows: dict[str, FieldRow] = {}
        self.editors: dict[str, QWidget] = {}
        self._loading = False
        label = CLASS_LABELS

        self.name_edit = self._line(label["name"], 100, self.tr("如：养老护理员（初级）第一期"))
        self.project_combo = CodeCombo(self.tr("（请选择）"), self)
        self.project_combo.set_items((f"{p.name}（{p.code}）", p.code) for p in catalog.projects.values())
        self.occupation_combo = CodeCombo(self.tr("（请选择）"), self)
        self.occupation_combo.set_items(
            (f"{o.name}（{o.code}）", o.code) for o in catalog.occupations.values()
        )
        self.certificate_combo = CodeCombo(self.tr("（请选择）"), self)
        self.level_combo = CodeCombo(self.tr("（无等级）"), self)
        self.level_combo.set_code_list(codes["skill_level"])
        self.institution_combo = CodeCombo(self.tr("（请选择）"), self)
        self.institution_combo.set_items((i.name, i.code) for i in catalog.institutions.values())
        self.site_edit = self._line(label["site"], 200, self.tr("培训的具体地址"))
        start = next_monday(today or date.today())
        self.start_edit = date_edit(self)
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        self.end_edit = date_edit(self)
        self.end_edit.setDate(QDate(start.year, start.month, start.day).addDays(13))
        self.hours_spin = QSpinBox(self)
        self.hours_spin.setRange(0, 2000)
        self.hours_spin.setSuffix(self.tr(" 课时"))
        self.capacity_spin = QSpinBox(self)
        self.capacity_spin.setRange(0, 500)
        self.capacity_spin.setSuffix(self.tr(" 人"))
        self.teachers_edit = self._line(label["teachers"], 200, self.tr("多位教师用顿号分开，如：王芳、李强"))
        self.money = {
            key: self._line(text, 20, self.tr("元，如 1200 或 1200.50")) for key, text in MONEY.items()
        }
        self.note_edit = self._line("备注", 500, self.tr("选填"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box, form = self._group(self.tr("培训项目"))
        self._add(form, label["name"], self.name_edit)
        self._add(form, label["project_code"], self.project_combo)
        self._add(form, label["occupation_code"], self.occupation_combo)
        self._add(form, label["certificate_type"], self.certificate_combo)
        self._add(form, label["level"], self.level_combo)
        self._add(form, label["institution_code"], self.institution_combo)
        layout.addWidget(box)
        box, form = self._group(self.tr("时间、地点和人员"))
        self._add(form, label["site"], self.site_edit)
        self._add_pair(form, (label["start_date"], self.start_edit), (label["end_date"], self.end_edit))
        self._add_pair(form, (label["class_hours"], self.hours_spin), (label["capacity"], self.capacity_spin))
        self._add(form, label["teachers"], self.teachers_edit)
        layout.addWidget(box)
        box, form = self._group(self.tr("费用（元）"))
        for key, text in MONEY.items():
            self._add(form, text, self.money[key])
        self.shares_label = QLabel(self)  # the sum of the shares, said in words
        self.shares_label.setWordWrap(True)
        form.addRow("", self.shares_label)
        self._add(form, "备注", self.note_edit)
        layout.addWidget(box)
        layout.addStretch(1)

        self.project_combo.currentIndexChanged.connect(self._project_changed)
        self.certificate_combo.currentIndexChanged.connect(self._certificate_changed)
        for key, combo in (
            (label["project_code"], self.project_combo),
            (label["occupation_code"], self.occupation_combo),
            (label["certificate_type"], self.certificate_combo),
            (label["level"], self.level_combo),
            (label["institution_code"], self.institution_combo),
        ):
            combo.currentIndexChanged.connect(lambda _i, k=key: self._changed(k))
        self.start_edit.dateChanged.connect(lambda _d: self._changed(label["start_date"]))
        self.end_edit.dateChanged.connect(lambda _d: self._changed(label["end_date"]))
        self.hours_spin.valueChanged.connect(lambda _v: self._changed(label["class_hours"]))
        self.capacity_spin.valueChanged.connect(lambda _v: self._changed(label["capacity"]))
        self._project_changed()

    # --- layout -----------------------------------------------------------------------------
    def _line(self, key: str, limit: int, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMaxLength(limit)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(lambda _t: self._changed(key))
        return edit

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def _add(self, form: QFormLayout, key: str, editor: QWidget) -> None:
        row = FieldRow(editor, self)
        self.rows[key] = row
        self.editors[key] = editor
        form.addRow(self.tr(key), row)

    def _add_pair(self, form: QFormLayout, first: tuple[str, QWidget], second: tuple[str, QWidget]) -> None:
        """Two short fields on one line (dates; hours and people), each with its own message."""
        line = QWidget(self)
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        for i, (key, editor) in enumerate((first, second)):
            field = FieldRow(editor, self)
            self.rows[key] = field
            self.editors[key] = editor
            if i:
                caption = QLabel(self.tr(key), self)
                caption.setMinimumHeight(editor.sizeHint().height())  # level with the field's text
                row.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(field, 1)
        form.addRow(self.tr(first[0]), line)

    # --- behaviour --------------------------------------------------------------------------
    def _changed(self, key: str) -> None:
        if not self._loading:
            self.changed.emit(key)

    def _project_changed(self) -> None:
        """Only the certificates the project may issue are offered."""
        project = self.catalog.projects.get(self.project_combo.value() or "")
        allowed = (
            project.certificate_types if project else tuple(c.code for c in self.codes["certificate_type"])
        )
        certificates = self.codes["certificate_type"]
        self.certificate_combo.set_items((certificates.label(c) or c, c) for c in allowed)
        self._certificate_changed()

    def _certificate_changed(self) -> None:
        entry = self.codes["certificate_type"].get(self.certificate_combo.value() or "")
        needs_level = bool(entry and entry.extra.get("has_level"))
        self.level_combo.setEnabled(needs_level)
        self.level_combo.setToolTip("" if needs_level else self.tr("只有职业技能等级证书需要选择等级"))
        if not needs_level:
            self.level_combo.set_value(None)

    def first_teacher(self) -> str:
        return next(iter(self.teachers()), "")

    def teachers(self) -> list[str]:
        return [t for t in _TEACHER_SPLIT.split(self.teachers_edit.text()) if t]

    def start_date(self) -> date:
        return to_date(self.start_edit.date())

    def set_end_date(self, day: date) -> None:
        self.end_edit.setDate(QDate(day.year, day.month, day.day))

    def to_input(self) -> ClassInput:
        return ClassInput(
            name=self.name_edit.text(),
            project_code=self.project_combo.value() or "",
            occupation_code=self.occupation_combo.value() or "",
            level=self.level_combo.value() or "",
            certificate_type=self.certificate_combo.value() or "",
            institution_code=self.institution_combo.value() or "",
            site=self.site_edit.text(),
            start_date=self.start_date(),
            end_date=to_date(self.end_edit.date()),
            class_hours=self.hours_spin.value(),
            capacity=self.capacity_spin.value(),
            teachers=self.teachers(),
            fee=self.money["fee"].text(),
            government=self.money["government"].text(),
            employer=self.money["employer"].text(),
            personal=self.money["personal"].text(),
            note=self.note_edit.text(),
        )

    def load(self, record: ClassRecord) -> None:
        self._loading = True
        try:
            self.name_edit.setText(record.name)
            self.project_combo.set_value(record.project_code)
            self._project_changed()
            self.occupation_combo.set_value(record.occupation_code)
            self.certificate_combo.set_value(record.certificate_type)
            self._certificate_changed()
            self.level_combo.set_value(record.level or None)
            self.institution_combo.set_value(record.institution_code)
            self.site_edit.setText(record.site)
            for edit, day in ((self.start_edit, record.start_date), (self.end_edit, record.end_date)):
                edit.setDate(QDate(day.year, day.month, day.day))
            self.hours_spin.setValue(record.class_hours)
            self.capacity_spin.setValue(record.capacity)
            self.teachers_edit.setText("、".join(record.teachers))
            for key, fen in (
                ("fee", record.fee_fen),
                ("government", record.government_fen),
                ("employer", record.employer_fen),
                ("personal", record.personal_fen),
            ):
                self.money[key].setText(yuan_plain(fen))
            self.note_edit.setText(record.note or "")
        finally:
            self._loading = False
