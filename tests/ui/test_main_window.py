"""The main window: eight areas, honest placeholders, title and status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt

from jiangxin_desktop.ui.shell.main_window import MainWindow
from jiangxin_desktop.ui.shell.unbuilt_page import UnbuiltPage

AREAS = ["学员", "培训班", "考勤", "证书与打印", "补贴", "同步", "统计", "设置"]


def test_all_eight_areas_are_in_the_navigation(window):
    assert window.area_names() == AREAS
    assert window.pages.currentWidget() is window.trainee_page


def test_unbuilt_areas_say_so_plainly(qtbot, window):
    for row, name in enumerate(AREAS[:-1]):  # 设置 holds the audit trail (below)
        if name in ("学员", "培训班", "考勤", "补贴", "同步", "统计"):
            continue
        window.nav.setCurrentRow(row)
        page = window.pages.currentWidget()
        assert isinstance(page, UnbuiltPage)
        assert page.isVisible()
        assert f"“{name}”功能在当前版本中尚未提供" in page.text()
        assert not page.findChildren(type(window.trainee_page.table))  # no fake lists


def test_the_sync_area_is_built_and_the_status_bar_label_opens_it(qtbot, window):
    from jiangxin_desktop.ui.sync.sync_page import SyncPage

    window.nav.setCurrentRow(AREAS.index("同步"))
    assert isinstance(window.pages.currentWidget(), SyncPage)
    window.nav.setCurrentRow(0)
    qtbot.mouseClick(window.sync_label, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.sync_page


def test_the_stats_area_is_built_with_its_three_tabs(qtbot, window):
    from jiangxin_desktop.ui.stats.stats_page import StatsPage

    window.nav.setCurrentRow(AREAS.index("统计"))
    page = window.pages.currentWidget()
    assert isinstance(page, StatsPage) and page is window.stats_page
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["计划进度", "待回访", "就业服务"]
    tab = page.progress_tab
    qtbot.waitUntil(lambda: tab.summary is not None and not tab.busy, timeout=10_000)
    assert tab.cards["person_times"].value_label.text() == "0 人次"  # the demo has no classes


def test_classes_and_attendance_areas_are_built(qtbot, window):
    from jiangxin_desktop.ui.training.attendance_area import AttendanceArea
    from jiangxin_desktop.ui.training.classes_page import ClassesPage

    window.nav.setCurrentRow(AREAS.index("培训班"))
    assert isinstance(window.pages.currentWidget(), ClassesPage)
    window.nav.setCurrentRow(AREAS.index("考勤"))
    area = window.pages.currentWidget()
    assert isinstance(area, AttendanceArea)
    assert "还没有已开班或培训中的培训班" in area.empty.text() and area.empty.isVisible()


def test_title_and_status_bar(qtbot, window, demo_context):
    assert window.windowTitle() == f"匠心 — {demo_context.station.name}（演示数据）"
    assert demo_context.station.code in window.station_label.text()
    assert window.database_label.text() == "数据库：jiangxin.db"
    assert window.counts_label.text() == "在册学员 300 人 · 已注销 0 人"
    qtbot.waitUntil(lambda: window.sync_label.text() == "同步：演示数据不上传")  # once the list is painted


def test_counts_follow_a_deactivation(qtbot, window):
    page = window.trainee_page
    page.select_uuid(page.model.row_at(0).uuid)
    page.deactivate_action.trigger()
    qtbot.keyClicks(page.dialog.reason_edit, "test")
    page.dialog.accept()
    assert window.counts_label.text() == "在册学员 299 人 · 已注销 1 人"


def test_ctrl_f_from_another_area_goes_to_the_search_box(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.nav.setCurrentRow(3)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.trainee_page
    assert window.trainee_page.search_box.hasFocus()


def test_ctrl_n_opens_the_registration_dialog_on_the_trainee_area(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.nav.setCurrentRow(5)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.trainee_page.dialog
    assert dialog is not None and dialog.isVisible()
    assert window.pages.currentWidget() is window.trainee_page
    dialog.reject()  # nothing typed: closes without asking
    assert not dialog.isVisible()


def test_f5_rereads_the_list_and_counts(qtbot, window, demo_context):
    demo_context.registry.deactivate(window.trainee_page.model.row_at(0).uuid, "elsewhere")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.counts_label.text().startswith("在册学员 299 人")
    assert window.trainee_page.hint_label.text() == "共 299 人"


def test_first_paint_is_signalled(qtbot, demo_context):
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.first_painted):
        window.show()


def test_fits_a_1366_by_768_screen(window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 740


def test_other_areas_are_built_after_the_list_is_on_screen(qtbot, window):
    """Start-up pays for the trainee list only; the other areas follow a moment later."""
    from jiangxin_desktop.ui.station.settings_page import SettingsPage

    qtbot.waitUntil(lambda: window._settings_page is not None, timeout=5000)
    assert isinstance(window.pages.widget(AREAS.index("设置")), SettingsPage)
    assert window.pages.currentWidget() is window.trainee_page  # the clerk stays where they are
