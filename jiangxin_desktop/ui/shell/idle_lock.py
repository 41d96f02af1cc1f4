"""Idle lock: after N minutes without keyboard or mouse input the window asks for the password
again. Everything open stays open underneath, so unsaved work is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from jiangxin_desktop.ui.shell.login_dialog import LoginDialog

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleLock(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, ctx: AppContext, window: QWidget, minutes: float | None = None) -> None:
        super().__init__(window)
        self.ctx, self.window = ctx, window
        minutes = ctx.users.policy.idle_lock_minutes if minutes is None else minutes
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(self.lock)
        self.dialog: LoginDialog | None = None
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and self.dialog is None:
            self.timer.start()  # any input restarts the count
        return False

    def lock(self) -> None:
        if self.dialog is not None:
            return
        self.dialog = LoginDialog(self.ctx, "unlock", self.window)
        self.dialog.finished.connect(self._finished)
        self.locked.emit()
        self.dialog.open()  # window-modal over everything, nothing underneath is closed

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if result == QDialog.DialogCode.Accepted and dialog is not None and dialog.user is not None:
            self.ctx.act_as(dialog.user)
            self.unlocked.emit()
            self.timer.start()
        else:
            QApplication.quit()
