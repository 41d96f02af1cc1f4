"""考勤 area: the classes taking attendance now, and checking in there by scanning an ID card."""

from __future__ import annotations

from PySide6.QtCore import Qt

from jiangxin_desktop.services.enrollment import EnrollInput
from jiangxin_desktop.ui.attendance_area import AttendanceArea
from jiangxin_desktop.ui.attendance_tab import NAME, STATUS
from jiangxin_desktop.ui.class_detail import ENROLMENT
from tests.services.classes_helpers import class_input, opened_class, person


def test_lists_opened_classes_and_checks_in_by_scan(qtbot, demo_context):
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
    assert sheet.model.index(0, STATUS).data() in ("出勤", "迟到")

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
