"""登录: who is at the screen. Also the first administrator, a temporary password's change,
and the idle lock (the same dialog, the username fixed)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

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
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext
    from jiangxin_desktop.services.security.users import UserInfo, UserService
    from jiangxin_desktop.ui.shell.startup_open import BackgroundOpen

USER_ENV, PASSWORD_ENV = "JIANGXIN_USER", "JIANGXIN_PASSWORD"


class LoginDialog(QDialog):
    """Modes: "login", "unlock" (idle lock: username fixed), "first_admin", "change"."""

    def __init__(
        self,
        ctx: AppContext | None,
        mode: str = "login",
        parent: QWidget | None = None,
        *,
        opening: BackgroundOpen | None = None,
    ) -> None:
        """``ctx`` None with ``opening``: the database is still opening behind the form (at start)."""
        super().__init__(parent)
        self.ctx, self.mode, self.opening = ctx, mode, opening
        self.user: UserInfo | None = None
        # At start-up: builds the trainee list (not shown) while the password is checked.
        self.meanwhile: Callable[[AppContext], None] | None = None
        self.username = QLineEdit(self)
        self.display_name = QLineEdit(self)
        self.password = QLineEdit(self)
        self.new_password = QLineEdit(self)
        self.confirm = QLineEdit(self)
        for edit in (self.password, self.new_password, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        form = QFormLayout()
        titles = {
            "login": self.tr("登录"),
            "unlock": self.tr("已锁定"),
            "first_admin": self.tr("创建管理员"),
            "change": self.tr("修改密码"),
            "switch": self.tr("切换用户"),
        }
        self.setWindowTitle(self.tr("匠心 — {title}").format(title=titles[mode]))
        if mode in ("login", "unlock", "first_admin", "switch"):
            form.addRow(self.tr("用户名"), self.username)
        if mode == "first_admin":
            form.addRow(self.tr("姓名"), self.display_name)
            form.addRow(self.tr("密码"), self.new_password)
            form.addRow(self.tr("再次输入"), self.confirm)
            self.intro.setText(self.tr("数据库还没有用户账户。请创建第一个管理员账户。"))
        elif mode == "change":
            form.addRow(self.tr("原密码"), self.password)
            form.addRow(self.tr("新密码"), self.new_password)
            form.addRow(self.tr("再次输入"), self.confirm)
            if ctx is not None and ctx.user is not None and ctx.user.must_change_password:
                self.intro.setText(self.tr("这是临时密码，请设置您自己的新密码。"))
            else:
                self.intro.setText(self.tr("请输入现在的密码，再设置新密码（两次输入）。"))
        else:
            form.addRow(self.tr("密码"), self.password)
            if mode == "unlock" and ctx.user is not None:
                self.username.setText(ctx.user.username)
                self.username.setReadOnly(True)
                self.intro.setText(
                    self.tr("窗口已锁定。未保存的内容仍然保留，请输入密码继续。")
                )
            elif mode == "switch" and ctx.user is not None:
                self.intro.setText(
                    self.tr("请换用另一位用户登录。点“取消”则继续以 {name} 的身份使用。").format(
                        name=ctx.user.display_name
                    )
                )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("取消") if mode in ("change", "switch") else self.tr("退出程序")
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        for edit in (self.username, self.display_name, self.password, self.new_password, self.confirm):
            if form.indexOf(edit) < 0:
                edit.hide()  # not used in this mode (it would float over the form)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("字") * 28)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        self.demo_label = QLabel(self)
        self.demo_label.setWordWrap(True)
        self.demo_label.hide()
        layout.addWidget(self.demo_label)
        if mode in ("login", "switch"):
            self._note_demo()
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.intro.setVisible(bool(self.intro.text()))
        (
            self.password if mode == "unlock" else self.username if mode != "change" else self.password
        ).setFocus()

    def _note_demo(self) -> None:
        """A demo database says where its users and passwords are (known once it is open)."""
        opening = getattr(self, "opening", None)  # at start the database may still be opening
        ctx = self.ctx if self.ctx is not None else getattr(opening, "ctx", None)
        if ctx is None:
            if opening is not None and not opening.finished:
                opening.done.connect(self._note_demo)
            return
        # Imports the data layer (context): only once it is loaded, never before the form paints.
        from jiangxin_desktop.ui.shell.demo_note import announce_demo

        line = announce_demo(ctx)
        if line:
            self.demo_label.setText(line)
            self.demo_label.show()

    def submit(self) -> None:
        """Check with the service; on a problem, say it and stay open (nothing is lost)."""
        try:
            self.user = self._submit()
        except KnownError as exc:
            self.problem.setText(exc.message)
            self.password.clear()
            return
        if self.user is not None:
            self.accept()

    def _ready_context(self) -> AppContext | None:
        """The open database; at start, waited for with the form saying so. None: it failed."""
        if self.ctx is None and self.opening is not None:
            ok = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)
            self.problem.setText(self.tr("正在打开数据库，请稍候……"))
            try:
                self.ctx = self.opening.wait()
            finally:
                ok.setEnabled(True)
                self.problem.clear()
            if not self.isVisible():
                return None  # closed meanwhile (opening failed, no accounts yet): the start-up decides
        return self.ctx

    def _submit(self) -> UserInfo | None:
        ctx = self._ready_context()
        if ctx is None:
            return None
        users = ctx.users
        if self.mode in ("first_admin", "change") and self.new_password.text() != self.confirm.text():
            raise KnownError(self.tr("两次输入的新密码不一致。"))
        if self.mode == "first_admin":
            return users.create_first_admin(
                self.username.text(), self.display_name.text() or self.tr("管理员"), self.new_password.text()
            )
        if self.mode == "change":
            assert ctx.user is not None
            return users.change_password(ctx.user, self.password.text(), self.new_password.text())
        if self.meanwhile is None:
            return users.authenticate(self.username.text(), self.password.text())
        meanwhile = self.meanwhile
        return authenticate_while(users, self.username.text(), self.password.text(), lambda: meanwhile(ctx))


def authenticate_while(users: UserService, username: str, password: str, meanwhile: Callable[[], None]) -> UserInfo:
    """``users.authenticate`` on a thread while ``meanwhile`` runs here.

    Checking a password is scrypt's memory-hard work (~0.1 s), done outside the interpreter:
    the GUI thread builds the trainee list in that time instead of waiting. Nothing built is
    shown before the password was right; the outcome (or its refusal) is the same as ever.
    """
    outcome: dict[str, object] = {}

    def check() -> None:
        try:
            outcome["user"] = users.authenticate(username, password)
        except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread
            outcome["error"] = exc

    worker = threading.Thread(target=check, name="login-check", daemon=True)
    worker.start()
    try:
        meanwhile()
    finally:
        worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["user"]  # type: ignore[return-value]


def log_in(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """Sign the clerk in (first administrator and temporary password included). False: cancelled."""
    user_env, password_env = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user_env and password_env and ctx.users.has_users():  # unattended start (benchmark, kiosk tests)
        ctx.login(user_env, password_env)
    else:
        dialog = LoginDialog(ctx, "login" if ctx.users.has_users() else "first_admin", parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            return False
        ctx.act_as(dialog.user)
    return finish_login(ctx, parent)


def finish_login(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """After the password was right: a temporary password is changed first. False: cancelled."""
    assert ctx.user is not None
    if ctx.user.must_change_password:
        change = LoginDialog(ctx, "change", parent)
        if change.exec() != QDialog.DialogCode.Accepted or change.user is None:
            return False
        ctx.act_as(change.user)
    return True
