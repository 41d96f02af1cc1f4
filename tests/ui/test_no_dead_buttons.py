"""Parts that do not work yet are not shown as working; a greyed button says why."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QLineEdit

from jiangxin_desktop.ui.station.backup_page import BackupPage
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR

PASSWORD = "Demo-pass-2025"


def test_areas_not_built_yet_are_greyed_and_say_so(window):
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        greyed = item.foreground().color() == QColor(INACTIVE_COLOR)
        if item.text() == "证书与打印":
            assert greyed and "尚未提供" in item.toolTip(), item.text()
        else:
            assert not greyed and item.toolTip() == "", item.text()


def greyed_without_reason(page) -> list[str]:
    controls = [
        *page.findChildren(QAbstractButton),
        *page.findChildren(QLineEdit),
        *page.findChildren(QAbstractSpinBox),
    ]
    return [
        (getattr(w, "text", lambda: "")() or w.objectName() or type(w).__name__)
        for w in controls
        if w.isVisibleTo(page)
        and not w.isEnabled()
        and not w.toolTip()
        and not isinstance(w.parentWidget(), QAbstractSpinBox)  # a spin box's own text field
    ]


def test_every_greyed_backup_control_says_why_for_a_clerk(qtbot, demo_context):
    page = BackupPage(demo_context)
    qtbot.addWidget(page)
    assert not page.now_button.isEnabled()
    assert page.now_button.toolTip() == "请管理员先设置备份位置和备份口令。"
    assert greyed_without_reason(page) == []


def test_every_greyed_backup_control_says_why_for_an_administrator(qtbot, demo_context):
    demo_context.login("admin", PASSWORD)
    page = BackupPage(demo_context)
    qtbot.addWidget(page)
    assert not page.elsewhere_button.isEnabled()
    assert "备份口令" in page.elsewhere_button.toolTip()
    assert greyed_without_reason(page) == []
