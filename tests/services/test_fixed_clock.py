"""Tests run on a fixed clock: the contexts they open read ``clock``, never the machine's date or
time of day, and building the demo classes neither ignores nor replaces that clock."""

from __future__ import annotations

from datetime import date, timedelta

from jiangxin_desktop.services.demo.classes import FINISHED_DAYS_AGO, DemoClasses
from tests.conftest import DEMO_PASSWORD, FIXED_NOW


def first_weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_a_test_context_reads_the_fixed_clock(demo_context, clock):
    assert demo_context.acting.today() == date(2026, 12, 1) == FIXED_NOW.date()
    assert demo_context.acting.now() == FIXED_NOW and FIXED_NOW.utcoffset() == timedelta(hours=8)
    clock.advance(days=2, hours=10)
    assert demo_context.acting.today() == date(2026, 12, 3)
    assert demo_context.acting.now().hour == 18


def test_demo_classes_are_dated_from_the_context_clock_which_stays_in_place(demo_context, clock):
    ctx = demo_context
    clock.set(FIXED_NOW.replace(month=3, day=18))  # a Wednesday, far from any real test day
    users = {role: ctx.users.authenticate(role, DEMO_PASSWORD) for role in ("clerk", "reviewer")}
    pieces = (ctx.db, ctx.acting, ctx.registry, ctx.classes, ctx.enrollments, ctx.attendance)
    codes = DemoClasses(*pieces).seed(users)
    assert ctx.acting.today() == date(2026, 3, 18) and ctx.acting.now() == clock.now()  # not reset
    by_code = {c.code: c for c in ctx.classes.list()}
    finished, training = by_code[codes[0]], by_code[codes[1]]
    assert finished.start_date == first_weekday_from(date(2026, 3, 18) - timedelta(days=FINISHED_DAYS_AGO))
    assert training.start_date == first_weekday_from(date(2026, 3, 18) - timedelta(days=7))


def test_a_roster_is_checked_against_the_context_s_today(demo_context, clock, tmp_path):
    """A birth date after the context's today is refused, whatever the machine's date is."""
    from jiangxin_desktop.services.demo.seed import id_with_check
    from tests.services.classes_helpers import opened_class
    from tests.services.test_roster_import import people, roster

    klass = opened_class(demo_context)
    clock.set(FIXED_NOW.replace(year=2025, month=3, day=18))  # long before any real test day
    row = people(1)[0]
    row[1] = id_with_check("32070620250320001")  # born two days after the context's today
    result = demo_context.roster_importer().run(klass.code, roster(tmp_path, [row]), dry_run=True)
    assert [e["message"] for e in result.errors if "出生日期" in e["message"]] == [
        "出生日期20250320晚于今天，请核对第7–14位"
    ]
