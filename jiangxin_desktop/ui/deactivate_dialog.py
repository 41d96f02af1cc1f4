"""Asks once before 注销学员, naming the person, and requires a reason (it is audited)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class DeactivateDialog(QDialog):
    def __init__(self, name: str, masked_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("注销学员"))
        self.question = QLabel(
            self.tr(
                "确定注销学员 {name}（{id}）吗？\n\n"
                "注销后该学员不再出现在学员列表中（勾选“显示已注销”仍可查看和恢复），记录不会删除。"
                "注销会记入操作日志。"
            ).format(name=name, id=masked_id)
        )
        self.question.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(self.tr("必填，例如：重复登记、本人申请、信息有误"))
        form = QFormLayout()
        form.addRow(self.tr("注销原因"), self.reason_edit)

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(self.tr("注销"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 32)
        self.reason_edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.confirm_button.setEnabled(bool(self.reason().strip()))

    def reason(self) -> str:
        return self.reason_edit.text().strip()
