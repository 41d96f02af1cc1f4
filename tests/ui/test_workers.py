"""The background-work helper: results, progress, cancel and failures reach the GUI thread."""

from __future__ import annotations

import threading

import pytest

from jiangxin_desktop.errors import StorageError
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, MainThreadCall

GUI_THREAD = threading.get_ident()


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    seen: list[tuple[int, int, int]] = []

    def work(report):
        assert threading.get_ident() != GUI_THREAD
        for i in range(1, 4):
            report(i, 3)
        return "done"

    task = BackgroundTask(work)
    task.progress.connect(lambda d, t: seen.append((d, t, threading.get_ident())))
    with qtbot.waitSignal(task.finished) as blocker:
        task.start()
    assert blocker.args == ["done"]
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert {ident for _, _, ident in seen} == {GUI_THREAD}
    assert not task.is_running()


def test_wait_on_the_gui_thread_returns_when_the_work_ends(qtbot):
    """At shutdown the window waits for a task; its thread must not need the GUI thread to end."""
    import time

    task = BackgroundTask(lambda report: time.sleep(0.2) or "done")
    task.start()
    began = time.monotonic()
    assert task.wait(10_000)
    assert time.monotonic() - began < 5 and not task.is_running()
    with qtbot.waitSignal(task.finished) as blocker:  # the outcome still arrives afterwards
        pass
    assert blocker.args == ["done"]


def test_cancel_stops_at_the_next_report(qtbot):
    started, release = threading.Event(), threading.Event()
    reports: list[int] = []

    def work(report):
        started.set()
        release.wait(5)
        for i in range(100):
            report(i, 100)
            reports.append(i)
        return "finished anyway"

    task = BackgroundTask(work)
    task.start()
    assert started.wait(5)
    task.cancel()
    release.set()
    with qtbot.waitSignal(task.cancelled):
        pass
    assert reports == []


def test_failure_is_handed_over_not_raised(qtbot):
    def work(report):
        raise StorageError("磁盘空间已满")

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.failed) as blocker:
        task.start()
    assert isinstance(blocker.args[0], StorageError)


def test_main_thread_call_runs_on_the_gui_thread_and_returns(qtbot):
    bridge = MainThreadCall()

    def work(report):
        return bridge(lambda a, b: (threading.get_ident(), a + b), 2, 3)

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.finished) as blocker:
        task.start()
    assert blocker.args[0] == (GUI_THREAD, 5)


def test_main_thread_call_raises_in_the_worker(qtbot):
    bridge = MainThreadCall()

    def refuse():
        raise ValueError("no")

    def work(report):
        with pytest.raises(ValueError):
            bridge(refuse)
        return "raised"

    task = BackgroundTask(work)
    with qtbot.waitSignal(task.finished) as blocker:
        task.start()
    assert blocker.args == ["raised"]
