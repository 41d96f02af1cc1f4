"""导入名册 and 导出花名册 from a class's 学员 tab."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from jiangxin_desktop.services.exchange.roster_answers import list_remembered
from jiangxin_desktop.services.exchange.roster_codes import SKIP
from jiangxin_desktop.services.exchange.roster_headers import IGNORE
from jiangxin_desktop.ui.exchange.roster_import_dialog import RosterImportDialog
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
    assert "共 14 行数据：可导入 6 人（其中新登记 6 人）" in dialog.summary.text()
    rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert rows[0] == "4" and "10" in rows  # row numbers as the spreadsheet shows them
    reasons = {dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())}
    assert "待补证明材料：请补填户口簿的编号，申请补贴前补齐" in reasons
    assert demo_context.enrollments.list(klass.uuid) == []
    # row 15's 火星族 and 贫困户 are asked, once each; no import before they are answered
    assert dialog.questions.isVisible() and dialog.questions.table.rowCount() == 2
    assert not dialog.import_button.isEnabled() and "等待回答" in dialog.summary.text()
    assert not dialog.questions.apply_button.isEnabled()
    dialog.questions.choose("火星族", SKIP)
    dialog.questions.choose("贫困户", "11")
    assert dialog.questions.apply_button.isEnabled()
    answered = dialog.apply_answers()
    assert answered is not None and not answered.needs_answers and not dialog.questions.isVisible()
    assert [s["row"] for s in answered.skipped] == [15]
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入 6 人"

    report = dialog.write_report(tmp_path / "问题清单.xlsx")
    assert report is not None and report.exists()

    done = dialog.run_import()
    assert done is not None and done.imported == 6 and not done.dry_run
    assert "已导入 6 人" in dialog.summary.text() and not dialog.import_button.isEnabled()
    assert dialog.report_button.isEnabled()  # the rows left out, to fix and import again
    after = dialog.write_report(tmp_path / "导入后问题清单.xlsx")
    assert after is not None and after.exists()
    assert len(demo_context.enrollments.list(klass.uuid)) == 6
    again = dialog.load(FIXTURES / "roster-lo.ods")
    assert again is not None and again.imported == 0 and not dialog.import_button.isEnabled()


def test_export_from_the_tab_is_masked_for_a_clerk(qtbot, demo_context, tmp_path):
    from jiangxin_desktop.ui.training.class_detail import ClassDetailDialog

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


def test_the_class_roster_filters_to_missing_evidence(qtbot, demo_context, tmp_path):
    from jiangxin_desktop.ui.training.class_detail import ClassDetailDialog
    from tests.services.test_roster_station import ident, workbook

    klass = opened_class(demo_context)
    path = workbook(
        tmp_path,
        ["姓名", "身份证号码", "联系电话", "人员类别", "证明材料类型", "证明材料编号"],
        [
            ["周明", ident(1), "13912340001", "失业人员", "", ""],
            ["吴明", ident(2), "13912340002", "失业人员", "失业登记证", "SY-2"],
            ["郑明", ident(3), "13912340003", "失业人员", "失业登记证", ""],
        ],
    )
    assert demo_context.roster_importer().run(klass.code, path).imported == 3
    dialog = ClassDetailDialog(demo_context, klass.uuid)
    qtbot.addWidget(dialog)
    tab = dialog.enrolment_tab
    assert tab.model.rowCount() == 3 and "其中 2 人待补证明材料" in tab.count_label.text()
    tab.missing_box.setChecked(True)
    shown = [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    assert shown == ["周明", "郑明"]
    assert tab.model.index(0, 3).data() == "待补证明材料"
    tab.missing_box.setChecked(False)
    assert tab.model.rowCount() == 3


def test_a_station_roster_is_answered_in_the_preview_and_remembered(qtbot, demo_context, tmp_path):
    """The mapping step: unknown values and columns, each answered, then the import."""
    import os

    klass = opened_class(demo_context)
    dialog = RosterImportDialog(demo_context, klass)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 760)
    dialog.show()
    preview = dialog.load(FIXTURES / "roster-station.xlsx")
    assert preview is not None and preview.needs_answers
    panel = dialog.questions
    asked = [panel.table.item(r, 1).text() for r in range(panel.table.rowCount())]
    assert asked == ["高校毕业生", "灵活就业人员", "培训意向", "备注2"]
    assert panel.table.item(2, 3).text() == "养老护理、养老护理、家政"  # the column's first values
    graduate = panel.table.cellWidget(0, 4)
    assert [graduate.itemData(i) for i in (1, 2, 3)] == ["21", "22", "23"]  # the likely ones first
    assert graduate.currentData() is None  # asked, never guessed
    assert not dialog.import_button.isEnabled()
    qtbot.wait(20)  # let the layout take the new texts
    shot = Path(os.environ.get("JIANGXIN_SHOT_DIR", tmp_path)) / "roster-mapping-step.png"
    assert dialog.grab().save(str(shot))
    panel.choose("高校毕业生", "22")
    panel.choose("灵活就业人员", SKIP)
    panel.choose("培训意向", IGNORE)
    assert not dialog.import_button.isEnabled()  # not before the answers are previewed
    panel.choose("备注2", "note")
    again = dialog.apply_answers()
    assert again is not None and not again.needs_answers and dialog.import_button.isEnabled()
    done = dialog.run_import()
    assert done is not None and done.imported == 7 and done.remembered
    assert "已记住" in dialog.summary.text()
    assert len(list_remembered(demo_context.db, demo_context.acting, demo_context.codes)) == 4
    # a new dialog for the same kind of file asks nothing
    other = RosterImportDialog(demo_context, klass)
    qtbot.addWidget(other)
    repeat = other.load(FIXTURES / "roster-station.xlsx")
    assert repeat is not None and not repeat.needs_answers and not other.questions.isVisible()


def test_an_id_column_the_program_does_not_know_is_pointed_out_in_the_preview(qtbot, demo_context, tmp_path):
    from tests.services.test_roster_station import ident, workbook

    klass = opened_class(demo_context)
    row = ["冯明", ident(1), "13912340001", "失业人员"]
    path = workbook(tmp_path, ["姓名", "证件号", "电话", "人员类别"], [row])
    dialog = RosterImportDialog(demo_context, klass)
    qtbot.addWidget(dialog)
    dialog.show()
    preview = dialog.load(path)
    assert preview is not None and preview.data_rows == 0
    assert "还没有读取任何行" in dialog.summary.text()
    assert dialog.questions.required.isVisible() and "公民身份号码" in dialog.questions.required.text()
    assert dialog.questions.table.item(0, 3).text() == ident(1)  # its first value: the clerk sees it is an ID
    dialog.questions.choose("证件号", "id_number")
    again = dialog.apply_answers()
    assert again is not None and again.imported == 1 and dialog.import_button.isEnabled()


def test_missing_evidence_is_supplied_from_the_tab(qtbot, demo_context, tmp_path):
    from jiangxin_desktop.ui.training.class_detail import ClassDetailDialog
    from jiangxin_desktop.ui.training.evidence_dialog import EvidenceDialog
    from tests.services.test_roster_station import ident, workbook

    klass = opened_class(demo_context)
    row = ["周明", ident(1), "13912340001", "失业人员"]
    path = workbook(tmp_path, ["姓名", "身份证号码", "联系电话", "人员类别"], [row])
    assert demo_context.roster_importer().run(klass.code, path).imported == 1
    dialog = ClassDetailDialog(demo_context, klass.uuid)
    qtbot.addWidget(dialog)
    tab = dialog.enrolment_tab
    assert not tab.evidence_button.isEnabled()  # nobody selected
    tab.table.selectRow(0)
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    assert tab.evidence_button.isEnabled()
    record = tab.model.row_at(0)
    form = EvidenceDialog(record, "失业人员", ["就业创业证", "失业登记证"])
    qtbot.addWidget(form)
    assert not form.save_button.isEnabled()  # a number first
    form.number_edit.setText("SY-1")
    assert form.save_button.isEnabled() and form.evidence() == ("就业创业证", "SY-1")
    assert tab.supply_evidence(("失业登记证", "SY-2026-9"))
    assert demo_context.enrollments.list(klass.uuid, evidence_missing=True) == []
    assert tab.model.index(0, 3).data().startswith("失业登记证")
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    assert not tab.evidence_button.isEnabled() and "已齐全" in tab.evidence_button.toolTip()
