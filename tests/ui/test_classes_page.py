"""培训班: a clerk drafts a class in the dialog, a reviewer opens it; buttons follow role and state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.ui.training.class_dialog import ClassDialog
from jiangxin_desktop.ui.training.class_model import ClassTableModel
from jiangxin_desktop.ui.training.classes_page import ClassesPage
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from tests.services.classes_helpers import class_input, login


@pytest.fixture
def classes_page(qtbot, demo_context):
    page = ClassesPage(demo_context)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def press(text: str, seen: list[str]):
    def handle(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == text).click()

    return handle


def cell(page: ClassesPage, row: int, column: int) -> str:
    return page.model.index(row, column).data()


def fill_new_class(qtbot, dialog: ClassDialog, ime) -> None:
    form = dialog.form
    ime(form.name_edit, "养老护理员（初级）第一期")
    form.project_combo.setCurrentIndex(form.project_combo.findData("KY01"))
    form.occupation_combo.setCurrentIndex(form.occupation_combo.findData("4-10-01-05"))
    form.certificate_combo.setCurrentIndex(form.certificate_combo.findData("1"))
    form.level_combo.setCurrentIndex(form.level_combo.findData("5"))
    form.institution_combo.setCurrentIndex(form.institution_combo.findData("JG002"))
    ime(form.site_edit, "海州区新南街道社区服务中心三楼")
    form.capacity_spin.selectAll()
    qtbot.keyClicks(form.capacity_spin, "30")
    ime(form.teachers_edit, "王芳")
    for key, amount in (("fee", "1000"), ("government", "800"), ("employer", "0"), ("personal", "200")):
        qtbot.keyClicks(form.money[key], amount)


def test_clerk_creates_a_class_through_the_dialog(qtbot, classes_page, ime):
    page = classes_page
    assert page.hint_label.text() == "共 0 个培训班"
    click(qtbot, page.buttons["new"])
    dialog = page.dialog
    assert isinstance(dialog, ClassDialog) and dialog.isVisible()
    assert "培训目录：2026.1-示例" in dialog.catalog_label.text()
    assert "不是连云港市发布的正式目录" in dialog.catalog_label.text()
    assert not dialog.save_button.isEnabled()
    assert "班级名称" in dialog.save_button.toolTip()

    fill_new_class(qtbot, dialog, ime)
    assert dialog.form.hours_spin.value() == 0
    assert dialog.form.rows["课时"].message_text() == ""  # not touched yet: only the summary says it
    assert dialog.reason_label.text() == "还有 1 项需要修改：课时" and not dialog.save_button.isEnabled()

    click(qtbot, dialog.timetable.generate_button)
    generator = dialog.timetable.generator
    assert generator is not None and generator.first_edit.date() == dialog.form.start_edit.date()
    assert "共 10 次课、40 课时" in generator.summary.text()
    generator.accept()
    assert dialog.timetable.table.rowCount() == 10
    assert dialog.form.hours_spin.value() == 40  # filled in from the timetable
    sessions = dialog.timetable.sessions()
    assert all(s.day.weekday() < 5 for s in sessions)  # consecutive weekdays
    assert dialog.form.end_edit.date().toPython() >= sessions[-1].day
    assert dialog.timetable.total_label.text() == "10 次课，合计 40 课时（班级 40 课时）"
    assert dialog.form.shares_label.text() == "三项合计 ¥1,000.00，等于培训费 ¥1,000.00"
    assert dialog.problems == [] and "已符合目录规则" in dialog.problems_label.text()
    assert dialog.save_button.isEnabled() and dialog.reason_label.text() == ""

    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    assert page.hint_label.text() == "共 1 个培训班"
    assert cell(page, 0, ClassTableModel.NAME) == "养老护理员（初级）第一期"
    assert cell(page, 0, ClassTableModel.STATUS) == "草稿"
    assert cell(page, 0, ClassTableModel.LEVEL) == "五级/初级工"
    assert cell(page, 0, ClassTableModel.COUNT) == "0/30"
    assert page.current is not None and page.current.class_hours == 40
    assert "已符合目录规则" in page.summary.problems_label.text()


def test_the_dialog_says_what_to_fix_while_typing(qtbot, classes_page, ime):
    page = classes_page
    page.new_class()
    dialog = page.dialog
    fill_new_class(qtbot, dialog, ime)
    dialog.form.hours_spin.setValue(36)
    dialog.timetable.add_row()  # one session on 开班日期, 08:30–11:30, 4 课时
    assert dialog.timetable.sessions()[0].day == dialog.form.start_date()
    dialog.form.money["personal"].clear()
    ime(dialog.form.money["personal"], "一百")
    assert dialog.form.rows["个人负担部分"].message_text() == "“一百”不是金额，请填写数字，如 1200 或 1200.50"
    assert dialog.save_button.toolTip() == "还有 1 项需要修改：个人负担部分"
    dialog.form.money["personal"].clear()
    qtbot.keyClicks(dialog.form.money["personal"], "100")
    assert dialog.save_button.isEnabled()
    text = dialog.problems_label.text()  # not blocking: a draft may be saved and fixed later
    assert "五级/初级工培训至少 40 课时，本班只有 36 课时" in text
    assert "课次合计 4 课时，与班级课时 36 不一致" in text
    assert "合计 900.00 元，与培训费 1000.00 元不一致" in text
    assert "不等于培训费" in dialog.form.shares_label.text()

    dialog.form.name_edit.clear()
    assert dialog.form.rows["班级名称"].message_text() == "请填写班级名称"
    assert not dialog.save_button.isEnabled()


def test_reviewer_opens_a_class_and_the_buttons_follow(qtbot, classes_page, demo_context, answer_modal):
    page = classes_page
    draft = demo_context.classes.create(class_input())
    page.reload()
    page.select_uuid(draft.uuid)
    approve = page.buttons["approve"]
    assert not approve.isEnabled()
    assert approve.toolTip() == "审核开班由审核人办理；您的角色是经办人"
    assert page.buttons["edit"].isEnabled() and page.buttons["new"].isEnabled()

    login(demo_context, "reviewer")
    page.update_buttons()
    assert approve.isEnabled()
    assert not page.buttons["new"].isEnabled()
    assert page.buttons["new"].toolTip() == "新建培训班由经办人或管理员办理；您的角色是审核人"
    assert not page.buttons["edit"].isEnabled()
    seen: list[str] = []
    answer_modal(press("审核开班", seen), QMessageBox)
    click(qtbot, approve)
    qtbot.waitUntil(lambda: bool(seen))
    assert "养老护理员（初级）第一期" in seen[0]
    assert cell(page, 0, ClassTableModel.STATUS) == "已开班"
    assert not approve.isEnabled()
    assert approve.toolTip() == "只有“草稿”的培训班才能审核开班，本班现在是“已开班”"
    assert page.buttons["send_back"].isEnabled()
    assert not page.buttons["start"].isEnabled()  # the clerk starts the training

    login(demo_context, "clerk")
    page.update_buttons()
    assert page.buttons["start"].isEnabled()
    assert not page.buttons["edit"].isEnabled()
    assert "只有“草稿”的培训班才能修改" in page.buttons["edit"].toolTip()


def test_a_returned_class_shows_the_reason(qtbot, classes_page, demo_context):
    page = classes_page
    draft = demo_context.classes.create(class_input(sessions=9))  # 36 hours: too few for 初级
    login(demo_context, "reviewer")
    page.reload()
    page.select_uuid(draft.uuid)
    assert "五级/初级工培训至少 40 课时" in page.summary.problems_label.text()
    assert not page.buttons["approve"].isEnabled()
    assert page.buttons["approve"].toolTip() == "开班前还需解决 1 个问题（见右侧），请退回经办人修改"
    click(qtbot, page.buttons["send_back"])
    dialog = page.dialog
    assert isinstance(dialog, ReasonDialog) and "养老护理员（初级）第一期" in dialog.question.text()
    assert not dialog.confirm_button.isEnabled()
    qtbot.keyClicks(dialog.reason_edit, "40")
    dialog.accept()
    assert cell(page, 0, ClassTableModel.STATUS) == "已退回"
    assert page.summary.note_frame.isVisible()
    assert page.summary.note_label.text() == "审核人退回意见：40"

    login(demo_context, "clerk")
    page.update_buttons()
    page.edit_selected()
    dialog = page.dialog
    assert isinstance(dialog, ClassDialog)
    assert dialog.catalog_label.text().startswith("审核人退回意见：40")
    assert dialog.form.hours_spin.value() == 36 and dialog.timetable.table.rowCount() == 9
    assert not dialog.edited
    dialog.reject()  # nothing changed: closes without asking
    assert not dialog.isVisible()


def test_status_filter_and_search(qtbot, classes_page, demo_context):
    page = classes_page
    demo_context.classes.create(class_input(name="中式面点师第一期"))
    demo_context.classes.create(class_input())
    page.reload()
    assert page.model.rowCount() == 2
    page.status_combo.setCurrentIndex(page.status_combo.findData("opened"))
    assert page.model.rowCount() == 0 and page.hint_label.text() == "找到 0 个培训班"
    page.status_combo.setCurrentIndex(0)
    qtbot.keyClicks(page.search_box, "2026-002")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1


def test_timetable_rows_can_be_edited_and_removed(qtbot, classes_page):
    page = classes_page
    page.new_class()
    editor = page.dialog.timetable
    editor.add_row()
    editor.add_row()
    assert [s.day.toordinal() for s in editor.sessions()][1] - editor.sessions()[0].day.toordinal() == 1
    item = editor.table.item(1, 0)
    item.setData(Qt.ItemDataRole.EditRole, QDate(2027, 3, 1))
    assert editor.table.model().index(1, 0).data() == QDate(2027, 3, 1)
    assert editor.table.itemDelegate().displayText(QDate(2027, 3, 1), editor.locale()) == "2027-03-01"
    editor.table.selectRow(0)
    editor.remove_selected()
    assert editor.table.rowCount() == 1 and editor.sessions()[0].day.isoformat() == "2027-03-01"


def test_models_follow_qt_rules(qtmodeltester, classes_page, demo_context):
    demo_context.classes.create(class_input())
    classes_page.reload()
    qtmodeltester.check(classes_page.model)


def test_generated_sessions_skip_the_weekend():
    from datetime import date

    from jiangxin_desktop.ui.training.timetable_generator import generate_sessions

    days = [s.day for s in generate_sessions(date(2026, 12, 4), 3, "08:30", "11:30", 4)]  # a Friday
    assert days == [date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 8)]
    every_day = generate_sessions(date(2026, 12, 4), 3, "08:30", "11:30", 4, weekdays_only=False)
    assert [s.day.day for s in every_day] == [4, 5, 6]
