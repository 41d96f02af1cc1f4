"""The one background-work helper: a function runs in a QThread, results come back on the GUI thread.

The work function receives a ``report(done, total)`` callback. ``report`` emits progress and
raises :class:`Cancelled` once the clerk has pressed 取消, so work stops at its next report.
Workers never touch widgets; anything that must ask the clerk goes through
:class:`MainThreadCall`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

ProgressCallback = Callable[[int, int], None]
Work = Callable[[ProgressCallback], Any]


class Cancelled(Exception):
    """Raised by ``report`` inside the work function after a cancel request."""


class _Worker(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    error = Signal(object)
    stopped = Signal()

    def __init__(self, work: Work, cancel: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._cancel = cancel
        self._home = QThread.currentThread()  # the GUI thread, where the object is deleted

    def _report(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.progress.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self._report)
        except Cancelled:
            self.stopped.emit()
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self.error.emit(exc)
        else:
            self.done.emit(result)
        finally:
            self.moveToThread(self._home)
            # The thread ends by itself once the work is over, so that wait() on the GUI thread
            # (at shutdown) returns then; the outcome, already posted, still arrives first.
            QThread.currentThread().quit()


class BackgroundTask(QObject):
    """Run ``work`` once in its own thread. Signals arrive on the thread that created the task.

    ``finished``, ``failed`` and ``cancelled`` are emitted only after the thread has stopped.
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread: QThread | None = None
        self._worker = _Worker(work, self._cancel)
        self._outcome: tuple[str, object] | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a BackgroundTask runs once")
        self._thread = QThread()
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.done.connect(self._on_done)
        self._worker.error.connect(self._on_error)
        self._worker.stopped.connect(self._on_stopped)
        self._thread.finished.connect(self._on_thread_finished)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Block until the thread has ended (for shutdown only)."""
        return self._thread is None or self._thread.wait(milliseconds)

    @Slot(object)
    def _on_done(self, result: object) -> None:
        self._finish("finished", result)

    @Slot(object)
    def _on_error(self, error: object) -> None:
        self._finish("failed", error)

    @Slot()
    def _on_stopped(self) -> None:
        self._finish("cancelled", None)

    def _finish(self, kind: str, value: object) -> None:
        self._outcome = (kind, value)
        assert self._thread is not None
        self._thread.quit()

    @Slot()
    def _on_thread_finished(self) -> None:
        kind, value = self._outcome or ("cancelled", None)
        if kind == "finished":
            self.finished.emit(value)
        elif kind == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()


class _Call:
    def __init__(self, fn: Callable[..., Any], args: tuple) -> None:
        self.fn, self.args = fn, args
        self.result: Any = None
        self.error: BaseException | None = None


class MainThreadCall(QObject):
    """Run a function on the GUI thread from a worker and wait for its result.

    Create it on the GUI thread. Used when a background job needs the clerk (a passphrase).
    """

    _request = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._owner = threading.get_ident()
        self._request.connect(self._run, Qt.ConnectionType.BlockingQueuedConnection)

    def __call__(self, fn: Callable[..., Any], *args: Any) -> Any:
        if threading.get_ident() == self._owner:
            return fn(*args)
        call = _Call(fn, args)
        self._request.emit(call)
        if call.error is not None:
            raise call.error
        return call.result

    @Slot(object)
    def _run(self, call: _Call) -> None:
        try:
            call.result = call.fn(*call.args)
        except BaseException as exc:  # re-raised in the worker's thread
            call.error = exc
