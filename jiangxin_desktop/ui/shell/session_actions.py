"""锁定, 切换用户, 退出登录: the menu entries that change who sits at the window.

锁定 keeps everything open underneath (the idle lock's dialog, at once). 切换用户 asks for
another account and can be cancelled (the current user carries on). 退出登录 closes what
the user had open, hides the window's content and asks for a login; cancelling it ends the
program. After a change of user every page is built again, so that buttons follow the new
role and nothing of the previous user's stays on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from jiangxin_desktop.ui.shell.login_dialog import LoginDialog

if TYPE_CHECKING:
    from jiangxin_desktop.services.security.users import UserInfo
    from jiangxin_desktop.ui.shell.main_window import MainWindow

LOCK_SHORTCUT = QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_L)


class SessionActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: LoginDialog | None = None  # the login dialog open for 切换用户/退出登录
        self.lock_action = QAction(self.tr("锁定"), window)
        self.lock_action.setShortcut(LOCK_SHORTCUT)
        # From any of the program's windows: a form open over the list is locked too.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.setToolTip(self.tr("离开座位时锁定窗口，输入密码后继续，打开的内容都保留 (Ctrl+L)"))
        self.lock_action.triggered.connect(self.lock)
        self.switch_action = QAction(self.tr("切换用户…"), window)
        self.switch_action.setToolTip(self.tr("换另一位用户登录；取消则继续以当前用户使用"))
        self.switch_action.triggered.connect(self.switch_user)
        self.logout_action = QAction(self.tr("退出登录"), window)
        self.logout_action.setToolTip(self.tr("关闭当前用户打开的内容，回到登录窗口"))
        self.logout_action.triggered.connect(self.log_out)
        for action in self.actions():
            window.addAction(action)  # the shortcut works wherever the focus is

    def actions(self) -> list[QAction]:
        return [self.lock_action, self.switch_action, self.logout_action]

    def lock(self) -> None:
        idle = getattr(self.window, "idle_lock", None)
        if idle is not None and self.window.ctx is not None and self.window.ctx.user is not None:
            idle.lock()

    def switch_user(self) -> None:
        """Another account logs in; cancelled, the current user carries on with nothing lost."""
        ctx = self.window.ctx
        if ctx is None or ctx.user is None:
            return
        if not self._close_open_dialogs():
            return
        user = self._ask("switch")
        if user is not None:
            self.window.change_user(user)

    def log_out(self) -> None:
        """Hide the content and ask for a login; cancelled, the program ends."""
        ctx = self.window.ctx
        if ctx is None:
            return
        if not self._close_open_dialogs():
            return
        central = self.window.centralWidget()
        central.setVisible(False)  # nothing of the previous user's stays on screen
        user = self._ask("login")
        if user is None:
            self.window.close()
            QApplication.quit()
            return
        central.setVisible(True)
        self.window.change_user(user)

    def _ask(self, mode: str) -> UserInfo | None:
        ctx = self.window.ctx
        assert ctx is not None
        idle = getattr(self.window, "idle_lock", None)
        if idle is not None:
            idle.timer.stop()  # no lock over the login
        try:
            dialog = LoginDialog(ctx, mode, self.window)
            self.dialog = dialog
            accepted = dialog.exec() == QDialog.DialogCode.Accepted and dialog.user is not None
            user = dialog.user if accepted else None
            self.dialog = None
            dialog.deleteLater()
            if user is not None and user.must_change_password:
                previous = ctx.user
                ctx.act_as(user)  # the change dialog changes the password of ctx.user
                change = LoginDialog(ctx, "change", self.window)
                changed = change.exec() == QDialog.DialogCode.Accepted and change.user is not None
                user = change.user if changed else None
                change.deleteLater()
                if user is None and previous is not None:
                    ctx.act_as(previous)
            return user
        finally:
            if idle is not None:
                idle.timer.start()

    def _close_open_dialogs(self) -> bool:
        """Dialogs of the current user are closed (cancelled: nothing half-saved is written);
        when some are open the clerk is asked first, naming them. False: the clerk said no."""
        open_dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and _belongs_to(w, self.window)
        ]
        if open_dialogs:
            names = "、".join(f"“{w.windowTitle()}”" for w in open_dialogs)
            answer = QMessageBox.question(
                self.window,
                self.tr("关闭打开的窗口"),
                self.tr("{names} 还开着，继续会关闭它们，其中没有保存的内容不会保留。继续吗？").format(
                    names=names
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        for widget in open_dialogs:
            widget.reject()
        return True


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
