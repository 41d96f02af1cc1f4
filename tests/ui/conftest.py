"""UI fixtures: the embedded font as the windows use it, and pages over the demo database."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.ui.shell.fonts import apply_body_font, load_embedded_fonts

HERE = Path(__file__).parent
# Qt's offscreen platform (used for tests) warns this whenever a top-level window with a
# layout is shown; real platforms implement size hints. Only this exact message is ignored.
OFFSCREEN_SIZE_HINTS = "This plugin does not support propagateSizeHints()"


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))


@pytest.fixture(autouse=True, scope="session")
def body_font(qapp):
    """Tests measure and render with the font the program ships, at body size."""
    return apply_body_font(qapp, load_embedded_fonts())


@pytest.fixture(autouse=True)
def no_window_left_behind(qapp):
    """After each test, no window of it stays on screen to take the next test's focus.

    pytest-qt closes the widgets a test registered and schedules their deletion, but a dialog
    a test opened over its window stays visible until the event loop deletes the parent, and
    an application shortcut (Ctrl+F, Ctrl+L) then goes to it instead of the next test's window.
    Hidden rather than closed: a form with typed text would ask whether to discard it.
    """
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.hide()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def ime():
    """ime(widget, "张三"): Chinese arrives as an input-method commit (QTest can only type ASCII)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    def commit(widget, text: str) -> None:
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)

    return commit


@pytest.fixture
def free_id(demo_context):
    """free_id(birth="19850317") → a valid ID number that the demo database does not hold."""

    def make(birth: str = "19850317", area: str = "320706") -> str:
        for sequence in range(1, 1000):
            number = id_with_check(f"{area}{birth}{sequence:03d}")
            if demo_context.registry.find_by_id_number(number) is None:
                return number
        raise AssertionError("no free ID number")

    return make


@pytest.fixture
def page(qtbot, demo_context):
    from jiangxin_desktop.ui.registry.trainee_page import TraineePage

    widget = TraineePage(demo_context)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def window(qtbot, demo_context):
    from jiangxin_desktop.ui.shell.main_window import MainWindow

    widget = MainWindow(demo_context)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def answer_modal(qtbot):
    """answer_modal(handle, kind=None): call ``handle(widget)`` on the next modal window shown.

    For dialogs shown with exec(); ``handle`` must close the widget. Returns the list of
    widgets handled, to assert on afterwards.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    handled: list = []
    timers: list = []

    def arm(handle, kind: type | None = None) -> list:
        timer = QTimer()
        timer.setInterval(20)

        def poll() -> None:
            widget = QApplication.activeModalWidget()
            if kind is not None and not isinstance(widget, kind):
                return
            if widget is not None and widget.isVisible() and widget not in handled:
                timer.stop()
                handled.append(widget)
                handle(widget)

        timer.timeout.connect(poll)
        timer.start()
        timers.append(timer)
        return handled

    yield arm
    for timer in timers:
        timer.stop()


@pytest.fixture(scope="session")
def seeded_classes_db(tmp_path_factory):
    """A demo database with the demo classes (finished, training, opened, draft), made once;
    ``classes_context`` gives each test its own copy."""
    import keyring

    from jiangxin_desktop.demo_setup import ensure_demo_database
    from jiangxin_desktop.paths import DataPaths
    from tests.conftest import DEMO_PASSWORD, FIXED_NOW, MemoryKeyring, no_passphrase

    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        paths = DataPaths(tmp_path_factory.mktemp("classes") / "data")
        ensure_demo_database(paths, no_passphrase, 60, user_password=DEMO_PASSWORD, today=FIXED_NOW.date())
    finally:
        keyring.set_keyring(previous)
    return paths, backend


@pytest.fixture
def classes_context(seeded_classes_db, tmp_path, clock):
    """A copy of the seeded database (classes dated around FIXED_NOW), opened with ``clock`` and
    logged in as the clerk."""
    import shutil

    import keyring

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.paths import DataPaths
    from tests.conftest import DEMO_PASSWORD, no_passphrase, use_clock

    paths, backend = seeded_classes_db
    copy = DataPaths(tmp_path / "classes-data")
    shutil.copytree(paths.root, copy.root)
    keyring.set_keyring(backend)  # the autouse memory keyring is put back afterwards
    ctx = use_clock(open_context(copy, no_passphrase), clock)
    ctx.login("clerk", DEMO_PASSWORD)
    yield ctx
    ctx.close()
