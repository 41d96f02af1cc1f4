"""One program per data directory: a second one is told, brings the first forward, and ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow

from jiangxin_desktop.ui.shell.single_instance import LOCK_NAME, REQUEST_NAME, SingleInstance

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")  # offscreen has no stacking
def test_the_second_holder_is_refused_and_the_first_is_asked_to_come_forward(qtbot, tmp_path):
    first = SingleInstance(tmp_path / "data")
    assert first.acquire()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    second = SingleInstance(tmp_path / "data")
    assert not second.acquire()
    assert second.holder_pid() == os.getpid()
    with qtbot.waitSignal(first.raise_requested, timeout=3000):
        second.ask_holder_to_raise()
    assert not (tmp_path / "data" / REQUEST_NAME).exists()  # taken
    assert not window.isMinimized()
    first.release()
    assert second.acquire()  # free once the first has ended
    second.release()


def test_a_lock_left_by_a_crashed_program_is_taken_over(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    holder = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os,sys; from PySide6.QtCore import QLockFile; "
            f"l = QLockFile({str(data / LOCK_NAME)!r}); l.setStaleLockTime(0); "
            "assert l.tryLock(0); os._exit(0)",  # dies holding it, like kill -9
        ],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert holder.returncode == 0 and (data / LOCK_NAME).exists()
    instance = SingleInstance(data)
    assert instance.acquire()
    instance.release()


def start(data: Path, **env: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k not in ("JIANGXIN_USER", "JIANGXIN_PASSWORD")}
    environment.update(QT_QPA_PLATFORM="offscreen", JIANGXIN_PASSPHRASE="test-pass-123", **env)
    return subprocess.Popen(
        [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(data)],
        cwd=REPO,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_real_programs_on_one_data_directory(tmp_path):
    data = tmp_path / "data"
    first = start(data)  # no database yet: it waits at the first-run question, holding the lock
    try:
        deadline = time.monotonic() + 120
        while not (data / LOCK_NAME).exists() and time.monotonic() < deadline:
            assert first.poll() is None, first.communicate()[1]
            time.sleep(0.2)
        assert (data / LOCK_NAME).exists()
        second = start(data)
        _out, err = second.communicate(timeout=120)
        assert second.returncode == 3, err
        assert "匠心已经打开了这个数据目录" in err and "已把那个窗口调到最前面" in err
        assert f"进程 {first.pid}" in err
        deadline = time.monotonic() + 30  # the first has taken the request (it polls twice a second)
        while (data / REQUEST_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not (data / REQUEST_NAME).exists()
        assert first.poll() is None  # still running, undisturbed
        assert not (data / "jiangxin.db").exists()  # the second wrote nothing
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_the_command_line_reads_the_lock_the_window_holds(tmp_path):
    """cli/window_lock.py reads QLockFile's file without Qt: the same name, the same pid."""
    import socket

    from jiangxin_desktop.cli import window_lock

    holder = SingleInstance(tmp_path / "data")
    assert holder.acquire()
    try:
        assert window_lock.LOCK_NAME == LOCK_NAME
        pid, host = window_lock.lock_owner(tmp_path / "data")
        assert pid == os.getpid() and host == socket.gethostname()
    finally:
        holder.release()
    assert window_lock.window_holder(tmp_path / "data") is None
