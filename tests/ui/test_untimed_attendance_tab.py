"""考勤 tab: 出勤 without a sign-in time is marked, counted in a line under the grid, and put right
with a 补签 that starts from what is known. Fixed clock: 2026-12-02 12:00 (session 2 of the class)."""

from __future__ import annotations

import re
from datetime import datetime, time

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.ui.training.attendance_area import AttendanceArea
from jiangxin_desktop.ui.training.attendance_makeup import MakeupDialog
from jiangxin_desktop.ui.training.attendance_tab import COUNTED, NAME, STATUS
from tests.services.classes_helpers import login, opened_class, person
from tests.ui.test_attendance_area import clock


def untimed_class(ctx):
    """Three trainees signed in and out at sessions 1 and 2; then, as an older release left them,
    no times for 甲 and 乙 at session 1 and for 甲 at session 2."""
    clock(ctx, datetime(2026, 12, 2, 12, 0))
    klass = opened_class(ctx)
    people = [person(ctx, seq=140 + i, name=f"学员{'甲乙丙'[i]}") for i in range(3)]
    for p in people:
        ctx.enrollments.enroll(klass.uuid, EnrollInput(p.uuid))
    for s in klass.sessions[:2]:
        clock(ctx, datetime.combine(s.day, time(12, 0)))  # the paper sheet typed in at noon
        came, left = (datetime.combine(s.day, time(*t)).astimezone().isoformat() for t in ((8, 25), (11, 30)))
        for p in people:
            ctx.attendance.check_in(s.uuid, p.id_number, at=came)
            ctx.attendance.check_out(s.uuid, p.id_number, at=left)
    one, two = klass.sessions[:2]
    forget = [(one, people[0]), (one, people[1]), (two, people[0])]
    with ctx.db.write() as s:
        for session, p in forget:
            s.execute(
                text(
                    "UPDATE attendance SET sign_in_at = NULL, sign_out_at = NULL WHERE session_uuid = :s AND"
                    " enrollment_uuid = (SELECT uuid FROM enrollment"
                    " WHERE trainee_uuid = :t AND class_uuid = :c)"
                ),
                {"s": session.uuid, "t": p.uuid, "c": klass.uuid},
            )
    clock(ctx, datetime(2026, 12, 2, 12, 0))
    return klass, people


def row_of(sheet, name: str) -> int:
    return next(i for i in range(sheet.model.rowCount()) if sheet.model.index(i, NAME).data() == name)


def test_untimed_attendance_is_marked_counted_and_fixed_by_a_makeup(qtbot, demo_context, answer_modal):
    ctx = demo_context
    klass, people = untimed_class(ctx)
    area = AttendanceArea(ctx)
    qtbot.addWidget(area)
    area.resize(1366, 700)
    area.show()
    qtbot.waitExposed(area)
    sheet = area.sheet
    assert sheet.session_combo.currentText().startswith("第 2 次课 2026-12-02")  # today's
    first = row_of(sheet, "学员甲")
    assert sheet.model.index(first, STATUS).data() == "出勤 *"
    assert sheet.model.index(first, STATUS).data(Qt.ItemDataRole.ToolTipRole) == (
        "没有签到时间，不计课时；请按纸质签到表补签"
    )
    assert sheet.model.index(first, COUNTED).data() == "0 课时（没有签到时间）"
    other = row_of(sheet, "学员丙")
    assert sheet.model.index(other, STATUS).data() == "出勤"
    assert sheet.model.index(other, STATUS).data(Qt.ItemDataRole.ToolTipRole) == "出勤"

    notice = sheet.untimed_notice
    assert notice.isVisible()
    said = notice.text()
    assert "本班有 3 条出勤记录没有签到时间（标 *，第 1、2 次课），不计课时。" in said
    assert "选中后点“补签…”，填写纸质签到表上的时间" in said
    assert "转到第 1 次课" in said  # session 1 has rows to fix too

    href = re.search(r'href="([^"]+)"', said).group(1)
    notice.linkActivated.emit(href)
    assert sheet.session_combo.currentText().startswith("第 1 次课 2026-12-01")
    assert [sheet.model.index(row_of(sheet, n), STATUS).data() for n in ("学员甲", "学员乙", "学员丙")] == [
        "出勤 *", "出勤 *", "出勤"
    ]

    sheet.grid.setCurrentIndex(sheet.model.index(row_of(sheet, "学员乙"), 0))

    def fill(dialog: MakeupDialog) -> None:
        intro = dialog.findChild(QLabel).text()
        assert intro.startswith("已记为“出勤”，但没有签到时间，不计课时。请填写纸质签到表上的签到、签退时间。")
        assert "第 1 次课 2026-12-01 08:30–11:30" in intro and dialog.windowTitle() == "补签：学员乙"
        assert "旧记录没有签到时间" in dialog.reason_edit.placeholderText()
        dialog.sign_in_edit.setTime(QTime(8, 28))
        dialog.sign_out_edit.setTime(QTime(11, 31))
        qtbot.keyClicks(dialog.reason_edit, "paper sheet")
        dialog.submit_button.click()

    handled = answer_modal(fill, MakeupDialog)
    qtbot.mouseClick(sheet.makeup_button, Qt.MouseButton.LeftButton)
    assert len(handled) == 1
    second = row_of(sheet, "学员乙")
    assert sheet.model.index(second, STATUS).data() == "出勤"  # nothing more to do for the clerk
    assert sheet.model.index(second, COUNTED).data() == "0 课时（补签待审）"
    assert "已提出补签" in sheet.model.index(second, STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "其中 1 条已提出补签，等待审核。" in notice.text()

    login(ctx, "reviewer")
    pending = ctx.attendance.makeups(klass.uuid, pending_only=True)
    ctx.attendance.approve_makeup(pending[0].attendance_uuid)
    login(ctx, "clerk")
    sheet.reload_sheet()
    second = row_of(sheet, "学员乙")
    assert sheet.model.index(second, STATUS).data() == "出勤"
    assert sheet.model.index(second, COUNTED).data() == "4 课时"
    assert "本班有 2 条出勤记录没有签到时间（标 *，第 1、2 次课）" in notice.text()
    assert "已提出补签" not in notice.text()
    assert people  # (all three listed above by name)


def test_no_line_when_every_attendance_has_its_times(qtbot, demo_context):
    ctx = demo_context
    clock(ctx, datetime(2026, 12, 1, 12, 0))
    klass = opened_class(ctx)
    p = person(ctx)
    ctx.enrollments.enroll(klass.uuid, EnrollInput(p.uuid))
    came = datetime(2026, 12, 1, 8, 25).astimezone().isoformat()
    ctx.attendance.check_in(klass.sessions[0].uuid, p.id_number, at=came)
    area = AttendanceArea(ctx)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    assert area.sheet.model.index(0, STATUS).data() == "出勤"
    assert not area.sheet.untimed_notice.isVisible()


def test_a_finished_class_says_it_takes_no_makeup_any_more(qtbot, demo_context):
    """结业 fixed the hours a subsidy is judged by: the class's 考勤 tab (in its detail window) names
    the untimed rows but does not send the clerk to 补签…, which is closed."""
    from jiangxin_desktop.ui.training.attendance_tab import AttendanceTab

    ctx = demo_context
    klass, _people = untimed_class(ctx)
    clock(ctx, datetime(2026, 12, 11, 9, 0))  # the day after the last session
    ctx.classes.finish(klass.uuid)
    tab = AttendanceTab(ctx)
    qtbot.addWidget(tab)
    tab.load(ctx.classes.get(klass.uuid))
    tab.show()
    qtbot.waitExposed(tab)
    tab.session_combo.set_value(klass.sessions[0].uuid)
    first = row_of(tab, "学员甲")
    assert tab.model.index(first, STATUS).data() == "出勤 *"
    tip = tab.model.index(first, STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "没有签到时间，不计课时；本班已结业，不能再补签"
    said = tab.untimed_notice.text()
    assert "本班有 3 条出勤记录没有签到时间（标 *，第 1、2 次课），未计课时；本班已结业，不能再补签。" in said
    assert "补签…" not in said and not tab.makeup_button.isEnabled()
