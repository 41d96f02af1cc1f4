"""A command that changes data refuses while the program's window holds the data directory
(issue 15, point 4.3): the window's screens would not show the change. Reading runs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from jiangxin_desktop.cli.window_lock import LOCK_NAME, window_holder
from tests.integration.cli_runner import run


@pytest.fixture
def window(tmp_path):
    """A live process standing in for the window, named in a lock file as QLockFile writes it."""
    data = tmp_path / "d"
    run("demo", "--trainees", "20", "--data-dir", str(data), "--json", check=True)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    (data / LOCK_NAME).write_text(f"{holder.pid}\njiangxin-desktop\n{socket.gethostname()}\n", encoding="utf-8")
    yield data, holder
    holder.kill()
    holder.wait()


def test_a_write_is_refused_while_the_window_holds_the_directory(window, monkeypatch):
    data, holder = window
    assert window_holder(data) == holder.pid
    monkeypatch.setenv("JIANGXIN_PASSWORD", "Demo-pass-2025")
    add = ["trainee", "add", "--name", "王五", "--phone", "13900001112", "--id", "110101199003074514",
           "--target-group", "失业人员", "--consent", "--user", "clerk", "--data-dir", str(data), "--json"]
    refused = run(*add)
    assert refused.returncode != 0
    message = json.loads(refused.stdout)["error"]
    assert "程序窗口正在使用这个数据目录" in message and str(holder.pid) in message
    found = run("trainee", "find", "王五", "--user", "clerk", "--data-dir", str(data), "--json")
    assert "程序窗口" not in found.stdout + found.stderr  # reading runs
    holder.kill()
    holder.wait()
    assert run(*add).returncode == 0  # the window has gone: the same command now writes


def test_a_lock_left_by_a_dead_window_does_not_block(window):
    data, holder = window
    holder.kill()
    holder.wait()
    assert window_holder(data) is None
