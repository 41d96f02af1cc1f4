"""Asks once before an action that needs a written reason (退回开班申请, 退学), naming the object."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class ReasonDialog(QDialog):
    def __init__(
        self,
        title: str,
        question: str,
        label: str,
        placeholder: str,
        action: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(500)
        self.reason_edit.setPlaceholderText(placeholder)
        form = QFormLayout()
        form.addRow(label, self.reason_edit)

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 34)
        self.reason_edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = bool(self.reason())
        self.confirm_button.setEnabled(ok)
        self.confirm_button.setToolTip("" if ok else self.tr("请先填写原因"))

    def reason(self) -> str:
        return self.reason_edit.text().strip()
