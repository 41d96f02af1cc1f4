"""A demo database says where its users and passwords are: on the terminal and on the login form."""

from __future__ import annotations

import io
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from jiangxin_desktop.ui.shell import demo_note
from jiangxin_desktop.ui.shell.login_dialog import LoginDialog

REPO = Path(__file__).resolve().parents[2]


def test_the_login_form_of_a_demo_database_says_where_the_users_are(qtbot, demo_context, monkeypatch):
    monkeypatch.setattr(demo_note, "_announced", set())
    dialog = LoginDialog(demo_context, "login")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_label.isVisible()
    text = dialog.demo_label.text()
    assert text.startswith("演示数据库：用户名 clerk / reviewer / admin")
    assert "终端输出或 README" in text and "Demo-pass-2025" in text


def test_a_real_database_says_nothing_of_demo_users(qtbot, demo_context, monkeypatch):
    monkeypatch.setattr(demo_note, "_announced", set())
    monkeypatch.setattr(demo_context, "demo", False)
    out = io.StringIO()
    assert demo_note.announce_demo(demo_context, out) is None and out.getvalue() == ""
    dialog = LoginDialog(demo_context, "login")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.demo_label.isVisible()


def test_the_terminal_gets_the_users_once(demo_context, monkeypatch):
    monkeypatch.setattr(demo_note, "_announced", set())
    out = io.StringIO()
    demo_note.announce_demo(demo_context, out)
    demo_note.announce_demo(demo_context, out)  # a second login form (切换用户) prints nothing more
    assert out.getvalue() == (
        "演示数据库的用户：clerk（经办人）、reviewer（审核人）、admin（管理员），密码均为 Demo-pass-2025"
        "（用 demo --password 建立的演示数据库，密码是当时指定的）。\n"
    )


def test_the_readme_run_command_ends_with_the_demo_users_on_the_terminal(tmp_path):
    """`jiangxin-desktop --demo`, as the README runs it: the users and password are printed."""
    env = {k: v for k, v in os.environ.items() if k not in ("JIANGXIN_USER", "JIANGXIN_PASSWORD")}
    env.update(QT_QPA_PLATFORM="offscreen", JIANGXIN_PASSPHRASE="test-pass-123", PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(tmp_path / "d"), "--demo"]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:  # readline blocks: a thread reads, the test waits with a deadline
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not any(x.startswith("演示数据库的用户") for x in seen):
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                if process.poll() is not None:
                    break
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    assert any("clerk（经办人）" in x and "Demo-pass-2025" in x for x in seen), seen
