"""回访记录: the compact form behind Enter in 待回访 (and 更正 in 已回访).

The outcome, then the optional fields: 工作单位, 统一社会信用代码 (checked while typing with the
domain's check, the reason in red under it; a wrong code blocks saving and the button says
why), 用工形式, 月工资, 回访日期 (today by default; not in the future, not before the class
ended), 备注. Enter moves to the next field; Ctrl+S or Enter on the last field saves.
The saving itself is the caller's ``save`` (the service); its refusal is shown and the form
stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.contact import check_uscc
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE


@dataclass(frozen=True)
class FollowupValues:
    outcome: str
    contacted_on: date
    employer_name: str | None = None
    employer_uscc: str | None = None
    contract_type: str | None = None
    wage_band: str | None = None
    note: str | None = None


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class FollowupForm(QDialog):
    """``saved`` is True after ``save`` succeeded."""

    def __init__(
        self,
        codes: CodeCatalog,
        intro: str,
        today: date,
        earliest: date | None,
        initial: FollowupValues,
        save: Callable[[FollowupValues], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("回访记录"))
        self._save = save
        self.saved = False
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)

        self.outcome = CodeCombo(None, self)
        self.outcome.set_code_list(codes["followup_outcome"])
        self.outcome.set_value(initial.outcome)
        self.employer = QLineEdit(initial.employer_name or "", self)
        self.employer.setMaxLength(200)
        self.uscc = QLineEdit(initial.employer_uscc or "", self)
        self.uscc.setMaxLength(18)
        self.uscc.setPlaceholderText(self.tr("18位，不知道可不填"))
        self.uscc_row = FieldRow(self.uscc, self)
        self.contract = CodeCombo(self.tr("（不填）"), self)
        self.contract.set_code_list(codes["contract_type"])
        self.contract.set_value(initial.contract_type)
        self.wage = CodeCombo(self.tr("（不填）"), self)
        self.wage.set_code_list(codes["wage_band"])
        self.wage.set_value(initial.wage_band)
        self.day = QDateEdit(to_qdate(initial.contacted_on), self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(to_qdate(today))
        if earliest is not None and earliest <= today:
            self.day.setMinimumDate(to_qdate(earliest))
        self.note = QLineEdit(initial.note or "", self)
        self.note.setMaxLength(500)

        form = QFormLayout()
        form.addRow(self.tr("回访结果："), self.outcome)
        form.addRow(self.tr("工作单位："), self.employer)
        form.addRow(self.tr("统一社会信用代码："), self.uscc_row)
        form.addRow(self.tr("用工形式："), self.contract)
        form.addRow(self.tr("月工资："), self.wage)
        form.addRow(self.tr("回访日期："), self.day)
        form.addRow(self.tr("备注："), self.note)

        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(ERROR_STYLE)
        self.save_button = QPushButton(self.tr("保存 (Ctrl+S)"), self)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.attempt_save)
        self.cancel_button = QPushButton(self.tr("取消 (Esc)"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reason_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(bottom)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 44)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.attempt_save)
        self.employed = {c.code for c in codes["followup_outcome"] if c.extra.get("employed")}
        self.outcome.currentIndexChanged.connect(lambda _i: self._outcome_changed())
        self.uscc.textChanged.connect(lambda _t: self.validate())
        self._outcome_changed()
        self.outcome.setFocus()  # Enter moves on to 工作单位 (or, not in work, to the date)

    def _work_fields(self) -> tuple[QWidget, ...]:
        return (self.employer, self.uscc, self.contract, self.wage)

    def _outcome_changed(self) -> None:
        """工作单位, its code, 用工形式 and 月工资 belong to a person in work; greyed otherwise."""
        working = self.outcome.value() in self.employed
        for widget in self._work_fields():
            widget.setEnabled(working)
            widget.setToolTip("" if working else self.tr("回访结果为就业时填写"))
        self.validate()

    def values(self) -> FollowupValues:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        if self.outcome.value() not in self.employed:  # not in work: no employer, contract or wage
            return FollowupValues(self.outcome.value() or "", from_qdate(self.day.date()), note=text(self.note))
        uscc = text(self.uscc)
        return FollowupValues(
            outcome=self.outcome.value() or "",
            contacted_on=from_qdate(self.day.date()),
            employer_name=text(self.employer),
            employer_uscc=uscc.upper() if uscc else None,
            contract_type=self.contract.value(),
            wage_band=self.wage.value(),
            note=text(self.note),
        )

    def validate(self) -> str:
        """The USCC's message under it; returns why saving is refused ("" when it may be saved)."""
        check = check_uscc(self.uscc.text() if self.uscc.isEnabled() else "", required=False)
        message = "" if check.ok else (check.message or self.tr("统一社会信用代码有误"))
        if message != self.uscc_row.message_text():
            self.uscc_row.set_message(message or None)
            self.layout().activate()  # the message line needs room: grow rather than clip it
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        why = self.tr("统一社会信用代码：{text}").format(text=message) if message else ""
        self.save_button.setEnabled(not why)
        self.save_button.setToolTip(self.tr("请先改正：{why}").format(why=why) if why else "")
        return why

    def attempt_save(self) -> None:
        why = self.validate()
        if why:
            self.reason_label.setText(why)
            self.uscc.setFocus()
            return
        self.reason_label.clear()
        try:
            self._save(self.values())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("未能保存回访"))
            return
        self.saved = True
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                focus.click()
            elif focus is self.note:
                self.attempt_save()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
