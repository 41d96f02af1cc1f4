"""Attendance that means presence: sign-in windows, hours from times, 补签 with a reviewer,
and results only once the class has reached its assessment. Real encrypted database, fixed clock."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.training.attendance import LateEntry, OutsideWindow
from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.store.models import AuditEvent, OutboxEntry
from tests.services.classes_helpers import login, opened_class, person

DAY = date(2026, 12, 1)  # session 1 of opened_class(): 08:30–11:30, 4 class hours


def clock(ctx, hhmm: str, day: date = DAY) -> datetime:
    """Fix the services' clock (Acting.now and today) at ``hhmm`` local time on ``day``."""
    moment = datetime.combine(day, time(int(hhmm[:2]), int(hhmm[3:]))).astimezone()
    ctx.acting.now = lambda: moment
    ctx.acting.today = lambda: day
    return moment


def at(hhmm: str, day: date = DAY) -> str:
    return datetime.combine(day, time(int(hhmm[:2]), int(hhmm[3:]))).astimezone().isoformat()


def enrolled(ctx, count: int):
    klass = opened_class(ctx)
    people = [person(ctx, seq=120 + i, name=f"学员{'甲乙丙丁戊己庚'[i]}") for i in range(count)]
    enrolments = [ctx.enrollments.enroll(klass.uuid, EnrollInput(p.uuid)) for p in people]
    return klass, people, enrolments


def events(ctx, action_prefix: str) -> list[AuditEvent]:
    with ctx.db.read() as s:
        return list(
            s.scalars(
                select(AuditEvent).where(AuditEvent.action.startswith(action_prefix)).order_by(AuditEvent.seq)
            )
        )


def test_a_check_in_at_2350_for_a_morning_session_is_refused_with_the_window_named(demo_context):
    ctx = demo_context
    klass, (a, b), _ = enrolled(ctx, 2)
    first = klass.sessions[0]
    clock(ctx, "23:50")
    with pytest.raises(OutsideWindow) as refused:
        ctx.attendance.check_in(first.uuid, a.id_number)  # scanned at 23:50
    assert "签到时间为 08:00–11:30，23:50 不在其中" in refused.value.message
    assert "补签" in refused.value.message
    assert (refused.value.window, refused.value.moment) == ("08:00–11:30", "23:50")
    with pytest.raises(OutsideWindow, match="07:59 不在其中"):
        ctx.attendance.check_in(first.uuid, a.id_number, at=at("07:59"))  # before the tolerance
    with pytest.raises(OutsideWindow, match="2026-12-02 08:30 不在其中"):
        ctx.attendance.check_in(first.uuid, a.id_number, at=at("08:30", date(2026, 12, 2)))
    # nothing was written: no row, no audit event, the class has not even started
    assert [r.status for r in ctx.attendance.sheet(first.uuid)] == [None, None]
    assert events(ctx, "attendance.") == []
    assert ctx.classes.get(klass.uuid).status == "opened"

    clock(ctx, "08:10")
    with pytest.raises(KnownError, match="08:25 还没有到"):
        ctx.attendance.check_in(first.uuid, a.id_number, at=at("08:25"))  # not yet
    row = ctx.attendance.check_in(first.uuid, a.id_number)
    assert row.status == "present" and row.sign_in_at
    clock(ctx, "11:40")
    ctx.attendance.check_in(first.uuid, b.id_number, at=at("08:00"))  # the window's first minute
    with pytest.raises(OutsideWindow, match="签退时间为 08:10–12:30，13:00 不在其中"):
        ctx.attendance.check_out(first.uuid, a.id_number, at=at("13:00"))
    with pytest.raises(OutsideWindow, match="签退时间为 08:10–12:30，08:05 不在其中"):
        ctx.attendance.check_out(first.uuid, a.id_number, at=at("08:05"))  # before the sign-in
    assert ctx.attendance.check_out(first.uuid, a.id_number).sign_out_at  # 11:40 is inside


def test_times_typed_in_more_than_a_day_after_the_session_are_a_makeup(demo_context):
    ctx = demo_context
    klass, (a,), (ea,) = enrolled(ctx, 1)
    first = klass.sessions[0]
    clock(ctx, "11:29", date(2026, 12, 2))  # the paper sheet, typed in the next morning
    ctx.attendance.check_in(first.uuid, a.id_number, at=at("08:25"))
    clock(ctx, "11:31", date(2026, 12, 2))  # 24 hours and a minute after the end
    with pytest.raises(LateEntry, match=r"第 1 次课（2026-12-01 11:30 下课）已结束超过 24 小时"):
        ctx.attendance.check_out(first.uuid, a.id_number, at=at("11:30"))
    row = ctx.attendance.sheet(first.uuid)[0]
    assert (row.sign_out_at, row.counted) == (None, 0)
    claim = ctx.attendance.request_makeup(
        first.uuid, ea.uuid, sign_in_at=None, sign_out_at=at("11:30"), reason="签退表次日才交回"
    )
    assert claim.state == "pending"


def test_the_keyboard_marks_present_as_a_sign_in_now_and_refuses_it_outside_the_window(demo_context):
    ctx = demo_context
    klass, _, (ea, eb) = enrolled(ctx, 2)
    first = klass.sessions[0]
    clock(ctx, "23:50")
    with pytest.raises(OutsideWindow, match="23:50 不在其中"):
        ctx.attendance.set_status(first.uuid, ea.uuid, "present")
    assert ctx.attendance.set_status(first.uuid, eb.uuid, "leave").status == "leave"  # any time
    clock(ctx, "08:41")
    row = ctx.attendance.set_status(first.uuid, ea.uuid, "present")
    assert (row.status, row.sign_in_at is not None) == ("late", True)  # the time says 迟到
    clock(ctx, "11:20")
    row = ctx.attendance.set_status(first.uuid, ea.uuid, "early")  # 早退 = sign out now
    assert row.sign_out_at is not None and row.counted == 4  # 11 late, 10 early: inside both limits


def test_hours_come_from_the_recorded_times_and_the_catalogs_rules(demo_context, tmp_path):
    ctx = demo_context
    klass, people, _ = enrolled(ctx, 7)
    first = klass.sessions[0]
    clock(ctx, "12:00")
    times = {  # person: (sign-in, sign-out)
        0: ("08:25", "11:30"),  # full
        1: ("08:44", "11:30"),  # 14 minutes late: inside the 15-minute limit, full
        2: ("09:00", "11:30"),  # 30 late: 150 of 180 minutes present → 3 of 4 hours
        3: ("08:30", None),  # no sign-out: counts zero by default
        4: ("08:30", "10:00"),  # left 90 minutes early → 2 hours
        5: ("08:30", "11:30"),  # then marked 请假
    }
    for i, (sign_in, sign_out) in times.items():
        ctx.attendance.check_in(first.uuid, people[i].id_number, at=at(sign_in))
        if sign_out:
            ctx.attendance.check_out(first.uuid, people[i].id_number, at=at(sign_out))
    sheet = {r.trainee_name: r for r in ctx.attendance.sheet(first.uuid)}
    leave = ctx.attendance.set_status(first.uuid, sheet[people[5].name].enrollment_uuid, "leave")
    rates = {r.trainee_name: r for r in ctx.attendance.rates(klass.uuid)}
    assert [rates[p.name].attended_hours for p in people] == [4, 4, 3, 0, 2, 0, 0]
    assert leave.counted == 0
    counted = {r.trainee_name: r.counted for r in ctx.attendance.sheet(first.uuid)}
    assert [counted[p.name] for p in people] == [4, 4, 3, 0, 2, 0, 0]
    sheet = {r.trainee_name: r for r in ctx.attendance.sheet(first.uuid)}
    assert sheet[people[3].name].reason == "没有签退，按目录规则不计课时"
    assert "迟到 30 分钟（超过 15 分钟）" in sheet[people[2].name].reason
    rates = {r.trainee_name: r for r in ctx.attendance.rates(klass.uuid)}
    assert [rates[p.name].attended_hours for p in people] == [4, 4, 3, 0, 2, 0, 0]
    assert {r.total_hours for r in rates.values()} == {4}  # one session held by 12:00 on 12-01

    # the city's catalog says otherwise: half for a missing sign-out, nothing beyond the limits
    city = json.loads((resources_dir() / "catalogs" / "training.json").read_text(encoding="utf-8"))
    city["version"] = "2026.3-严格"
    city["rules"]["attendance"].update(missing_signout="half", beyond_limit="zero")
    path = tmp_path / "目录.json"
    path.write_text(json.dumps(city, ensure_ascii=False), encoding="utf-8")
    login(ctx, "admin")
    ctx.catalogs.import_file(ctx.user, path)
    login(ctx, "clerk")
    counted = {r.trainee_name: r.counted for r in ctx.attendance.sheet(first.uuid)}
    assert [counted[p.name] for p in people] == [4, 4, 0, 2, 0, 0, 0]


def test_a_makeup_counts_nothing_until_another_reviewer_approves_it(demo_context):
    ctx = demo_context
    ctx.acting.travels = True  # as at a real station: changes go to the outbox
    klass, (a, b), (ea, eb) = enrolled(ctx, 2)
    first = klass.sessions[0]
    clock(ctx, "23:50")
    with pytest.raises(ValidationError, match="补签原因"):
        ctx.attendance.request_makeup(first.uuid, ea.uuid, sign_in_at=at("08:20"), sign_out_at=None, reason=" ")
    claim = ctx.attendance.request_makeup(
        first.uuid, ea.uuid, sign_in_at=at("08:20"), sign_out_at=at("11:35"), reason="扫码枪故障，按纸质签到表补录"
    )
    assert (claim.state, claim.state_label, claim.requested_by) == ("pending", "补签待审核", "clerk")
    row = next(r for r in ctx.attendance.sheet(first.uuid) if r.enrollment_uuid == ea.uuid)
    assert (row.status, row.sign_in_at, row.counted, row.makeup) == ("absent", None, 0, "pending")
    assert {r.trainee_name: r.attended_hours for r in ctx.attendance.rates(klass.uuid)}[a.name] == 0
    with pytest.raises(PermissionDenied):
        ctx.attendance.approve_makeup(claim.attendance_uuid)  # a clerk cannot approve
    login(ctx, "admin")
    own = ctx.attendance.request_makeup(
        first.uuid, eb.uuid, sign_in_at=at("08:30"), sign_out_at=at("11:30"), reason="补录"
    )
    with pytest.raises(KnownError, match="不能审核自己提出的补签"):
        ctx.attendance.approve_makeup(own.attendance_uuid)
    login(ctx, "reviewer")
    assert [m.trainee_name for m in ctx.attendance.makeups(klass.uuid, pending_only=True)] == [a.name, b.name]
    approved = ctx.attendance.approve_makeup(claim.attendance_uuid)
    assert (approved.state, approved.reviewed_by) == ("approved", "reviewer")
    rejected = ctx.attendance.reject_makeup(own.attendance_uuid, "无纸质签到表")
    assert rejected.state == "rejected"
    with pytest.raises(KnownError, match="无需再次处理"):
        ctx.attendance.approve_makeup(own.attendance_uuid)
    sheet = {r.trainee_name: r for r in ctx.attendance.sheet(first.uuid)}
    assert (sheet[a.name].status, sheet[a.name].counted) == ("present", 4)
    assert (sheet[b.name].sign_in_at, sheet[b.name].counted) == (None, 0)
    assert ctx.attendance.makeups(klass.uuid, pending_only=True) == []

    actions = [(e.action, e.actor) for e in events(ctx, "attendance.makeup_")]
    assert actions == [
        ("attendance.makeup_request", "clerk"),
        ("attendance.makeup_request", "admin"),
        ("attendance.makeup_approve", "reviewer"),
        ("attendance.makeup_reject", "reviewer"),
    ]
    approve = json.loads(events(ctx, "attendance.makeup_approve")[0].after_json)
    assert approve["makeup_reason"] == "扫码枪故障，按纸质签到表补录" and approve["sign_in_at"]
    with ctx.db.read() as s:
        versions = s.scalars(
            select(OutboxEntry.version).where(
                OutboxEntry.entity == "attendance", OutboxEntry.entity_uuid == claim.attendance_uuid
            )
        ).all()
    assert sorted(versions) == [1, 2]  # the claim and the approval both travel


def test_results_only_once_the_class_reached_its_assessment(demo_context):
    ctx = demo_context
    klass, _, (ea,) = enrolled(ctx, 1)
    clock(ctx, "09:00")
    ctx.attendance.check_in(klass.sessions[0].uuid, person(ctx, seq=120).id_number)  # 培训中 now
    with pytest.raises(KnownError, match=r"最后一次课（第 10 次，2026-12-10）还没有到"):
        ctx.attendance.record_assessment(ea.uuid, theory=80, practical=70, assessed_on=DAY)
    assert ctx.attendance.assessments(klass.uuid) == {}
    assert "还没有到" in (ctx.attendance.assessment_block(klass.uuid) or "")
    clock(ctx, "08:00", date(2026, 12, 10))  # the day of the last session
    assert ctx.attendance.assessment_block(klass.uuid) is None
    assert ctx.attendance.record_assessment(
        ea.uuid, theory=80, practical=70, assessed_on=date(2026, 12, 10)
    ).result == "pass"


def test_a_result_with_a_certificate_is_corrected_only_after_revoking_it(demo_context):
    ctx = demo_context
    klass, _, (ea,) = enrolled(ctx, 1)
    ctx.classes.start(klass.uuid)
    clock(ctx, "15:00", date(2026, 12, 10))
    ctx.attendance.record_assessment(ea.uuid, theory=80, practical=70, assessed_on=date(2026, 12, 10))
    clock(ctx, "09:00", date(2026, 12, 12))
    ctx.classes.finish(klass.uuid)
    number = ctx.certificates.issue(klass.code, issue_date=date(2026, 12, 12)).issued[0].number
    with pytest.raises(KnownError) as refused:
        ctx.attendance.record_assessment(ea.uuid, theory=50, practical=70, assessed_on=date(2026, 12, 10))
    assert ctx.attendance.certified(klass.uuid) == {ea.uuid: number}
    assert f"已按此考核结果领取证书 {number}" in refused.value.message
    assert "请先由审核人撤销该证书" in refused.value.message
    assert ctx.attendance.assessments(klass.uuid)[ea.uuid].theory_score == 80  # unchanged
    login(ctx, "reviewer")
    ctx.certificates.revoke(number, "考核成绩录入有误")
    login(ctx, "clerk")
    corrected = ctx.attendance.record_assessment(
        ea.uuid, theory=50, practical=70, assessed_on=date(2026, 12, 10)
    )
    assert corrected.result == "fail"


def test_a_class_with_a_makeup_still_waiting_cannot_finish(demo_context):
    """结业 fixes the hours a subsidy is judged by: a 补签 nobody has decided would be left out
    (or slipped in later); the clerk is told how many wait and where they are decided."""
    ctx = demo_context
    klass, _people, (ea,) = enrolled(ctx, 1)
    clock(ctx, "23:50")
    claim = ctx.attendance.request_makeup(
        klass.sessions[0].uuid, ea.uuid, sign_in_at=at("08:25"), sign_out_at=at("11:30"), reason="按纸质签到表补录"
    )
    after_the_last = max(s.day for s in klass.sessions) + timedelta(days=1)
    clock(ctx, "09:00", day=after_the_last)
    with pytest.raises(KnownError, match=f"还有 1 条补签等待审核.*attendance makeups --class {klass.code} --pending"):
        ctx.classes.finish(klass.uuid)
    assert ctx.classes.get(klass.uuid).status == "training"  # nothing changed
    login(ctx, "reviewer")
    ctx.attendance.approve_makeup(claim.attendance_uuid)
    login(ctx, "clerk")
    clock(ctx, "09:00", day=after_the_last)
    assert ctx.classes.finish(klass.uuid).status == "finished"
