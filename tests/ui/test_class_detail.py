"""A class in detail: enrolling registered trainees, attendance by scan and by key, assessment."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.ui.training.attendance_tab import COUNTED, MEETS, NAME, RATE, STATUS
from jiangxin_desktop.ui.training.class_detail import ASSESSMENT, ATTENDANCE, ClassDetailDialog
from jiangxin_desktop.ui.training.classes_page import ClassesPage
from jiangxin_desktop.ui.training.enrolment_tab import EVIDENCE, ID, WARNINGS
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from tests.services.classes_helpers import opened_class, person


@pytest.fixture
def detail(qtbot, demo_context):
    """The detail of an opened class (reviewed), reached from the list as a clerk."""
    klass = opened_class(demo_context)
    page = ClassesPage(demo_context)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.select_uuid(klass.uuid)
    page.open_selected()
    dialog = page.dialog
    assert isinstance(dialog, ClassDetailDialog)
    qtbot.waitExposed(dialog)
    return dialog


def clock(ctx, moment: datetime) -> None:
    """The services' clock stands at ``moment`` (local time)."""
    local = moment.astimezone()
    ctx.acting.now = lambda: local
    ctx.acting.today = lambda: local.date()


def enrol_by_typing(qtbot, tab, text: str, ime=None) -> None:
    box = tab.picker.box
    box.clear()
    if ime is None:
        qtbot.keyClicks(box, text)
    else:
        ime(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def shown(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def row_named(model, name: str) -> int:
    return shown(model, NAME).index(name)


def press(text: str, seen: list[str]):
    def handle(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == text).click()

    return handle


def test_enrol_check_in_by_scan_leave_by_key_rates_and_assessment(qtbot, detail, demo_context, ime):
    clock(demo_context, datetime(2026, 12, 1, 8, 20))  # before session 1: inside its sign-in window
    a = person(demo_context)  # 钱小满, 失业人员 with a 失业登记证
    person(demo_context, seq=107, name="郑小雨")  # registered; found below by name
    tab = detail.enrolment_tab
    assert detail.tabs.currentWidget() is tab

    enrol_by_typing(qtbot, tab, a.id_number)  # a scanned card: one match, picked at once
    assert tab.chosen is not None and tab.chosen.uuid == a.uuid
    assert tab.verdict_label.text() == "符合报名条件。"
    qtbot.mouseClick(tab.enrol_button, Qt.MouseButton.LeftButton)
    enrol_by_typing(qtbot, tab, "郑小雨", ime)
    assert tab.chosen is not None and tab.chosen.name == "郑小雨"
    qtbot.mouseClick(tab.enrol_button, Qt.MouseButton.LeftButton)
    assert shown(tab.model, NAME) == ["钱小满", "郑小雨"]
    assert all(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", v) for v in shown(tab.model, ID))
    assert shown(tab.model, EVIDENCE)[0].startswith("失业登记证 ") and "SY2026-001" not in shown(
        tab.model, EVIDENCE
    )
    assert tab.count_label.text() == "已报名 2 人 / 计划 30 人"
    assert "已报名 2/30 人" in detail.heading.text()

    detail.tabs.setCurrentIndex(ATTENDANCE)
    sheet = detail.attendance_tab
    assert sheet.session_combo.currentText().startswith("第 1 次课 2026-12-01（周二）08:30–11:30")
    assert shown(sheet.model, STATUS) == ["未记录", "未记录"]
    sheet.scan_box.setFocus()
    qtbot.keyClicks(sheet.scan_box, a.id_number)
    qtbot.keyClick(sheet.scan_box, Qt.Key.Key_Return)
    first = row_named(sheet.model, "钱小满")
    assert sheet.model.index(first, STATUS).data() == "出勤"  # 08:20, before the start
    assert sheet.model.is_highlighted(sheet.model.row_at(first).enrollment_uuid)  # the row flashes
    assert sheet.feedback.text() == "钱小满 已签到 08:20（出勤）"
    assert sheet.scan_box.text() == ""  # ready for the next card
    assert "培训中" in detail.heading.text()  # the first attendance starts the training
    qtbot.waitUntil(lambda: not sheet.model.is_highlighted(sheet.model.row_at(first).enrollment_uuid))

    clock(demo_context, datetime(2026, 12, 1, 11, 35))
    sheet.sign_out_radio.setChecked(True)
    qtbot.keyClicks(sheet.scan_box, a.id_number)
    qtbot.keyClick(sheet.scan_box, Qt.Key.Key_Return)
    assert sheet.model.index(first, COUNTED).data() == "4 课时"
    second = row_named(sheet.model, "郑小雨")
    sheet.grid.setCurrentIndex(sheet.model.index(second, 0))
    sheet.grid.setFocus()
    qtbot.keyClick(sheet.grid, Qt.Key.Key_4)
    assert sheet.model.index(second, STATUS).data() == "请假"
    assert sheet.model.index(first, RATE).data() == "100%（4/4 课时，计划 40）"  # of the sessions held so far
    assert sheet.model.index(second, RATE).data() == "0%（0/4 课时，计划 40）"
    assert sheet.model.index(first, MEETS).data() == "已达到 80%"
    assert sheet.model.index(second, MEETS).data() == "尚未达到 80%"
    assert "须达到 80%（培训目录 2026.1-示例）" in sheet.threshold_label.text()
    sheet.grid.setCurrentIndex(sheet.model.index(second, 0))
    qtbot.keyClick(sheet.grid, Qt.Key.Key_Q)  # the letter for 缺勤
    assert sheet.model.index(second, STATUS).data() == "缺勤"

    detail.tabs.setCurrentIndex(ASSESSMENT)
    scores = detail.assessment_tab
    assert not scores.editor.isEnabled()  # the last session (2026-12-10) has not come
    assert "最后一次课（第 10 次，2026-12-10）还没有到" in scores.blocked_label.text()
    clock(demo_context, datetime(2026, 12, 10, 14, 0))
    detail.reload()
    assert scores.editor.isEnabled()
    scores.table.setCurrentIndex(scores.model.index(0, 0))
    assert scores.editor.title() == "成绩：钱小满"
    assert not scores.retake_button.isEnabled()
    qtbot.keyClicks(scores.theory_edit, "80")
    qtbot.keyClick(scores.theory_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(scores.practical_edit, "55")
    assert scores.preview_label.text() == "结果：不合格"
    qtbot.keyClick(scores.practical_edit, Qt.Key.Key_Return)  # saves, on to the next trainee
    assert scores.model.index(0, 5).data() == "不合格"
    assert scores.editor.title() == "成绩：郑小雨"
    scores.table.setCurrentIndex(scores.model.index(0, 0))
    assert scores.retake_button.isEnabled()
    scores.practical_edit.clear()
    qtbot.keyClicks(scores.practical_edit, "75")
    qtbot.mouseClick(scores.retake_button, Qt.MouseButton.LeftButton)
    assert scores.model.index(0, 5).data() == "合格"
    assert scores.model.index(0, 6).data() == "第 2 次（补考）"
    assert (
        demo_context.attendance.assessments(detail.record.uuid)[scores.model.row_at(0).enrolment.uuid].attempt
        == 2
    )


def test_an_ineligible_trainee_is_told_why(qtbot, detail, demo_context):
    young = person(demo_context, birth="20110101", seq=102, name="孙小明")
    tab = detail.enrolment_tab
    enrol_by_typing(qtbot, tab, young.id_number)
    assert "只有 15 岁，须年满 16 岁" in tab.verdict_label.text()
    assert tab.verdict_label.text().startswith("不能报名")
    assert not tab.enrol_button.isEnabled()
    assert tab.picker.box.text() == young.id_number  # what was typed stays


def test_warnings_are_confirmed_before_enrolling(qtbot, detail, demo_context, answer_modal):
    adult = person(demo_context)
    first = opened_class(demo_context, name="养老护理员（初级）第二期")
    from jiangxin_desktop.services.training.enrollment import EnrollInput

    demo_context.enrollments.enroll(first.uuid, EnrollInput(adult.uuid))
    tab = detail.enrolment_tab
    enrol_by_typing(qtbot, tab, adult.id_number)
    assert "同一职业同一等级只补贴一次" in tab.verdict_label.text()
    assert "同期还在" in tab.verdict_label.text()
    tab.subsidised_box.setChecked(False)  # not subsidised: allowed, the overlap is a warning
    assert tab.verdict_label.text().startswith("可以报名，但请注意")
    seen: list[str] = []
    answer_modal(press("仍然报名", seen), QMessageBox)
    qtbot.mouseClick(tab.enrol_button, Qt.MouseButton.LeftButton)
    assert "同期还在" in seen[0]
    assert tab.model.rowCount() == 1
    assert "同期还在" in tab.model.index(0, WARNINGS).data()
    assert tab.model.index(0, 4).data() == "否"


def test_withdrawal_asks_for_a_reason(qtbot, detail, demo_context):
    tab = detail.enrolment_tab
    enrol_by_typing(qtbot, tab, person(demo_context).id_number)
    qtbot.mouseClick(tab.enrol_button, Qt.MouseButton.LeftButton)
    assert not tab.withdraw_button.isEnabled()
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    assert tab.withdraw_button.isEnabled()
    qtbot.mouseClick(tab.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, ReasonDialog) and "钱小满" in dialog.question.text()
    assert "*" in dialog.question.text()  # the ID number is masked
    qtbot.keyClicks(dialog.reason_edit, "moved away")
    dialog.accept()
    assert tab.model.rowCount() == 0
    assert tab.count_label.text() == "已报名 0 人 / 计划 30 人"


def test_a_draft_takes_no_attendance_and_a_reviewer_enters_nothing(qtbot, detail, demo_context):
    from tests.services.classes_helpers import login

    sheet = detail.attendance_tab
    login(demo_context, "reviewer")
    detail.tabs.setCurrentIndex(ATTENDANCE)
    assert not sheet.scan_box.isEnabled()
    assert sheet.blocked_label.text() == "报名、考勤和考核成绩由经办人或管理员办理；您的角色是审核人"
    detail.tabs.setCurrentIndex(ASSESSMENT)
    assert not detail.assessment_tab.editor.isEnabled()
    login(demo_context, "clerk")
    detail.reload()
    assert "培训开始后才能记录考核成绩" in detail.assessment_tab.blocked_label.text()


def test_attendance_model_follows_qt_rules(qtmodeltester, detail, demo_context):
    detail.enrolment_tab.picker.box.setText(person(demo_context).id_number)
    detail.enrolment_tab.picker._entered()
    detail.enrolment_tab.enrol()
    detail.tabs.setCurrentIndex(ATTENDANCE)
    qtmodeltester.check(detail.attendance_tab.model)
