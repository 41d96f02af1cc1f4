"""导入名册 and 导出花名册 from a class's 学员 tab."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from jiangxin_desktop.ui.roster_import_dialog import RosterImportDialog
from tests.services.classes_helpers import login, opened_class

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"


def test_preview_lists_every_row_then_import_and_again_nothing(qtbot, demo_context, tmp_path):
    klass = opened_class(demo_context)
    dialog = RosterImportDialog(demo_context, klass)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    preview = dialog.load(FIXTURES / "roster-lo.xlsx")
    assert preview is not None and preview.dry_run
    assert "共 14 行数据：可导入 1 人（其中新登记 1 人）" in dialog.summary.text()
    rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert rows[0] == "4" and "10" in rows  # row numbers as the spreadsheet shows them
    reasons = {dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())}
    assert "请填写户口簿的编号" in reasons
    assert demo_context.enrollments.list(klass.uuid) == []
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入 1 人"

    report = dialog.write_report(tmp_path / "问题清单.xlsx")
    assert report is not None and report.exists()

    done = dialog.run_import()
    assert done is not None and done.imported == 1 and not done.dry_run
    assert "已导入 1 人" in dialog.summary.text() and not dialog.import_button.isEnabled()
    assert dialog.report_button.isEnabled()  # the rows left out, to fix and import again
    after = dialog.write_report(tmp_path / "导入后问题清单.xlsx")
    assert after is not None and after.exists()
    assert len(demo_context.enrollments.list(klass.uuid)) == 1
    again = dialog.load(FIXTURES / "roster-lo.ods")
    assert again is not None and again.imported == 0 and not dialog.import_button.isEnabled()


def test_export_from_the_tab_is_masked_for_a_clerk(qtbot, demo_context, tmp_path):
    from jiangxin_desktop.ui.class_detail import ClassDetailDialog

    klass = opened_class(demo_context)
    dialog = ClassDetailDialog(demo_context, klass.uuid)
    qtbot.addWidget(dialog)
    tab = dialog.enrolment_tab
    assert tab.import_button.isEnabled()
    out = tab.export_to(tmp_path / "花名册.xlsx")
    assert out is not None
    sheet = load_workbook(out).active
    assert sheet["A1"].value.endswith("花名册")
    login(demo_context, "reviewer")
    tab.load(demo_context.classes.get(klass.uuid))
    assert not tab.import_button.isEnabled()  # reviewers do not enter trainees
