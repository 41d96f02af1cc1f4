"""立即同步 and the USB steps in a worker thread, under a progress window with 取消.

``sync_now`` reports ``progress(done, total, text)`` and asks ``cancelled()``; the window shows
the step and the count, and 取消 asks the service to stop at its next step (it never leaves a
batch half marked). The window keeps painting and its timers keep running meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback


class _Steps(QObject):
    """Carries the service's steps from the worker thread to the window (a queued signal)."""

    step = Signal(int, int, str)


class SyncProgressDialog(TaskProgressDialog):
    """The shared progress window, with the service's own words for the step under way."""

    @Slot(int, int, str)
    def show_step(self, done: int, total: int, text: str) -> None:
        if self._task is None or self._task.cancel_requested:
            return  # 正在取消 stays on screen
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            step = self.tr("{text}（{done}/{total}）").format(text=text, done=done, total=total)
            self.count_label.setText(step)
        elif text:
            self.count_label.setText(text)


def run_sync_now(parent: QWidget, service: Any, *, force: bool = True) -> tuple[str, object]:
    """Run ``service.sync_now`` under a progress window; ("finished", SyncResult) | ("failed", error)
    | ("cancelled", SyncResult or None). A KnownError is shown before it is returned; a bug is raised."""
    dialog = SyncProgressDialog(
        parent.tr("正在同步"), parent.tr("正在把本站的记录发送到市级系统，程序可以继续使用……"), parent
    )
    steps = _Steps(dialog)
    steps.step.connect(dialog.show_step)
    box: dict[str, BackgroundTask] = {}

    def work(report: ProgressCallback) -> object:
        task = box["task"]
        return service.sync_now(
            progress=lambda done, total, text: steps.step.emit(done, total, text),
            cancelled=lambda: task.cancel_requested,
            force=force,
        )

    box["task"] = BackgroundTask(work, dialog)
    kind, value = _shown(parent, dialog.run(box["task"]), parent.tr("同步没有完成"))
    if kind == "finished" and box["task"].cancel_requested:
        kind = "cancelled"  # the service stopped at a step and said what it had done
    return kind, value


def run_step(
    parent: QWidget, title: str, text: str, call: Callable[[], object], error_title: str
) -> tuple[str, object]:
    """A USB step (export, receipts) in a worker: the stick may be slow, the window must not be."""
    dialog = TaskProgressDialog(title, text, parent)
    return _shown(parent, dialog.run(BackgroundTask(lambda report: call(), dialog)), error_title)


def _shown(parent: QWidget, outcome: tuple[str, object], error_title: str) -> tuple[str, object]:
    kind, value = outcome
    if kind == "failed":
        if isinstance(value, KnownError):
            show_known_error(parent, value, title=error_title)
        else:
            assert isinstance(value, BaseException)
            raise value
    return kind, value
