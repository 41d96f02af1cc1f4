"""Tests run on a fixed clock: the contexts they open read ``clock``, never the machine's date or
time of day, and building the demo classes neither ignores nor replaces that clock."""

from __future__ import annotations

from datetime import date, timedelta

from jiangxin_desktop.services.demo_classes import seed_demo_classes
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
    codes = seed_demo_classes(ctx, users)
    assert ctx.acting.today() == date(2026, 3, 18) and ctx.acting.now() == clock.now()  # not reset
    by_code = {c.code: c for c in ctx.classes.list()}
    finished, training = by_code[codes[0]], by_code[codes[1]]
    assert finished.start_date == first_weekday_from(date(2026, 3, 18) - timedelta(days=80))
    assert training.start_date == first_weekday_from(date(2026, 3, 18) - timedelta(days=7))
