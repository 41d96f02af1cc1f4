"""记录就业服务: one 1131 service given to a person — the date (today by default, not in the
future), what was given, and for a 岗位推荐 the employer the person was referred to.

The saving is the caller's ``save`` (the service); its refusal is shown in Chinese and the
dialog stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
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

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.followup.followup_form import from_qdate, to_qdate
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error

REFERRAL = "referral"
PLACEHOLDERS = {  # what a clerk typically writes for each service
    "policy": "如：讲解创业担保贷款、社保补贴政策",
    "guidance": "如：职业测评，建议报名焊工培训",
    "referral": "如：焊工岗位，月薪 5000 元，约面试 8 月 20 日",
    "training": "如：推荐参加养老护理员（初级）培训",
}


@dataclass(frozen=True)
class ServiceValues:
    kind: str
    on_date: date
    details: str | None = None
    employer_name: str | None = None


class ServiceDialog(QDialog):
    def __init__(
        self,
        kind: str,
        kind_label: str,
        person: str,
        today: date,
        save: Callable[[ServiceValues], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self._save = save
        self.saved = False
        self.setWindowTitle(self.tr("记录{kind}").format(kind=kind_label))
        intro = QLabel(self.tr("{name}：{kind}").format(name=person, kind=kind_label), self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.day = QDateEdit(to_qdate(today), self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(to_qdate(today))
        self.details = QLineEdit(self)
        self.details.setMaxLength(500)
        self.details.setPlaceholderText(self.tr(PLACEHOLDERS[kind]) if kind in PLACEHOLDERS else "")
        self.employer = QLineEdit(self)
        self.employer.setMaxLength(200)
        self.employer.setPlaceholderText(self.tr("推荐到的用人单位"))
        form = QFormLayout()
        form.addRow(self.tr("日期："), self.day)
        form.addRow(self.tr("详情："), self.details)
        form.addRow(self.tr("用人单位："), self.employer)
        form.setRowVisible(self.employer, kind == REFERRAL)
        self.save_button = QPushButton(self.tr("保存 (Enter)"), self)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.attempt_save)
        cancel = QPushButton(self.tr("取消 (Esc)"), self)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 28)
        self.details.setFocus()

    def values(self) -> ServiceValues:
        employer = self.employer.text().strip() if self.kind == REFERRAL else ""
        return ServiceValues(
            self.kind, from_qdate(self.day.date()), self.details.text().strip() or None, employer or None
        )

    def attempt_save(self) -> None:
        try:
            self._save(self.values())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("未能保存"))
            return
        self.saved = True
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            last = self.employer if self.kind == REFERRAL else self.details
            if isinstance(focus, QPushButton):
                focus.click()
            elif focus is last:
                self.attempt_save()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
