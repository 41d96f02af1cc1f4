"""Start-up: the login form is on screen while the database unlocks and opens behind it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QTimer

from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.shell import startup_open
from jiangxin_desktop.ui.shell.login_dialog import LoginDialog
from jiangxin_desktop.ui.shell.passphrase_dialog import QtPassphrasePrompt
from jiangxin_desktop.ui.shell.startup_open import BackgroundOpen, log_in_while_opening
from tests.conftest import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
RIGHT = "right-pass-123"


class ScriptedPrompt:
    """Stands in for the passphrase dialog (from any thread): answers from a list."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.calls = 0
        self.problem = ""
        self.problems: list[str] = []

    def __call__(self, new: bool) -> str:
        self.calls += 1
        self.problems.append(self.problem)
        return self.answers.pop(0)


@pytest.fixture(autouse=True)
def unattended_env_off(monkeypatch):
    for name in ("JIANGXIN_USER", "JIANGXIN_PASSWORD", "JIANGXIN_EXIT_AFTER_PAINT", "JIANGXIN_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def keyring_database(data_paths):
    ensure_demo_database(data_paths, lambda new: "unused", 5, user_password=DEMO_PASSWORD, classes=False)
    return data_paths


@pytest.fixture
def passphrase_database(data_paths):
    """A database whose key is wrapped by a passphrase, as on a machine without a keyring."""
    keyring.set_keyring(keyring.backends.fail.Keyring())
    ensure_demo_database(data_paths, lambda new: RIGHT, 5, user_password=DEMO_PASSWORD, classes=False)
    return data_paths


@pytest.fixture
def held_back(monkeypatch):
    """The data layer is held back until someone waits for it (the form's 确定): each step of
    these tests then happens in one order only. Returns whether it was open at the form's paint."""
    painted: list[bool] = []
    monkeypatch.setattr(startup_open, "FORM_WAIT_SECONDS", 60)
    monkeypatch.setattr(BackgroundOpen, "form_shown", lambda self: painted.append(self.finished))
    return painted


def type_and_submit(dialog: LoginDialog, username: str = "clerk", password: str = DEMO_PASSWORD) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.submit()


def test_the_login_form_is_painted_before_the_database_is_open(
    qtbot, keyring_database, held_back, answer_modal
):
    opening = BackgroundOpen(keyring_database, ScriptedPrompt([]))
    opening.ask_first()
    opening.start()  # as the start-up does, before the main window is built
    seen = {}

    def fill(dialog: LoginDialog) -> None:
        seen["title"] = dialog.windowTitle()
        waiting = []
        QTimer.singleShot(0, lambda: waiting.append(dialog.problem.text()))  # runs while submit waits
        type_and_submit(dialog)
        seen["while waiting"] = waiting

    answer_modal(fill, LoginDialog)
    try:
        assert log_in_while_opening(opening)
        assert held_back == [False]  # painted, and the database not open yet
        assert seen["title"] == "匠心 — 登录"
        assert seen["while waiting"] == ["正在打开数据库，请稍候……"]
        assert opening.ctx is not None and opening.ctx.user.username == "clerk"
        assert opening.ctx.search.totals()["active"] == 5
    finally:
        opening.close()
    assert opening.ctx is None  # closed at the end


def test_a_wrong_password_is_said_on_the_form_and_the_next_try_logs_in(qtbot, keyring_database, answer_modal):
    opening = BackgroundOpen(keyring_database, ScriptedPrompt([]))
    problems = []

    def fill(dialog: LoginDialog) -> None:
        type_and_submit(dialog, password="not-the-password")
        problems.append(dialog.problem.text())
        assert dialog.isVisible()  # nothing lost: the form stays
        type_and_submit(dialog)

    answer_modal(fill, LoginDialog)
    try:
        assert log_in_while_opening(opening)
        assert problems[0] and "正在打开" not in problems[0]
        assert opening.ctx.user.username == "clerk"
    finally:
        opening.close()


def test_a_passphrase_the_environment_does_not_give_is_asked_before_the_form(
    qtbot, passphrase_database, answer_modal
):
    prompt = ScriptedPrompt([RIGHT])
    opening = BackgroundOpen(passphrase_database, prompt)
    order = []
    opening.ask_first()
    order.append(("asked", prompt.calls))
    answer_modal(lambda dialog: (order.append(("form", prompt.calls)), type_and_submit(dialog)), LoginDialog)
    try:
        assert log_in_while_opening(opening)
        assert order == [("asked", 1), ("form", 1)]
        assert prompt.calls == 1  # the answer unlocked the key once, never asked again
    finally:
        opening.close()


def test_a_wrong_passphrase_from_the_environment_is_asked_again_with_the_reason(
    qtbot, monkeypatch, passphrase_database
):
    monkeypatch.setenv("JIANGXIN_PASSPHRASE", "wrong-from-env")
    prompt = ScriptedPrompt([RIGHT])  # asked from the opening's thread, over the form
    opening = BackgroundOpen(passphrase_database, prompt)
    opening.ask_first()
    assert prompt.calls == 0  # the environment gives one: nothing asked before the form
    try:
        ctx = opening.wait()
        assert ctx is not None and ctx.search.totals()["active"] == 5
        assert prompt.calls == 1
        assert "口令不正确" in prompt.problems[0] and "还可以再试 2 次" in prompt.problems[0]
    finally:
        opening.close()


def test_a_database_without_accounts_turns_the_form_into_the_first_administrator(
    qtbot, data_paths, held_back, answer_modal
):
    ensure_demo_database(data_paths, lambda new: "unused", 5)  # no user accounts
    opening = BackgroundOpen(data_paths, ScriptedPrompt([]))
    titles = []

    def first_admin(dialog: LoginDialog) -> None:
        titles.append(dialog.windowTitle())
        dialog.username.setText("boss")
        dialog.display_name.setText("站长")
        dialog.new_password.setText("Seal-wax-7731")
        dialog.confirm.setText("Seal-wax-7731")
        dialog.submit()
        if dialog.isVisible():  # refused: say why instead of hanging
            titles.append(dialog.problem.text())
            dialog.reject()

    def login(dialog: LoginDialog) -> None:
        titles.append(dialog.windowTitle())
        answer_modal(first_admin, LoginDialog)
        type_and_submit(dialog, "boss", "whatever-typed")  # waits for the opening, then gives way

    answer_modal(login, LoginDialog)
    try:
        assert log_in_while_opening(opening), titles
        assert titles == ["匠心 — 登录", "匠心 — 创建管理员"]
        assert opening.ctx.user.username == "boss" and opening.ctx.user.role == "admin"
    finally:
        opening.close()


def test_a_damaged_key_file_closes_the_form_and_is_reported(
    qtbot, keyring_database, held_back, answer_modal
):
    keyring_database.key_descriptor.write_text(json.dumps({"format": 1, "scheme": "keyring"}))
    opening = BackgroundOpen(keyring_database, ScriptedPrompt([]))
    shown = []

    def fill(dialog: LoginDialog) -> None:
        shown.append(dialog.windowTitle())
        type_and_submit(dialog)  # waits for the opening, which fails and closes the form

    answer_modal(fill, LoginDialog)
    try:
        assert not log_in_while_opening(opening)
        assert isinstance(opening.failure, KnownError) and "key.json" in opening.failure.message
        assert shown == ["匠心 — 登录"]
    finally:
        opening.close()


def test_quitting_at_the_form_waits_for_the_opening_and_closes_it(qtbot, keyring_database, answer_modal):
    opening = BackgroundOpen(keyring_database, ScriptedPrompt([]))
    answer_modal(lambda dialog: dialog.reject(), LoginDialog)  # 退出程序 at once
    assert not log_in_while_opening(opening)
    opening.close()
    assert opening.finished and opening.ctx is None and opening.failure is None


def test_the_program_paints_the_login_form_then_the_list(passphrase_database):
    """The real program: the form is painted, filled in, and the list painted after it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        JIANGXIN_PASSPHRASE=RIGHT,
        JIANGXIN_EXIT_AFTER_PAINT="1",
        JIANGXIN_USER="clerk",
        JIANGXIN_PASSWORD=DEMO_PASSWORD,
    )
    done = subprocess.run(
        [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(passphrase_database.root)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    marks = dict(line.split() for line in lines if line.startswith(("FIRST", "LOGIN", "LIST")))
    assert set(marks) == {"FIRST_PAINT", "LOGIN_SHOWN", "LIST_READY"}, done.stdout
    assert float(marks["FIRST_PAINT"]) <= float(marks["LOGIN_SHOWN"]) < float(marks["LIST_READY"])


def test_a_real_prompt_is_not_asked_when_the_keyring_holds_the_key(qtbot, keyring_database):
    prompt = QtPassphrasePrompt()
    opening = BackgroundOpen(keyring_database, prompt)
    opening.ask_first()
    try:
        assert opening.wait() is not None and prompt.calls == 0
    finally:
        opening.close()


HEAVY = ("sqlalchemy", "jiangxin_desktop.context", "jiangxin_desktop.store.models", "alembic")
LIGHT_START = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.ui.shell import app as app_module
from jiangxin_desktop.ui.shell import single_instance
from jiangxin_desktop.ui.shell.main_window import MainWindow
from jiangxin_desktop.ui.shell.login_dialog import LoginDialog
from jiangxin_desktop.ui.shell.startup_open import BackgroundOpen
window = MainWindow()
window.show()
opening = BackgroundOpen(DataPaths(Path(sys.argv[1])), lambda new: "unused")  # never started
dialog = LoginDialog(None, "login", window, opening=opening)
dialog.show()
dialog.repaint()
print(" ".join(m for m in sys.argv[2:] if m in sys.modules) or "none")
"""


def test_the_frame_and_the_login_form_paint_without_the_data_layer(keyring_database):
    """The GUI thread paints the frame and the login form without SQLAlchemy, models or services."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", LIGHT_START, str(keyring_database.root), *HEAVY],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def test_the_list_is_built_while_the_password_is_checked_and_shown_only_after_login(
    qtbot, keyring_database, answer_modal
):
    from jiangxin_desktop.ui.registry.trainee_page import TraineePage
    from jiangxin_desktop.ui.shell.main_window import MainWindow
    from jiangxin_desktop.ui.shell.startup_open import PreparedList

    opening = BackgroundOpen(keyring_database, ScriptedPrompt([]))
    prepared = PreparedList()
    seen = []

    def fill(dialog: LoginDialog) -> None:
        type_and_submit(dialog, password="not-the-password")
        built = prepared.page
        seen.append(built)
        assert isinstance(built, TraineePage) and not built.isVisible()  # built, never shown
        assert not built.new_action.isEnabled()  # nobody is logged in: no buttons to act
        type_and_submit(dialog)
        assert prepared.page is built  # the second try did not build it again

    answer_modal(fill, LoginDialog)
    try:
        assert log_in_while_opening(opening, prepare=prepared)
        window = MainWindow()
        qtbot.addWidget(window)
        window.attach(opening.ctx, prepared.take(opening.ctx))
        assert window.trainee_page is seen[0]  # the one built during the check
        assert window.trainee_page.new_action.isEnabled()  # the clerk's buttons, now
        assert window.trainee_page.model.rowCount() == 5
    finally:
        opening.close()


def test_a_wrong_password_during_the_list_build_is_refused_as_ever(keyring_database):
    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.ui.shell.login_dialog import authenticate_while

    ctx = open_context(keyring_database, lambda new: "unused")
    try:
        ran = []
        with pytest.raises(KnownError):
            authenticate_while(ctx.users, "clerk", "not-the-password", lambda: ran.append(True))
        assert ran == [True]
        assert authenticate_while(ctx.users, "clerk", DEMO_PASSWORD, lambda: None).username == "clerk"
    finally:
        ctx.close()
