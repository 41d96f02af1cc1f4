"""The login form at once; the database unlocks and opens behind it.

Importing the data layer (SQLAlchemy, the models, the services), unlocking the key (scrypt
for a passphrase) and opening and checking the database take about a second. They run on a
thread of their own, started before the main window is built: the key first (scrypt and the
keyring leave the GUI thread free to paint), then, once the login form is painted, the data
layer and the database. Pressing 确定 before it is done waits for it (the form says so). A
passphrase the environment does not give is asked before anything else; a wrong one is asked
again over the form (``open_with_retries``). The thread is always waited for before the
program ends, so a migration is never cut off half-way.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QWidget

from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.errors import PassphraseRequired
from jiangxin_desktop.services.security.keystore import PASSPHRASE_ENV, KeyStore
from jiangxin_desktop.ui.shell.unlock import EXIT_AFTER_PAINT_ENV, open_with_retries
from jiangxin_desktop.ui.shell.login_dialog import PASSWORD_ENV, USER_ENV, LoginDialog, finish_login, log_in
from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseCancelled, QtPassphrasePrompt

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

_FIRST_ADMIN = 2  # the login form's result when the database turns out to have no accounts yet
FORM_WAIT_SECONDS = 1.0  # the longest the data layer waits for the login form to be painted


def key_scheme(paths: DataPaths) -> str | None:
    """"passphrase" or "keyring", read from key.json directly (no data layer); None when it
    cannot be read (the opening reports why)."""
    try:
        scheme = json.loads(paths.key_descriptor.read_text(encoding="utf-8")).get("scheme")
    except (OSError, ValueError, AttributeError):
        return None
    return scheme if isinstance(scheme, str) else None


def asks_passphrase(paths: DataPaths) -> bool:
    """True when the key is wrapped by a passphrase and the environment does not give it."""
    return not os.environ.get(PASSPHRASE_ENV) and key_scheme(paths) == "passphrase"


class _AskedFirst:
    """The passphrase prompt, whose first answer was given before the login form was shown."""

    def __init__(self, prompt: QtPassphrasePrompt, answer: str | None, opening: BackgroundOpen) -> None:
        self._prompt, self._answer, self._opening = prompt, answer, opening
        self.first_answer = answer
        self.calls = 0

    @property
    def problem(self) -> str:
        return self._prompt.problem

    @problem.setter
    def problem(self, text: str) -> None:
        self._prompt.problem = text

    def __call__(self, new: bool) -> str:
        self.calls += 1
        if self._answer is not None and not new:
            answer, self._answer = self._answer, None
            return answer
        if self._opening.abandoned:  # the clerk has left: ask nobody
            raise PassphraseCancelled(QCoreApplication.translate("Startup", "没有输入数据库口令，程序已退出。"))
        return self._prompt(new)


class BackgroundOpen(QObject):
    """``open_with_retries`` on a thread; ``done`` is emitted (on the GUI thread) when it ends."""

    done = Signal()  # on the GUI thread, once the opening has ended (opened or failed)
    _ended = Signal()  # from the opening's thread; Qt queues it to this object's (GUI) thread

    def __init__(self, paths: DataPaths, prompt: QtPassphrasePrompt, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths, self.prompt = paths, prompt
        self.ctx: AppContext | None = None
        self.failure: BaseException | None = None
        self.abandoned = False
        self._finished = threading.Event()
        self._delivered = False  # done was emitted (GUI thread)
        self._ended.connect(self._deliver)
        self._form_shown = threading.Event()
        self._thread: threading.Thread | None = None
        self._unlock_thread: threading.Thread | None = None
        self._key: bytes | None = None
        self._asking: _AskedFirst | None = None

    def ask_first(self) -> None:
        """On the GUI thread, before the login form: the passphrase, when one will be needed."""
        if self._asking is None:
            answer = self.prompt(False) if asks_passphrase(self.paths) else None
            self._asking = _AskedFirst(self.prompt, answer, self)

    def form_shown(self) -> None:
        """The login form is on screen (or none will be): the data layer may load now."""
        self._form_shown.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        if self._asking is None:
            self.ask_first()
        # The key on a thread of its own: scrypt and the keyring wait outside the interpreter,
        # so the unlock overlaps both the windows' painting and the data layer's import.
        self._unlock_thread = threading.Thread(target=self._unlock, name="database-key", daemon=True)
        self._unlock_thread.start()
        self._thread = threading.Thread(target=self._run, name="database-open", daemon=True)
        self._thread.start()

    def _unlock(self) -> None:
        """The key into ``_key``; None on any problem: ``open_with_retries`` then says what it is."""
        assert self._asking is not None
        passphrase = self._asking.first_answer or os.environ.get(PASSPHRASE_ENV)
        if key_scheme(self.paths) != "passphrase":
            # The keyring's import holds the interpreter (scrypt does not): after the form.
            self._form_shown.wait(FORM_WAIT_SECONDS)

        def provide(new: bool) -> str:
            if new or not passphrase:
                raise PassphraseRequired("")
            return passphrase

        try:
            self._key = KeyStore(self.paths.key_descriptor, provide).load()
        except Exception:  # noqa: BLE001 - the regular opening reports it
            self._key = None

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def _run(self) -> None:
        try:
            assert self._asking is not None and self._unlock_thread is not None
            # Importing the data layer holds the interpreter: the windows paint first.
            self._form_shown.wait(FORM_WAIT_SECONDS)
            from jiangxin_desktop.context import open_context

            self._unlock_thread.join()
            if self._key is not None:
                self.ctx = open_context(self.paths, self._asking, unlocked=self._key)
            else:  # asked again on a wrong passphrase, as ever; failures said as ever
                self.ctx = open_with_retries(self.paths, self._asking)  # type: ignore[arg-type]
        except BaseException as exc:  # handed to the GUI thread, raised there
            self.failure = exc
        finally:
            self._finished.set()
            self._ended.emit()

    @Slot()
    def _deliver(self) -> None:
        if not self._delivered:
            self._delivered = True
            self.done.emit()

    def wait(self) -> AppContext | None:
        """Keep the windows painting until the database is open; None when opening failed."""
        self.start()
        self._form_shown.set()  # someone is waiting: no reason to hold the data layer back
        if not self._delivered:
            loop = QEventLoop()
            self.done.connect(loop.quit)
            loop.exec()
            self.done.disconnect(loop.quit)
        return self.ctx

    def close(self) -> None:
        """At the end: wait for the thread (never cut a migration off), then close the database."""
        self.abandoned = True
        if self._thread is not None:
            self.wait()
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None


class _OnFirstPaint(QObject):
    """Calls ``action`` once, right after ``widget`` is first painted."""

    def __init__(self, widget: QWidget, action: Any) -> None:
        super().__init__(widget)
        self._action = action
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and self._action is not None:
            action, self._action = self._action, None
            QTimer.singleShot(0, action)
        return False


class PreparedList:
    """The trainee list, built while the password is checked; handed to the window after login."""

    def __init__(self) -> None:
        self.page: QWidget | None = None

    def __call__(self, ctx: AppContext) -> None:
        if self.page is not None:  # a second try after a wrong password: built already
            return
        from jiangxin_desktop.ui.registry.trainee_page import TraineePage

        try:
            self.page = TraineePage(ctx)  # not shown: nobody has logged in yet
        except Exception:  # noqa: BLE001 - the window builds it again after login, and says why
            self.page = None

    def take(self, ctx: AppContext) -> QWidget | None:
        page, self.page = self.page, None
        return page if page is not None and getattr(page, "ctx", None) is ctx else None


def log_in_while_opening(
    opening: BackgroundOpen, parent: QWidget | None = None, *, prepare: PreparedList | None = None
) -> bool:
    """The login form while the database opens; True once someone has logged in.

    False: the clerk left, or opening failed (``opening.failure`` says why). With
    JIANGXIN_USER and JIANGXIN_PASSWORD the form is skipped (unattended start); the
    start-up benchmark (JIANGXIN_EXIT_AFTER_PAINT) has the form shown and filled in.
    """
    user_env, password_env = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    bench = bool(os.environ.get(EXIT_AFTER_PAINT_ENV))
    opening.ask_first()
    if user_env and password_env and not bench:
        opening.form_shown()  # there is none
        ctx = opening.wait()
        return ctx is not None and log_in(ctx, parent)
    dialog = LoginDialog(None, "login", parent, opening=opening)
    dialog.meanwhile = prepare

    def opened() -> None:
        if opening.failure is not None:
            dialog.reject()
        elif opening.ctx is not None and not opening.ctx.users.has_users():
            dialog.done(_FIRST_ADMIN)

    def painted() -> None:
        opening.form_shown()
        if bench:
            print(f"LOGIN_SHOWN {time.time()}", flush=True)
            dialog.username.setText(user_env or "")
            dialog.password.setText(password_env or "")
            dialog.submit()

    opening.done.connect(opened)
    _OnFirstPaint(dialog, painted)
    opening.start()  # where the start-up has not started it already
    code = dialog.exec()
    opening.done.disconnect(opened)
    ctx = opening.wait()
    if ctx is None:
        return False
    if code == _FIRST_ADMIN:
        return log_in(ctx, parent)  # the form to create the first administrator
    if code != QDialog.DialogCode.Accepted or dialog.user is None:
        return False
    ctx.act_as(dialog.user)
    return finish_login(ctx, parent)
