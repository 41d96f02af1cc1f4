"""What the clerk sees when something goes wrong.

An environment problem (:class:`KnownError`) gets a plain warning with its Chinese message.
Anything else is a bug: the traceback is saved with :func:`save_crash_report` and a dialog
names the file to send to support. No traceback or English ever reaches the screen.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from jiangxin_desktop.crash import save_crash_report
from jiangxin_desktop.errors import KnownError

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ErrorDialogs", text)


def _message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def show_known_error(parent: QWidget | None, error: KnownError, *, title: str | None = None) -> None:
    """A warning with the error's own Chinese message."""
    _message_box(parent, QMessageBox.Icon.Warning, title or _tr("无法完成操作"), error.message).exec()


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """A warning that asks before something that cannot be undone; True for ``action``."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(_tr("取消"), QMessageBox.ButtonRole.RejectRole))
    box.exec()
    return box.clickedButton() is go


def show_critical(parent: QWidget | None, text: str, *, title: str | None = None) -> None:
    _message_box(parent, QMessageBox.Icon.Critical, title or _tr("无法继续"), text).exec()


def show_crash(parent: QWidget | None, error: BaseException, *, data_dir: str | None = None) -> Path | None:
    """Save a crash report and tell the clerk where it is (a damaged database is said as such)."""
    damage = _damage_of(error, data_dir)
    if damage is not None:  # a page that cannot be read: not a bug, and not "nothing affected"
        show_critical(parent, damage.message, title=_tr("数据库已损坏"))
        return None
    try:
        report: Path | None = save_crash_report(error, data_dir=data_dir)
    except OSError:
        report = None
    if report is not None:
        text = _tr(
            "程序遇到内部错误，刚才的操作没有完成。\n\n错误报告已保存到：\n{path}\n\n"
            "请把这个文件发给技术支持。已经保存的记录不受影响。"
        ).format(path=report)
    else:
        text = _tr(
            "程序遇到内部错误，刚才的操作没有完成，错误报告也无法保存。\n"
            "请记下出错前的操作，告诉技术支持。已经保存的记录不受影响。"
        )
    _message_box(parent, QMessageBox.Icon.Critical, _tr("程序内部错误"), text).exec()
    return report


def _damage_of(error: BaseException, data_dir: str | None) -> KnownError | None:
    """The damaged-database message for an SQLite "malformed" error, or None (a bug)."""
    if "sqlalchemy" not in sys.modules:  # the data layer never loaded: not a database error
        return None
    from jiangxin_desktop.database_files import as_damage
    from jiangxin_desktop.paths import resolve_data_dir

    return as_damage(error, resolve_data_dir(data_dir).database)


class ExceptionHook:
    """sys.excepthook for the windows: exceptions escaping a slot end up here."""

    def __init__(self, data_dir: str | None = None) -> None:
        self.data_dir = data_dir
        self._busy = False

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        if error.__traceback__ is None and tb is not None:
            error = error.with_traceback(tb)
        if self._busy:  # an error while showing an error: do not loop
            sys.__excepthook__(kind, error, tb)
            return
        self._busy = True
        try:
            parent = QApplication.activeWindow()
            if isinstance(error, KnownError):
                show_known_error(parent, error)
            else:
                show_crash(parent, error, data_dir=self.data_dir)
        finally:
            self._busy = False


def install_exception_hook(data_dir: str | None = None) -> ExceptHook:
    """Install the hook; returns the previous one so a caller can restore it."""
    previous = sys.excepthook
    sys.excepthook = ExceptionHook(data_dir)
    return previous
