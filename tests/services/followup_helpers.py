"""Finished classes with enrolments, for the follow-up tests (no attendance: a follow-up does not need it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jiangxin_desktop.services.training.enrollment import EnrollInput
from tests.services.classes_helpers import opened_class, person


@dataclass
class Finished:
    klass: object
    people: list
    enrolments: list


def finished_class(ctx, clock, start: date, names: str = "甲乙丙", *, first_seq: int = 301, group: str = "31") -> Finished:
    """A class of ten days from ``start``, its people enrolled, finished the day after it ended;
    ctx acts as the clerk; the clock stays at the finishing day."""
    clock.set(datetime.combine(start - timedelta(days=7), time(9, 0)))
    klass = opened_class(ctx, start=start)
    people = [person(ctx, seq=first_seq + i, name=f"学员{n}", group=group) for i, n in enumerate(names)]
    enrolments = [ctx.enrollments.enroll(klass.uuid, EnrollInput(p.uuid)) for p in people]
    clock.set(datetime.combine(klass.end_date + timedelta(days=1), time(9, 0)))
    ctx.classes.start(klass.uuid)
    klass = ctx.classes.finish(klass.uuid)
    return Finished(klass, people, enrolments)
