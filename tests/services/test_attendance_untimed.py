"""出勤 without a sign-in time (rows written before times were kept): named for the clerk, fixed by a
补签 that a reviewer approves, counted in the rates' explanation, and found through an index.
Real encrypted database, fixed clock (tests/services/test_attendance.py's ``clock``)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event, text

from jiangxin_desktop.services.training import UntimedRow, untimed_counts
from tests.services.classes_helpers import login
from tests.services.test_attendance import at, clock, enrolled


def forget_times(ctx, *attendance_uuids: str) -> None:
    """As an older release left them: the status stays, the times were never kept."""
    with ctx.db.write() as s:
        for uuid in attendance_uuids:
            forgotten = "UPDATE attendance SET sign_in_at = NULL, sign_out_at = NULL WHERE uuid = :u"
            s.execute(text(forgotten), {"u": uuid})


def recorded_class(ctx, count: int = 4):
    """A class whose first session has everyone signed in and out (the last on leave)."""
    klass, people, enrolments = enrolled(ctx, count)
    first = klass.sessions[0]
    clock(ctx, "12:00")
    for p in people[:-1]:
        ctx.attendance.check_in(first.uuid, p.id_number, at=at("08:25"))
        ctx.attendance.check_out(first.uuid, p.id_number, at=at("11:30"))
    ctx.attendance.set_status(first.uuid, enrolments[-1].uuid, "leave")
    sheet = {r.enrollment_uuid: r for r in ctx.attendance.sheet(first.uuid)}
    return klass, people, enrolments, sheet


def test_rows_that_say_present_without_a_sign_in_are_listed_and_explained(demo_context):
    ctx = demo_context
    klass, people, (ea, eb, ec, ed), sheet = recorded_class(ctx)
    assert ctx.attendance.untimed(klass.uuid) == []  # times everywhere: nothing to fix
    ctx.attendance.set_status(klass.sessions[0].uuid, eb.uuid, "late")  # keeps its times, still 迟到
    forget_times(ctx, *(sheet[e.uuid].attendance_uuid for e in (ea, eb, ed)))

    rows = ctx.attendance.untimed(klass.uuid)
    assert [(r.trainee_name, r.status, r.session_number, r.pending) for r in rows] == [
        (people[0].name, "present", 1, False),
        (people[1].name, "present", 1, False),
    ]  # 请假 without times is not listed: it counts nothing anyway
    first = rows[0]
    assert isinstance(first, UntimedRow)
    assert (first.class_code, first.session_day, first.start_time, first.end_time) == (
        klass.code, date(2026, 12, 1), "08:30", "11:30"
    )
    assert first.masked_id == people[0].id_number[:6] + "********" + people[0].id_number[-4:]
    assert ctx.attendance.untimed() == rows  # station-wide: the same two
    [count] = untimed_counts(rows)
    assert (count.class_code, count.rows, count.pending, count.to_fix) == (klass.code, 2, 0, 2)

    rates = {r.enrollment_uuid: r for r in ctx.attendance.rates(klass.uuid)}
    assert [(rates[e].attended_hours, rates[e].untimed) for e in (ea.uuid, eb.uuid, ec.uuid, ed.uuid)] == [
        (0, 1), (0, 1), (4, 0), (0, 0)
    ]
    reasons = {r.enrollment_uuid: r.reason for r in ctx.attendance.sheet(klass.sessions[0].uuid)}
    assert reasons[ea.uuid] == "没有签到时间，不计课时"


def test_a_makeup_with_the_paper_sheets_times_fixes_an_untimed_row_once_approved(demo_context):
    ctx = demo_context
    klass, people, (ea, eb, _ec, _ed), sheet = recorded_class(ctx)
    forget_times(ctx, sheet[ea.uuid].attendance_uuid, sheet[eb.uuid].attendance_uuid)
    first = klass.sessions[0]
    clock(ctx, "09:00", date(2026, 12, 20))  # weeks later, the paper sheet at hand
    claim = ctx.attendance.request_makeup(
        first.uuid, ea.uuid, sign_in_at=at("08:40"), sign_out_at=at("11:30"), reason="旧记录没有时间，按纸质签到表补录"
    )
    assert claim.attendance_uuid == sheet[ea.uuid].attendance_uuid  # the same row, not a new one
    pending = {r.enrollment_uuid: r for r in ctx.attendance.untimed(klass.uuid)}
    mine, other = pending[ea.uuid], pending[eb.uuid]
    assert (mine.pending, mine.makeup, other.pending) == (True, "pending", False)
    assert pending[ea.uuid].status == "present"  # the claim leaves the row's status alone
    [count] = untimed_counts(pending.values())
    assert (count.rows, count.pending, count.to_fix) == (2, 1, 1)
    assert {r.enrollment_uuid: r.attended_hours for r in ctx.attendance.rates(klass.uuid)}[ea.uuid] == 0

    login(ctx, "reviewer")
    ctx.attendance.approve_makeup(claim.attendance_uuid)
    row = next(r for r in ctx.attendance.sheet(first.uuid) if r.enrollment_uuid == ea.uuid)
    assert (row.status, row.counted, row.makeup) == ("late", 4, "approved")  # 10 minutes late: full hours
    assert row.sign_in_at == at("08:40") and row.sign_out_at == at("11:30")
    assert [r.enrollment_uuid for r in ctx.attendance.untimed(klass.uuid)] == [eb.uuid]
    rates = {r.enrollment_uuid: r for r in ctx.attendance.rates(klass.uuid)}
    assert (rates[ea.uuid].attended_hours, rates[ea.uuid].untimed) == (4, 0)


def test_an_approved_makeup_with_only_a_sign_out_leaves_the_row_untimed(demo_context):
    """Presence needs a sign-in: a 补签 that claims only the sign-out still counts nothing."""
    ctx = demo_context
    klass, _people, (ea, *_), sheet = recorded_class(ctx)
    forget_times(ctx, sheet[ea.uuid].attendance_uuid)
    clock(ctx, "09:00", date(2026, 12, 20))
    claim = ctx.attendance.request_makeup(
        klass.sessions[0].uuid, ea.uuid, sign_in_at=None, sign_out_at=at("11:30"), reason="签退表补录"
    )
    login(ctx, "reviewer")
    ctx.attendance.approve_makeup(claim.attendance_uuid)
    [row] = ctx.attendance.untimed(klass.uuid)
    assert (row.enrollment_uuid, row.makeup, row.pending) == (ea.uuid, "approved", False)


@contextmanager
def statements(ctx):
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(ctx.db.read_engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(ctx.db.read_engine, "before_cursor_execute", grab)


def plan_lines(ctx, statement: str, parameters) -> list[str]:
    raw = ctx.db.read_engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return [row[-1] for row in cursor.fetchall()]
    finally:
        raw.close()


def test_the_untimed_rows_are_found_through_the_partial_index(demo_context):
    """Without statistics (the program never runs ANALYZE) SQLite plans from the schema alone, so
    these are the plans of a station with 2,000,000 attendance rows: dropping migration 0017's
    index makes this fail instead of the list reading every attendance row."""
    ctx = demo_context
    klass, *_ = recorded_class(ctx, 2)
    for class_uuid, seek in ((klass.uuid, "(status=? AND session_uuid=?)"), (None, "(status=?)")):
        with statements(ctx) as seen:
            ctx.attendance.untimed(class_uuid)
        [(statement, parameters)] = [x for x in seen if "attendance" in x[0]]
        lines = plan_lines(ctx, statement, parameters)
        assert not [line for line in lines if line.startswith("SCAN")], lines
        assert any(f"USING INDEX ix_attendance_untimed {seek}" in line for line in lines), lines
