"""Start the windows: platform, fonts, error hook, first run, unlock, main window."""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths, resolve_data_dir
from jiangxin_desktop.services.security.keystore import env_passphrase_provider
from jiangxin_desktop.services.station.unfinished_setup import clear_unfinished, is_unfinished
from jiangxin_desktop.ui.widgets.error_dialogs import install_exception_hook, show_crash, show_critical
from jiangxin_desktop.ui.shell.fonts import apply_body_font, load_embedded_fonts
from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseCancelled, QtPassphrasePrompt
from jiangxin_desktop.ui.shell.qt_translations import install_chinese_translations
from jiangxin_desktop.ui.shell.unlock import EXIT_AFTER_PAINT_ENV

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

ALREADY_RUNNING_EXIT = 3  # another program has this data directory open (it was brought forward)
HEADLESS_NOTE = (
    "未检测到显示器，窗口在后台（offscreen）运行，按 Ctrl+C 退出。"
    " / No display found; the window runs offscreen (Ctrl+C to quit)."
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("App", text)


def prepare_platform() -> None:
    """Before QApplication: offscreen where Linux has no display; owner-only new files."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and "QT_QPA_PLATFORM" not in os.environ
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        print(HEADLESS_NOTE, file=sys.stderr, flush=True)
    if os.name == "posix":
        os.umask(0o077)


OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def _quiet_offscreen_noise() -> None:
    """The offscreen platform warns about size hints for every window; nothing is wrong."""
    previous = None

    def handler(mode, context, message: str) -> None:
        if message == OFFSCREEN_NOISE:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def _install_ctrl_c(app: QApplication) -> QTimer:
    """Ctrl+C in the terminal quits cleanly; a timer lets Python see the signal."""
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return timer


def _run(app: QApplication, args: Any) -> int:
    """One program per data directory: a second one brings the first forward and ends."""
    from jiangxin_desktop.ui.shell.single_instance import SingleInstance, tell_already_running

    paths = resolve_data_dir(getattr(args, "data_dir", None))
    instance = SingleInstance(paths.root)
    if not instance.acquire():
        instance.ask_holder_to_raise()
        tell_already_running(instance)
        return ALREADY_RUNNING_EXIT
    try:
        return _run_holding_lock(app, args, paths)
    finally:
        instance.release()


def _run_holding_lock(app: QApplication, args: Any, paths: DataPaths) -> int:
    from jiangxin_desktop.ui.shell.startup_open import BackgroundOpen

    prompt = QtPassphrasePrompt()
    if not paths.database.exists() or is_unfinished(paths):  # a half-made one: removed, said
        code = _first_run(paths, prompt, demo=bool(getattr(args, "demo", False)))
        if code is not None:
            return code
    # The key is unlocked and the data layer loaded on a thread of their own (a passphrase the
    # environment does not give is asked first) while the frame and the login form paint.
    opening = BackgroundOpen(paths, prompt)
    opening.ask_first()
    opening.start()
    try:
        from jiangxin_desktop.ui.shell.main_window import MainWindow

        window = MainWindow()
        opened = _DeferredOpen(app, window, opening)
        window.first_painted.connect(opened.schedule)
        QTimer.singleShot(500, opened.schedule)  # in case no paint event ever arrives
        window.show()
        code = app.exec()
        opened.raise_failure()
        return code
    finally:
        opening.close()  # waits for it to finish: a migration is never cut off


def _first_run(paths: DataPaths, prompt: QtPassphrasePrompt, *, demo: bool) -> int | None:
    """No database yet: the set-up wizard or the demo database. None: go on to the login."""
    from jiangxin_desktop.ui.shell.first_run import DEMO, SETUP, ask_first_run, create_demo_database

    passphrase = env_passphrase_provider(prompt)
    note = clear_unfinished(paths)  # what a set-up or demo killed half-way left: removed
    while True:
        choice = DEMO if demo else ask_first_run(paths, note=note)
        note = None
        if choice == SETUP:
            from jiangxin_desktop.ui.shell.setup_wizard import run_setup_wizard

            if run_setup_wizard(paths, passphrase) is None:
                continue  # cancelled, nothing made: back to the question
            return None
        if choice == DEMO:
            return None if create_demo_database(paths, passphrase) else 1
        return 0


class _DeferredOpen:
    """Once the frame is on screen: the login form, while the database opens behind it
    (ui/shell/startup_open.py); failures are re-raised after exec()."""

    def __init__(self, app: QApplication, window: Any, opening: Any) -> None:
        self.app, self.window, self.opening = app, window, opening
        self.ctx: AppContext | None = None
        self.failure: BaseException | None = None
        self.idle_lock: Any = None  # set once someone has logged in
        self._started = False
        self._bench = bool(os.environ.get(EXIT_AFTER_PAINT_ENV))

    def schedule(self) -> None:
        if self._started:
            return
        self._started = True
        if self._bench:
            print(f"FIRST_PAINT {time.time()}", flush=True)
        QTimer.singleShot(0, self._open)

    def _open(self) -> None:
        from jiangxin_desktop.ui.shell.startup_open import PreparedList, log_in_while_opening

        try:
            prepared = PreparedList()  # the list is built while the password is checked
            logged_in = log_in_while_opening(self.opening, self.window, prepare=prepared)
            self.ctx = self.opening.ctx
            if self.opening.failure is not None:
                raise self.opening.failure
            if not logged_in:
                self.app.exit(0)
                return
            self.window.attach(self.ctx, prepared.take(self.ctx))
            self.idle_lock = self.window.idle_lock  # made by attach(); 锁定 in the menu uses it too
        except BaseException as exc:  # shown by run_gui's handlers once the loop has stopped
            self.failure = exc
            self.app.exit(0)
            return
        if self._bench:
            self.window.repaint()  # the list is on screen
            print(f"LIST_READY {time.time()}", flush=True)
            QTimer.singleShot(0, lambda: self.app.exit(0))

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


def run_gui(args: Any) -> int:
    """Entry point when ``jiangxin-desktop`` runs without a subcommand; returns the exit code."""
    prepare_platform()
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _quiet_offscreen_noise()
    # Qt 6 scales for high-DPI screens by itself (125 %/150 % included); nothing to switch on.
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("jiangxin-desktop")
    install_chinese_translations(app)
    apply_body_font(app, load_embedded_fonts())
    data_dir = getattr(args, "data_dir", None)
    previous_hook = install_exception_hook(data_dir)
    ctrl_c = _install_ctrl_c(app)
    try:
        return _run(app, args)
    except PassphraseCancelled:
        return 1
    except KnownError as exc:
        show_critical(None, exc.message, title=_tr("无法打开数据库"))
        return 2
    except Exception as exc:  # a bug during start-up: report file + dialog, never a traceback
        show_crash(None, exc, data_dir=data_dir)
        return 70
    finally:
        ctrl_c.stop()
        sys.excepthook = previous_hook
