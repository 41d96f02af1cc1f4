"""批量导入回访: the preview lists problems by row and column and imports nothing; a clean file
imports every row; a missing required column is asked and answered in the dialog."""

from __future__ import annotations

from datetime import date, datetime, time

import openpyxl
import pytest

from jiangxin_desktop.domain.import_limits import ImportLimits
from jiangxin_desktop.services.exchange.followup_sheet import MissingFollowupColumns, read_followups
from jiangxin_desktop.ui.followup.followup_import_dialog import FollowupImportDialog
from tests.services.followup_helpers import finished_class

THREE = date(2026, 6, 11)


def workbook(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年6月 就业回访登记表"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def finished(demo_context, clock):
    made = finished_class(demo_context, clock, date(2026, 3, 2))
    clock.set(datetime.combine(THREE, time(10, 0)))
    return made


@pytest.fixture
def dialog(qtbot, demo_context, finished):
    widget = FollowupImportDialog(demo_context)
    qtbot.addWidget(widget)
    widget.show()
    return widget


HEADER = ["姓名", "身份证号", "班级编号", "回访期", "回访结果", "工作单位", "回访日期"]


def _rows(made):
    code = made.klass.code
    return [[p.name, p.id_number, code, "3个月", outcome, None, "2026-06-10"]
            for p, outcome in zip(made.people, ("就业", "灵活", "联系不上"), strict=True)]


def test_a_clean_file_is_previewed_then_imported(dialog, demo_context, finished, tmp_path):
    assert not dialog.import_button.isEnabled()
    preview = dialog.load(workbook(tmp_path / "回访.xlsx", HEADER, _rows(finished)))
    assert preview is not None and preview.ok and demo_context.followups.list() == []
    assert "共 3 行回访，都可以导入" in dialog.summary.text()
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入 3 条"
    dialog.import_button.click()
    assert dialog.imported and "新记录 3 条" in dialog.summary.text()
    assert {r.outcome for r in demo_context.followups.list()} == {"employed", "flexible", "unreachable"}
    assert not dialog.import_button.isEnabled()


def test_row_problems_are_listed_and_nothing_can_be_imported(dialog, demo_context, finished, tmp_path):
    rows = _rows(finished)
    rows[1][4] = "搬砖"
    rows[2][6] = "2099-01-01"
    dialog.load(workbook(tmp_path / "错.xlsx", HEADER, rows))
    listed = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text()) for r in range(dialog.table.rowCount())}
    assert listed == {("4", "回访结果"), ("5", "回访日期")}
    assert "有问题 2 处" in dialog.summary.text()
    assert not dialog.import_button.isEnabled() and "一行也不导入" in dialog.import_button.toolTip()
    assert demo_context.followups.list() == []


def test_a_missing_column_is_asked_and_the_answer_previews_again(dialog, demo_context, finished, tmp_path):
    header = ["姓名", "身份证号", "班级编号", "回访期", "回访结果", "跟踪日期", "联系人"]
    rows = [row[:5] + ["2026-06-10", "本人"] for row in _rows(finished)]
    assert dialog.load(workbook(tmp_path / "简表.xlsx", header, rows)) is None
    assert dialog.questions.isVisible() and "找不到“回访日期”列" in dialog.summary.text()
    assert dialog.question_table.rowCount() == 1 and not dialog.apply_button.isEnabled()
    combo = dialog.question_table.cellWidget(0, 1)
    combo.setCurrentIndex(combo.findData("跟踪日期"))
    combo.activated.emit(combo.currentIndex())  # as a choice with the mouse or keys does
    assert dialog.apply_button.isEnabled()
    preview = dialog.apply_answers()
    assert preview is not None and preview.ok
    assert preview.unknown_columns == ["联系人"] and dialog.question_table.rowCount() == 1  # not read: asked
    assert dialog.import_button.isEnabled()


def test_the_refusal_names_the_missing_fields_and_the_headers_it_found(tmp_path):
    path = workbook(tmp_path / "a.xlsx", ["姓名", "身份证号", "回访期", "跟踪日期", "回访结果"], [])
    with pytest.raises(MissingFollowupColumns) as refused:
        read_followups(path, limits=ImportLimits(), today=THREE)
    assert refused.value.fields == ["contacted_on", "class_code"]
    assert refused.value.headers == ["姓名", "身份证号", "回访期", "跟踪日期", "回访结果"]
    assert "缺少必需的列“回访日期”、“班级编号”" in refused.value.message  # the words are unchanged


def test_the_tab_opens_the_import_and_shows_what_it_wrote(qtbot, demo_context, finished, tmp_path):
    from jiangxin_desktop.ui.followup.followup_tab import FollowupTab

    tab = FollowupTab(demo_context)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()  # as the 统计 page does when it shows the tab
    assert tab.due_model.rowCount() == 3
    tab.import_button.click()
    dialog = tab.import_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.load(workbook(tmp_path / "回访.xlsx", HEADER, _rows(finished)))
    dialog.import_button.click()
    dialog.close_button.click()
    assert tab.import_dialog is None and tab.due_model.rowCount() == 0
