"""Dates a window proposes come from the context's clock (fixed in tests), not the machine's."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate

from jiangxin_desktop.ui.training.class_dialog import ClassDialog


def test_a_new_class_starts_the_monday_after_the_context_s_today(qtbot, demo_context, clock):
    clock.set(datetime(2026, 3, 18, 9, 0))  # a Wednesday, far from any day the tests run on
    dialog = ClassDialog(demo_context)
    qtbot.addWidget(dialog)
    assert dialog.form.start_edit.date() == QDate(2026, 3, 23)
    assert dialog.form.end_edit.date() == QDate(2026, 4, 5)
