"""设置 › 数据库检查: the check runs in a worker and shows the Chinese report."""

from __future__ import annotations

from jiangxin_desktop.ui.station.db_check_page import DbCheckPage
from jiangxin_desktop.ui.station.settings_page import SettingsPage
from tests.services.test_db_check import damage


def _checked(qtbot, page: DbCheckPage) -> None:
    page.check_button.click()
    assert not page.check_button.isEnabled()  # no second check meanwhile
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=20_000)


def test_the_settings_page_has_the_database_check(qtbot, demo_context):
    settings = SettingsPage(demo_context)
    qtbot.addWidget(settings)
    titles = [settings.tabs.tabText(i) for i in range(settings.tabs.count())]
    assert "数据库检查" in titles


def test_a_sound_database_is_reported_sound(qtbot, demo_context):
    page = DbCheckPage(demo_context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.message, timeout=20_000) as said:
        page.check_button.click()
    assert said.args == ["数据库检查完成：完好"]
    assert page.state.text() == "数据库完好。" and "完好" in page.report.toPlainText()


def test_a_damaged_page_is_shown_with_what_to_do(qtbot, demo_context):
    demo_context.db.checkpoint()
    damage(demo_context.paths.database)
    page = DbCheckPage(demo_context)
    qtbot.addWidget(page)
    _checked(qtbot, page)
    assert "已损坏" in page.state.text()
    text = page.report.toPlainText()
    assert "加密校验失败" in text and "没有找到本站完好的备份" in text


def test_the_administrator_sets_the_import_limits_and_a_clerk_sees_them(qtbot, demo_context):
    from jiangxin_desktop.domain.import_limits import ImportLimits
    from jiangxin_desktop.ui.station.import_limits_page import ImportLimitsPage
    from tests.services.classes_helpers import login

    login(demo_context, "admin")
    page = ImportLimitsPage(demo_context)
    qtbot.addWidget(page)
    assert (page.file_spin.value(), page.rows_spin.value(), page.unpacked_spin.value()) == (20, 50_000, 200)
    page.rows_spin.setValue(80_000)
    with qtbot.waitSignal(page.message) as said:
        page.save_button.click()
    assert said.args == ["导入上限已保存"]
    assert ImportLimits.from_settings(demo_context.settings).max_rows == 80_000
    login(demo_context, "clerk")
    seen = ImportLimitsPage(demo_context)
    qtbot.addWidget(seen)
    assert seen.rows_spin.value() == 80_000 and not seen.save_button.isEnabled()
    assert "管理员" in seen.save_button.toolTip()
