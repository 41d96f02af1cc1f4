"""发证: the clerk confirms and picks the issue date (default: the class's end date).

The date may lie between the class's end date and today; the service checks the same rule.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.services.training.class_records import ClassRecord


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class IssueDialog(QDialog):
    def __init__(self, record: ClassRecord, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("发证"))
        question = QLabel(
            self.tr(
                "为培训班 {code}（{name}）考核合格、尚无证书的学员发证吗？\n"
                "证书编号按顺序分配，发出后不能收回，只能撤销。"
            ).format(code=record.code, name=record.name),
            self,
        )
        question.setWordWrap(True)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        latest = max(today, record.end_date)
        self.date_edit.setDateRange(_qdate(record.end_date), _qdate(latest))
        self.date_edit.setDate(_qdate(record.end_date))
        self.date_edit.setToolTip(
            self.tr("默认为结业日期 {end}；可选结业日期至今天之间的日期").format(end=record.end_date.isoformat())
        )
        form = QFormLayout()
        form.addRow(self.tr("发证日期："), self.date_edit)
        hint = QLabel(
            self.tr("发证日期印在证书上，默认为本班的结业日期（{end}），不能早于结业日期、不能晚于今天。").format(
                end=record.end_date.isoformat()
            ),
            self,
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.confirm_button: QPushButton = buttons.addButton(
            self.tr("发证"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 32)

    def issue_date(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())
