"""统计 page, 计划进度 tab, over the seeded demo classes and the real ``ctx.stats``.

Every figure on the page is compared with the service read directly; the people behind a card,
a bar and a target row are the service's own list for the same period. Nothing is mocked.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.ui.stats.progress_tab import PlanProgressTab
from jiangxin_desktop.ui.stats.stats_page import StatsPage
from tests.ui.test_no_dead_buttons import greyed_without_reason


def wait_counted(qtbot, tab: PlanProgressTab, period: tuple[date, date] | None = None) -> dict:
    period = period or tab.chooser.period()
    qtbot.waitUntil(lambda: not tab.busy and tab.period == period, timeout=10_000)
    assert tab.summary is not None
    return tab.summary


@pytest.fixture
def stats_page(qtbot, classes_context) -> StatsPage:
    page = StatsPage(classes_context)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitExposed(page)
    wait_counted(qtbot, page.progress_tab)
    return page


def open_people(qtbot, tab: PlanProgressTab, press) -> list:
    press()
    qtbot.waitUntil(lambda: tab.people_dialog is not None, timeout=10_000)
    dialog = tab.people_dialog
    assert dialog is not None
    rows = list(dialog.rows)
    assert dialog.windowTitle().endswith(f"：{len(rows)} 人")
    assert dialog.model.rowCount() == len(rows)
    dialog.reject()
    qtbot.waitUntil(lambda: tab.people_dialog is None)
    return rows


def keys(rows) -> list:
    return sorted((r.trainee_uuid, r.class_code, r.detail) for r in rows)


def test_the_page_shows_this_years_figures_and_the_definition(stats_page, classes_context):
    tab = stats_page.progress_tab
    ctx = classes_context
    start, end = date(2026, 1, 1), date(2026, 12, 31)  # 本年 of the tests' day
    assert tab.chooser.choice() == "year" and tab.period == (start, end)
    expected = ctx.stats.summary(start, end).to_json()
    assert tab.summary == expected
    assert expected["person_times"]["total"] > 0  # the finished demo class counts
    assert tab.cards["person_times"].value_label.text() == f"{expected['person_times']['total']:,} 人次"
    assert expected["definition"] in tab.definition_label.text()
    assert tab.definition_label.isVisible()
    assert [s.tabText(i) for s in [stats_page.tabs] for i in range(s.count())] == ["计划进度", "待回访", "就业服务"]
    assert greyed_without_reason(stats_page) == []


def test_a_card_opens_the_people_behind_it(qtbot, stats_page, classes_context):
    tab = stats_page.progress_tab
    start, end = tab.period
    card = tab.cards["person_times"]
    rows = open_people(qtbot, tab, lambda: qtbot.mouseClick(card, Qt.MouseButton.LeftButton))
    expected = classes_context.stats.people("person_times", None, start, end)
    assert keys(rows) == keys(expected)
    assert len(rows) == tab.summary["person_times"]["total"]
    assert all("*" in r.id_masked for r in rows)  # masked


def test_a_bar_and_a_target_row_open_their_people(qtbot, stats_page, classes_context):
    tab = stats_page.progress_tab
    start, end = tab.period
    chart = tab.charts["by_group"]
    assert chart.bars
    bar = chart.bars[0]
    point = chart.bar_rect(0).center().toPoint()
    rows = open_people(qtbot, tab, lambda: qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=point))
    assert keys(rows) == keys(classes_context.stats.people("person_times", bar.key, start, end))
    assert len(rows) == bar.value

    table = tab.targets
    assert table.keys[0][0] == "person_times"
    cell = table.visualItemRect(table.item(0, 0)).center()
    viewport = table.viewport()
    rows = open_people(qtbot, tab, lambda: qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=cell))
    assert keys(rows) == keys(classes_context.stats.people("targets", "person_times", start, end))


def test_the_keyboard_opens_a_bar(qtbot, stats_page):
    tab = stats_page.progress_tab
    chart = tab.charts["by_area"]
    chart.setFocus()

    def press() -> None:
        qtbot.keyClick(chart, Qt.Key.Key_Return)

    rows = open_people(qtbot, tab, press)
    assert len(rows) == chart.bars[0].value


def test_the_period_chooser_changes_the_figures(qtbot, stats_page, classes_context):
    tab = stats_page.progress_tab
    year = tab.summary["person_times"]["total"]
    tab.chooser.set_dates(date(2025, 1, 1), date(2025, 1, 31))  # before any demo class
    summary = wait_counted(qtbot, tab, (date(2025, 1, 1), date(2025, 1, 31)))
    assert summary["person_times"]["total"] == 0 != year
    assert tab.cards["person_times"].value_label.text() == "0 人次"
    tab.chooser.choose("plan")
    plan = classes_context.catalogs.active().plan
    summary = wait_counted(qtbot, tab, (plan.start, plan.end))
    assert summary == classes_context.stats.summary(plan.start, plan.end).to_json()
    assert "计划期 2025–2027" in tab.chooser.combo.currentText()


def test_dates_in_the_wrong_order_are_said_and_not_counted(qtbot, stats_page):
    tab = stats_page.progress_tab
    before = tab.period
    tab.chooser.set_dates(date(2026, 5, 1), date(2026, 4, 1))
    assert "结束日期早于开始日期" in tab.chooser.problem.text()
    assert not tab.busy and tab.period == before


def test_export_writes_the_workbook_and_the_pdf(qtbot, stats_page, tmp_path):
    from openpyxl import load_workbook

    tab = stats_page.progress_tab
    out = tab.export("excel", tmp_path / "月报")
    assert out == tmp_path / "月报.xlsx"
    sheet = load_workbook(out)["月报"]
    numbers = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, int | float)]
    assert tab.summary["person_times"]["total"] in numbers  # numbers as numbers
    pdf = tab.export("pdf", tmp_path / "统计报表.pdf")
    assert pdf == tmp_path / "统计报表.pdf" and pdf.read_bytes().startswith(b"%PDF")


def test_an_export_that_cannot_be_written_says_so_in_chinese(qtbot, stats_page, tmp_path, answer_modal):
    taken = tmp_path / "taken.xlsx"
    taken.mkdir()  # a folder of that name: the file cannot be written
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.windowTitle() + box.text())
        box.accept()

    answer_modal(read, QMessageBox)
    assert stats_page.progress_tab.export("excel", taken) is None
    assert seen and "没有导出" in seen[0] and "Error" not in seen[0]


def test_f5_in_the_window_counts_again(qtbot, classes_context):
    from jiangxin_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(classes_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(window.area_names().index("统计"))
    page = window.stats_page
    assert window.pages.currentWidget() is page
    tab = page.progress_tab
    wait_counted(qtbot, tab)
    tab.summary = None
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: tab.summary is not None and not tab.busy, timeout=10_000)


def test_another_user_gets_the_page_built_again_even_while_it_counts(qtbot, classes_context):
    from jiangxin_desktop.ui.shell.main_window import MainWindow
    from tests.conftest import DEMO_PASSWORD

    window = MainWindow(classes_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(window.area_names().index("统计"))
    old = window.stats_page
    assert old is not None and old.progress_tab.busy  # counting in its worker
    window.change_user(classes_context.login("reviewer", DEMO_PASSWORD))
    page = window.stats_page
    assert page is not old and window.pages.currentWidget() is page
    wait_counted(qtbot, page.progress_tab)
    qtbot.wait(100)  # the old page's count, if it ends only now, is dropped quietly
    assert page.progress_tab.summary["person_times"]["total"] > 0


def test_a_narrow_bar_chart_shortens_labels_but_never_a_number(qtbot):
    from jiangxin_desktop.ui.stats.charts import Bar, BarChart

    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_bars([Bar("a", "农村转移劳动力（含脱贫劳动力）", 123456, "123,456"), Bar("b", "失业人员", 7, "7")])
    chart.resize(chart.minimumSizeHint().width(), chart.sizeHint().height())
    chart.show()
    qtbot.waitExposed(chart)
    label_w, area_w, value_w = chart._columns()
    widest = chart.fontMetrics().horizontalAdvance("123,456")
    assert label_w + area_w + chart.fontMetrics().horizontalAdvance("中") // 2 + widest <= chart.width()
    assert chart.bar_rect(0).right() + widest <= chart.width()
