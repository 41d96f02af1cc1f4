"""One program window per data directory.

The running program holds a lock file (Qt's QLockFile, ``jiangxin.lock``) in the data
directory. A second program started on the same directory finds the lock taken, leaves a
request file (``jiangxin.raise``) for the first to bring its window forward, tells the clerk
in Chinese and ends: never two writers with stale screens. The first program looks for the
request twice a second. A lock left by a program that crashed is recognised (its process is
gone) and taken over. No QtNetwork: the build leaves it out, and a file in a folder only the
user can open is all the two programs need to share.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

LOCK_NAME = "jiangxin.lock"
REQUEST_NAME = "jiangxin.raise"
POLL_MS = 500
NOTICE_SECONDS = 8  # the second program's message closes by itself (nobody may be watching)


class SingleInstance(QObject):
    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.lock = QLockFile(str(data_dir / LOCK_NAME))
        self.lock.setStaleLockTime(0)  # only a dead holder makes it stale, never its age
        self.request = data_dir / REQUEST_NAME
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._check_request)

    def acquire(self) -> bool:
        """True: this program holds the data directory (it is created when missing)."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.lock.tryLock(0):
            return False
        self.request.unlink(missing_ok=True)  # a request left for a program that has ended
        self._timer.start()
        return True

    def holder_pid(self) -> int | None:
        info = self.lock.getLockInfo()  # PySide: (pid, host, application), pid 0 when unknown
        pid = info[0] if isinstance(info, tuple) and info else 0
        return pid if isinstance(pid, int) and pid > 0 else None

    def ask_holder_to_raise(self) -> None:
        """Leave the request for the running program (atomically: it never reads half a file)."""
        partial = self.request.with_name(f"{REQUEST_NAME}.{os.getpid()}.part")
        partial.write_text(str(os.getpid()), encoding="utf-8")
        os.replace(partial, self.request)

    def release(self) -> None:
        self._timer.stop()
        if self.lock.isLocked():
            self.lock.unlock()

    def _check_request(self) -> None:
        if not self.request.exists():
            return
        self.request.unlink(missing_ok=True)
        self.raise_requested.emit()
        bring_forward()


def bring_forward() -> None:
    """The login form or lock dialog if one is open, else the main window, on top."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    windows: list[QWidget] = [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]
    modal = app.activeModalWidget()
    ordered = [w for w in windows if w is not modal] + ([modal] if modal is not None else [])
    for window in ordered:  # the modal one last, so that it ends on top
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()


def tell_already_running(instance: SingleInstance) -> None:
    """The second program's message: on the terminal, and in a box that closes by itself."""
    pid = instance.holder_pid()
    text = QApplication.translate(
        "SingleInstance",
        "匠心已经打开了这个数据目录（{folder}{pid}），已把那个窗口调到最前面，请在那里继续。"
        "同一个数据目录同时只能打开一个程序，以免两个窗口互相覆盖修改。",
    ).format(
        folder=instance.data_dir,
        pid=QApplication.translate("SingleInstance", "，进程 {pid}").format(pid=pid) if pid else "",
    )
    print(text, file=sys.stderr, flush=True)
    box = QMessageBox(QMessageBox.Icon.Information, QApplication.translate("SingleInstance", "匠心已在运行"), text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    QTimer.singleShot(NOTICE_SECONDS * 1000, box.accept)
    box.exec()
