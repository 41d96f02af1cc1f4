"""待回访: follow-ups falling due and overdue, at the edges of their windows (the clock injected)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from jiangxin_desktop.services.followup import LOOKBACK_DAYS, FollowupInput, end_dates_due
from tests.services.followup_helpers import finished_class

END = date(2026, 3, 11)  # the class (2026-03-02 … 03-11) ends: 3 months → 06-11, 6 months → 09-11
THREE, SIX = date(2026, 6, 11), date(2026, 9, 11)


@pytest.fixture
def finished(demo_context, clock):
    return finished_class(demo_context, clock, date(2026, 3, 2))


def due(ctx, day: date, **kw):
    return [(r.trainee_name, r.period_months) for r in ctx.followups.due(today=day, **kw)]


def test_a_follow_up_shows_from_seven_days_before_it_is_due(demo_context, finished):
    ctx = demo_context
    assert ctx.catalogs.active().plan.followup.due_before_days == 7
    assert due(ctx, THREE - timedelta(days=8)) == []
    rows = ctx.followups.due(today=THREE - timedelta(days=7))
    assert sorted(r.trainee_name for r in rows) == ["学员丙", "学员乙", "学员甲"]
    row = rows[0]
    assert (row.period_months, row.due_on, row.class_end, row.overdue, row.days_overdue) == (3, THREE, END, False, 0)
    assert row.phone == "13800000000" and "*" in row.id_masked and row.class_code == finished.klass.code
    assert row.last_outcome is None
    assert due(ctx, THREE - timedelta(days=10), within_days=10) != []  # a wider window on request
    assert due(ctx, THREE - timedelta(days=3), within_days=0) == []


def test_overdue_after_thirty_days_past_due_and_listed_first(demo_context, finished, clock):
    ctx = demo_context
    on_time = ctx.followups.due(today=THREE + timedelta(days=30))
    assert {(r.overdue, r.days_overdue) for r in on_time} == {(False, 30)}
    late = ctx.followups.due(today=THREE + timedelta(days=31))
    assert {(r.overdue, r.days_overdue) for r in late} == {(True, 31)}
    # a later class's follow-up falling due now comes after the overdue ones
    later = finished_class(ctx, clock, date(2026, 4, 5), "丁", first_seq=311)
    day = later.klass.end_date.replace(month=7)  # its 3-month follow-up is due that day, 07-14
    rows = ctx.followups.due(today=day)
    assert [r.overdue for r in rows] == [True, True, True, False]
    assert rows[-1].trainee_name == "学员丁"


def test_recorded_follow_ups_leave_the_list_and_the_six_month_one_comes_later(demo_context, finished, clock):
    ctx = demo_context
    clock.set(datetime.combine(THREE, time(10, 0)))
    first = finished.enrolments[0]
    ctx.followups.record(first.uuid, 3, FollowupInput("受雇就业", THREE))
    assert sorted(due(ctx, THREE)) == [("学员丙", 3), ("学员乙", 3)]
    assert ctx.followups.due() == ctx.followups.due(today=THREE)  # today is the acting clock's
    assert all(m == 3 for _, m in due(ctx, SIX - timedelta(days=8)))
    rows = ctx.followups.due(today=SIX - timedelta(days=7))
    assert sorted((r.trainee_name, r.period_months) for r in rows) == [
        ("学员丙", 3), ("学员丙", 6), ("学员乙", 3), ("学员乙", 6), ("学员甲", 6)]
    six = next(r for r in rows if r.trainee_name == "学员甲")
    assert (six.due_on, six.last_outcome) == (SIX, "受雇就业")
    assert [r.overdue for r in rows] == [True, True, False, False, False]  # the 3-month ones are late


def test_withdrawn_enrolments_and_unfinished_classes_owe_no_follow_up(demo_context, finished, clock):
    ctx = demo_context
    from jiangxin_desktop.services.training.enrollment import EnrollInput
    from tests.services.classes_helpers import opened_class, person

    clock.set(datetime(2026, 3, 1, 9, 0))
    still_open = opened_class(ctx, start=date(2026, 3, 2))
    ctx.enrollments.enroll(still_open.uuid, EnrollInput(person(ctx, seq=399, name="未结业").uuid))
    with ctx.db.write() as session:  # withdrawn before the class finished (as the records would say)
        from sqlalchemy import text

        session.execute(text("UPDATE enrollment SET status = 'withdrawn' WHERE uuid = :u"),
                        {"u": finished.enrolments[2].uuid})
    assert sorted(due(ctx, THREE)) == [("学员乙", 3), ("学员甲", 3)]


def test_long_forgotten_follow_ups_are_no_longer_asked_for(demo_context, finished):
    ctx = demo_context
    assert len(due(ctx, SIX + timedelta(days=LOOKBACK_DAYS))) == 3  # only the 6-month ones are left
    assert due(ctx, SIX + timedelta(days=LOOKBACK_DAYS + 1)) == []


def test_a_period_from_the_end_of_a_month():
    # classes ending 28, 29 or 30 November are all due on the last day of February
    assert end_dates_due(3, date(2026, 2, 28), date(2026, 2, 28)) == (date(2025, 11, 28), date(2025, 11, 30))
    assert end_dates_due(3, date(2026, 3, 1), date(2026, 3, 31)) == (date(2025, 12, 1), date(2025, 12, 31))
    low, high = end_dates_due(6, date(2026, 8, 29), date(2026, 8, 31))  # no end date falls due then
    assert low > high
