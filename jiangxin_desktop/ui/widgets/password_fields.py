"""A new password typed twice, judged while typing by the same rules the account service applies."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from jiangxin_desktop.domain.passwords import SecurityPolicy, check_password
from jiangxin_desktop.ui.widgets.field_row import FieldRow


class PasswordFields(QObject):
    """Two password edits in FieldRows (``first_row``, ``second_row``) for a dialog's form;
    the rule problems show under the first, a mismatch under the second."""

    changed = Signal()

    def __init__(self, policy: SecurityPolicy, parent: QWidget) -> None:
        super().__init__(parent)
        self.policy = policy
        self.username = ""
        self.first = QLineEdit(parent)
        self.second = QLineEdit(parent)
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self.revalidate)
        self.first.setPlaceholderText(
            self.tr("至少 {n} 个字符，含大写字母、小写字母、数字、符号中的 {k} 类").format(
                n=policy.min_length, k=policy.min_character_classes
            )
        )
        self.first_row = FieldRow(self.first, parent)
        self.second_row = FieldRow(self.second, parent)

    def set_username(self, username: str) -> None:
        """The password may not contain the user name: judge again when it changes."""
        self.username = username
        self.revalidate()

    def password(self) -> str:
        return self.first.text()

    def _rule_problems(self) -> list[str]:
        return check_password(self.first.text(), self.policy, self.username)

    def _mismatch(self) -> bool:
        return self.second.text() != self.first.text()

    def unfinished(self, first_label: str, second_label: str) -> list[str]:
        """The labels of the fields still to fill in or correct (their messages say how)."""
        labels = []
        if not self.first.text() or self._rule_problems():
            labels.append(first_label)
        if not self.second.text() or self._mismatch():
            labels.append(second_label)
        return labels

    def revalidate(self) -> None:
        typed = bool(self.first.text())
        self.first_row.set_message("；".join(self._rule_problems()) if typed else None)
        mismatch = bool(self.second.text()) and self._mismatch()
        self.second_row.set_message(self.tr("两次输入的密码不一致") if mismatch else None)
        self.changed.emit()
