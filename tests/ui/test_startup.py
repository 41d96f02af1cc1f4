"""Start-up: headless note, first run, unlocking with retries, the real program end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.context import open_context
from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.errors import WrongKeyError
from jiangxin_desktop.ui.shell.app import HEADLESS_NOTE, prepare_platform
from jiangxin_desktop.ui.shell.unlock import open_with_retries
from jiangxin_desktop.ui.shell.first_run import ask_first_run, create_demo_database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_umask():
    original = os.umask(0o022)
    os.umask(original)
    yield original
    os.umask(original)


def test_no_display_means_offscreen_with_a_note(monkeypatch, capsys, restore_umask):
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    prepare_platform()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    err = capsys.readouterr().err
    assert err.strip() == HEADLESS_NOTE
    assert "未检测到显示器" in err and "No display found" in err and "Ctrl+C" in err
    if os.name == "posix":
        assert os.umask(restore_umask) == 0o077


def test_a_display_is_left_alone(monkeypatch, capsys, restore_umask):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    prepare_platform()
    assert "QT_QPA_PLATFORM" not in os.environ
    assert capsys.readouterr().err == ""


class ScriptedPrompt:
    """Stands in for the passphrase dialog: answers from a list, counts the questions."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.calls = 0
        self.problem = ""
        self.problems: list[str] = []

    def __call__(self, new: bool) -> str:
        self.calls += 1
        self.problems.append(self.problem)
        return self.answers.pop(0)


@pytest.fixture
def passphrase_database(data_paths):
    """A database whose key is wrapped by a passphrase, as on a machine without a keyring."""
    keyring.set_keyring(keyring.backends.fail.Keyring())
    ensure_demo_database(data_paths, lambda new: "right-pass-123", 5)
    return data_paths


def test_wrong_passphrase_is_asked_again_with_the_reason(monkeypatch, passphrase_database):
    monkeypatch.setenv("JIANGXIN_PASSPHRASE", "wrong-from-env")
    prompt = ScriptedPrompt(["wrong-typed", "right-pass-123"])
    ctx = open_with_retries(passphrase_database, prompt)
    try:
        assert ctx.search.totals()["active"] == 5
    finally:
        ctx.close()
    assert prompt.calls == 2
    assert "口令不正确" in prompt.problems[0] and "还可以再试 2 次" in prompt.problems[0]
    assert "还可以再试 1 次" in prompt.problems[1]


def test_three_wrong_passphrases_give_up(monkeypatch, passphrase_database):
    monkeypatch.delenv("JIANGXIN_PASSPHRASE", raising=False)
    prompt = ScriptedPrompt(["wrong-1-xxx", "wrong-2-xxx", "wrong-3-xxx", "right-pass-123"])
    with pytest.raises(WrongKeyError):
        open_with_retries(passphrase_database, prompt)
    assert prompt.calls == 3


def test_first_run_builds_the_demo_database_behind_a_progress_window(qtbot, data_paths):
    assert create_demo_database(data_paths, lambda new: "unused-with-keyring", trainees=25)
    ctx = open_context(data_paths, lambda new: "unused-with-keyring")
    try:
        assert ctx.demo and ctx.search.totals()["active"] == 26  # 25 and the demo classes' 李玥
    finally:
        ctx.close()


def test_first_run_question_offers_setup_demo_or_quit(qtbot, data_paths, answer_modal):
    seen: list[tuple[set[str], str]] = []

    def quit_(box: QMessageBox) -> None:  # asserting here would leave the box open
        seen.append(({b.text() for b in box.buttons()}, box.informativeText()))
        next(b for b in box.buttons() if b.text() == "退出").click()

    handled = answer_modal(quit_)
    assert ask_first_run(data_paths) is None
    texts, info = seen[0]
    assert texts == {"设置正式服务站", "创建演示数据库", "退出"}
    assert "设置正式服务站" in info and "演示" in info
    assert len(handled) == 1
    assert not data_paths.database.exists()


def test_the_program_starts_headless_and_paints(tmp_path):
    """`jiangxin-desktop --demo` on a machine without a display: note, demo DB, first paint."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(
        JIANGXIN_PASSPHRASE="test-pass-123",
        JIANGXIN_EXIT_AFTER_PAINT="1",
        JIANGXIN_USER="clerk",  # the demo clerk, logged in without the dialog
        JIANGXIN_PASSWORD="Demo-pass-2025",
    )
    command = [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(tmp_path / "d"), "--demo"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert HEADLESS_NOTE in done.stderr
    painted = [line for line in done.stdout.splitlines() if line.startswith("FIRST_PAINT ")]
    assert len(painted) == 1 and float(painted[0].split()[1]) > 0
    assert any(line.startswith("LIST_READY ") for line in done.stdout.splitlines())
    assert (tmp_path / "d" / "jiangxin.db").exists()


def test_first_run_without_keyring_asks_for_a_new_passphrase_from_the_worker(
    qtbot, monkeypatch, data_paths, answer_modal
):
    from jiangxin_desktop.services.security.keystore import env_passphrase_provider
    from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseDialog, QtPassphrasePrompt

    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.delenv("JIANGXIN_PASSPHRASE", raising=False)

    def choose(dialog: PassphraseDialog) -> None:
        assert dialog.new and dialog.windowTitle() == "设置数据库口令"
        dialog.first.setText("station-pass-1")
        dialog.second.setText("station-pass-1")
        dialog.ok_button.click()

    handled = answer_modal(choose, PassphraseDialog)
    prompt = QtPassphrasePrompt()
    assert create_demo_database(data_paths, env_passphrase_provider(prompt), trainees=10)
    assert len(handled) == 1 and prompt.calls == 1
    ctx = open_context(data_paths, lambda new: "station-pass-1")
    try:
        assert ctx.search.totals()["active"] == 11  # 10 and the demo classes' 李玥
    finally:
        ctx.close()
