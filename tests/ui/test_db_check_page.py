"""设置 › 数据库检查: the check runs in a worker and shows the Chinese report."""

from __future__ import annotations

from jiangxin_desktop.ui.db_check_page import DbCheckPage
from jiangxin_desktop.ui.settings_page import SettingsPage
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
