"""Asking for the database passphrase where the machine has no keyring (headless Linux)."""

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

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.security.keystore import MIN_PASSPHRASE
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE
from jiangxin_desktop.ui.widgets.workers import MainThreadCall


class PassphraseCancelled(KnownError):
    """The clerk closed the passphrase dialog."""


class PassphraseDialog(QDialog):
    """Unlock (one field) or choose a new passphrase (two fields, at least MIN_PASSPHRASE)."""

    def __init__(self, new: bool, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new = new
        self.setWindowTitle(self.tr("设置数据库口令") if new else self.tr("输入数据库口令"))
        if new:
            intro = self.tr(
                "本机没有系统密钥环，需要设置一个口令来保护加密的数据库。\n"
                "口令至少 {n} 个字符。请牢记：忘记口令将无法打开数据库。"
            ).format(n=MIN_PASSPHRASE)
        else:
            intro = self.tr("请输入数据库口令以打开加密的数据库。")
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.problem_label = QLabel(problem)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(ERROR_STYLE)
        self.problem_label.setVisible(bool(problem))

        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("口令"), self.first)
        if new:
            form.addRow(self.tr("再次输入"), self.second)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.problem_label)
        layout.addLayout(form)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 28)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def _problem(self) -> str:
        if not self.first.text():
            return ""
        if self.new and len(self.first.text()) < MIN_PASSPHRASE:
            return self.tr("口令太短：至少需要 {n} 个字符。").format(n=MIN_PASSPHRASE)
        if self.new and self.second.text() != self.first.text():
            return self.tr("两次输入的口令不一致。")
        return ""

    def _update(self) -> None:
        problem = self._problem()
        self.reason_label.setText(problem)
        self.reason_label.setVisible(bool(problem))
        self.ok_button.setEnabled(bool(self.first.text()) and not problem)

    def passphrase(self) -> str:
        return self.first.text()


class QtPassphrasePrompt:
    """The GUI fallback for ``env_passphrase_provider``; safe to call from a worker thread."""

    def __init__(self) -> None:
        self.problem = ""
        self.calls = 0
        self._bridge = MainThreadCall()
        self._just_chosen: str | None = None

    def __call__(self, new: bool) -> str:
        self.calls += 1
        if not new and self._just_chosen is not None:
            # The database was created a moment ago (wizard or demo): its passphrase opens it
            # once more without asking again; a wrong one would simply be asked for.
            chosen, self._just_chosen = self._just_chosen, None
            return chosen
        value = self._bridge(self._ask, new)
        self._just_chosen = value if new else None
        return value

    def _ask(self, new: bool) -> str:
        dialog = PassphraseDialog(new, self.problem)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            raise PassphraseCancelled(dialog.tr("没有输入数据库口令，程序已退出。"))
        return dialog.passphrase()
