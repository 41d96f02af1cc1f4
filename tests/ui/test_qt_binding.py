"""Guard against a Qt binding that corrupts reference counts (it crashes the program).

PySide6 6.12.0 on Python 3.11 returns ``None`` from every void Qt method without taking a
reference. Python 3.11's ``None`` is not immortal, so after some thousands of calls (a few
minutes of typing in the registration form) the interpreter aborts with
"none_dealloc: deallocating None". 6.11.3 does not do this; on Python 3.12+ ``None`` is
immortal. The fix belongs in the dependency pins, not in the windows' code.
"""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QLabel

CALLS = 1000


def test_qt_calls_keep_references_to_none_intact(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("学员")
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 2, (
        f"PySide6 {pyside_version} on Python {sys.version.split()[0]} drops a reference to None on "
        f"every void call ({lost} lost in {CALLS} calls): the program will abort after a few thousand "
        "calls. Use PySide6-Essentials 6.11.x (or a fixed release) or Python 3.12+."
    )
