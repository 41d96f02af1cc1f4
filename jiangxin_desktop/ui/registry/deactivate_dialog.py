"""Asks once before 注销学员, naming the person, and requires a reason (it is audited)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog


def _tr(text: str) -> str:
    return QCoreApplication.translate("DeactivateDialog", text)


class DeactivateDialog(ReasonDialog):
    def __init__(self, name: str, masked_id: str, parent: QWidget | None = None) -> None:
        super().__init__(
            _tr("注销学员"),
            _tr(
                "确定注销学员 {name}（{id}）吗？\n\n"
                "注销后该学员不再出现在学员列表中（勾选“显示已注销”仍可查看和恢复），记录不会删除。"
                "注销会记入操作日志。"
            ).format(name=name, id=masked_id),
            _tr("注销原因"),
            _tr("必填，例如：重复登记、本人申请、信息有误"),
            _tr("注销"),
            parent,
        )
        self.reason_edit.setMaxLength(200)
