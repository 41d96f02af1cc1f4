"""考勤 area: the classes taking attendance now, and checking in there by scanning an ID card."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTime

from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.ui.training.attendance_area import AttendanceArea
from jiangxin_desktop.ui.training.attendance_makeup import MakeupDialog
from jiangxin_desktop.ui.training.attendance_tab import COUNTED, NAME, STATUS
from jiangxin_desktop.ui.training.class_detail import ENROLMENT
from tests.services.classes_helpers import class_input, login, opened_class, person


def clock(ctx, moment: datetime) -> None:
    """The services' clock stands at ``moment`` (local time)."""
    local = moment.astimezone()
    ctx.acting.now = lambda: local
    ctx.acting.today = lambda: local.date()


def test_lists_opened_classes_and_checks_in_by_scan(qtbot, demo_context):
    clock(demo_context, datetime(2026, 12, 1, 8, 40))  # session 1, 08:30–11:30: ten minutes late
    demo_context.classes.create(class_input(name="草稿班"))  # a draft takes no attendance: not listed
    klass = opened_class(demo_context)
    trainee = person(demo_context)
    demo_context.enrollments.enroll(klass.uuid, EnrollInput(trainee.uuid))
    area = AttendanceArea(demo_context)
    qtbot.addWidget(area)
    area.resize(1200, 650)
    area.show()
    qtbot.waitExposed(area)
    assert area.model.rowCount() == 1
    assert area.hint.text() == "正在培训和已开班的培训班（1 个）"
    assert area.right.currentWidget() is area.sheet
    sheet = area.sheet
    assert sheet.model.index(0, NAME).data() == "钱小满"
    qtbot.keyClicks(sheet.scan_box, trainee.id_number)
    qtbot.keyClick(sheet.scan_box, Qt.Key.Key_Return)
    assert sheet.model.index(0, STATUS).data() == "迟到"

    sheet.sign_out_radio.setChecked(True)
    assert sheet.scan_box.placeholderText().startswith("签退")
    qtbot.keyClicks(sheet.scan_box, "320706199001011234")
    qtbot.keyClick(sheet.scan_box, Qt.Key.Key_Return)
    assert "不在本班" in sheet.feedback.text()
    assert sheet.scan_box.selectedText() == "320706199001011234"  # kept, and the next scan replaces it

    area.reload()  # the class is 培训中 now and still listed
    assert area.model.index(0, 1).data() == "培训中"
    area.open_button.click()
    assert area.dialog is not None and area.dialog.tabs.currentIndex() == ENROLMENT
    area.dialog.accept()


def test_a_scan_at_2350_is_refused_naming_the_window_and_a_makeup_waits_for_the_reviewer(
    qtbot, demo_context, answer_modal
):
    clock(demo_context, datetime(2026, 12, 1, 23, 50))
    klass = opened_class(demo_context)
    trainee = person(demo_context)
    demo_context.enrollments.enroll(klass.uuid, EnrollInput(trainee.uuid))
    area = AttendanceArea(demo_context)
    qtbot.addWidget(area)
    area.resize(1200, 700)
    area.show()
    qtbot.waitExposed(area)
    sheet = area.sheet
    assert sheet.session_combo.currentText().startswith("第 1 次课 2026-12-01")
    assert not sheet.makeups.isVisible()  # no 补签 yet: no list
    qtbot.keyClicks(sheet.scan_box, trainee.id_number)
    qtbot.keyClick(sheet.scan_box, Qt.Key.Key_Return)
    assert sheet.feedback.text() == (
        "本课次签到时间为 08:00–11:30，23:50 不在其中；如需补签，请点“补签”并填写原因"
    )
    assert sheet.model.index(0, STATUS).data() == "未记录"  # nothing recorded
    sheet.grid.setCurrentIndex(sheet.model.index(0, 0))
    sheet.grid.setFocus()
    qtbot.keyClick(sheet.grid, Qt.Key.Key_1)  # 出勤 by key is a sign-in now: refused the same way
    assert "23:50 不在其中" in sheet.feedback.text()

    def fill(dialog: MakeupDialog) -> None:
        assert "签到时间为 08:00–11:30" in dialog.findChild(type(sheet.feedback)).text()
        assert not dialog.submit_button.isEnabled()  # no reason yet
        dialog.sign_in_edit.setTime(QTime(8, 25))
        dialog.sign_out_edit.setTime(QTime(11, 32))
        qtbot.keyClicks(dialog.reason_edit, "scanner broken")
        assert dialog.submit_button.isEnabled()
        dialog.submit_button.click()

    handled = answer_modal(fill, MakeupDialog)
    qtbot.mouseClick(sheet.makeup_button, Qt.MouseButton.LeftButton)
    assert len(handled) == 1
    assert sheet.model.index(0, STATUS).data() == "缺勤"
    assert sheet.model.index(0, COUNTED).data() == "0 课时（补签待审）"
    assert sheet.makeups.isVisible() and sheet.makeups.title() == "补签（待审核 1 条，共 1 条）"
    assert not sheet.makeups.approve_button.isEnabled()  # a clerk does not approve
    assert "审核人" in sheet.makeups.approve_button.toolTip()

    login(demo_context, "reviewer")
    area.reload()
    assert sheet.makeups.approve_button.isEnabled()
    qtbot.mouseClick(sheet.makeups.approve_button, Qt.MouseButton.LeftButton)
    assert sheet.makeups.title() == "补签（待审核 0 条，共 1 条）"
    assert sheet.makeups.model.index(0, 7).data() == "补签已批准"
    assert sheet.model.index(0, STATUS).data() == "出勤"
    assert sheet.model.index(0, COUNTED).data() == "4 课时"


def test_a_reviewer_rejects_a_makeup_with_a_reason_and_the_row_stays_as_it_was(
    qtbot, demo_context, answer_modal
):
    from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog

    clock(demo_context, datetime(2026, 12, 1, 12, 0))
    klass = opened_class(demo_context)
    trainee = person(demo_context)
    enrolment = demo_context.enrollments.enroll(klass.uuid, EnrollInput(trainee.uuid))
    session = klass.sessions[0]
    claimed = datetime(2026, 12, 1, 8, 20).astimezone().isoformat()
    demo_context.attendance.request_makeup(
        session.uuid, enrolment.uuid, sign_in_at=claimed, sign_out_at=None, reason="忘记签到"
    )
    login(demo_context, "reviewer")
    area = AttendanceArea(demo_context)
    qtbot.addWidget(area)
    area.resize(1200, 700)
    area.show()
    qtbot.waitExposed(area)
    panel = area.sheet.makeups
    assert panel.model.index(0, 5).data() == "忘记签到" and panel.reject_button.isEnabled()

    def refuse(dialog: ReasonDialog) -> None:
        assert "钱小满 第 1 次课的补签" in dialog.question.text()
        qtbot.keyClicks(dialog.reason_edit, "no paper sheet")
        dialog.confirm_button.click()

    answer_modal(refuse, ReasonDialog)
    qtbot.mouseClick(panel.reject_button, Qt.MouseButton.LeftButton)
    assert panel.model.index(0, 7).data() == "补签已驳回"
    assert not panel.approve_button.isEnabled() and "已处理" in panel.approve_button.toolTip()
    assert area.sheet.model.index(0, STATUS).data() == "缺勤"
    assert area.sheet.model.index(0, COUNTED).data() == "0 课时"
