"""A class that can claim subsidies: attended, assessed, finished, certificates issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.training.enrollment import EnrollInput
from tests.services.classes_helpers import login, opened_class

START = date(2026, 3, 2)  # sessions 03-02 … 03-11, 08:30–11:30, 4 class hours each
CARD = "6222020200112233445"


def local(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time(int(hhmm[:2]), int(hhmm[3:]))).astimezone()


def trainee(ctx, seq: int, name: str, *, group: str = "31", card: str | None = CARD):
    number = id_with_check(f"32070619900101{seq:03d}")
    found = ctx.registry.find_by_id_number(number)
    if found:
        return found
    return ctx.registry.register(
        TraineeInput(
            name=name,
            id_number=number,
            phone="13800000000",
            target_group=group,
            evidence_type="失业登记证" if group == "31" else None,
            evidence_number="SY2026-001" if group == "31" else None,
            bank_card=card,
            consent=True,
        )
    )


@dataclass
class Claimable:
    klass: object
    enrolments: list
    people: list
    issued: list


def claimable_class(
    ctx,
    clock,
    names: str = "甲乙丙",
    *,
    first_seq: int = 201,
    start: date = START,
    absent: tuple[int, ...] = (),
    results: tuple[str, ...] | None = None,
    issue_after: int = 10,
    **changes,
) -> Claimable:
    """A finished class (养老护理员 初级 unless ``changes`` say otherwise) whose trainees attended every
    session (those in ``absent`` none), passed (or ``results``) and got certificates; ctx acts as the clerk."""
    clock.set(local(start, "08:00"))
    klass = opened_class(ctx, start=start, **changes)
    people = [trainee(ctx, first_seq + i, f"学员{name}") for i, name in enumerate(names)]
    enrolments = [ctx.enrollments.enroll(klass.uuid, EnrollInput(p.uuid)) for p in people]
    for session in klass.sessions:
        clock.set(local(session.day, session.end_time) + timedelta(minutes=30))
        for i, p in enumerate(people):
            if i in absent:
                continue
            ctx.attendance.check_in(session.uuid, p.id_number, at=local(session.day, "08:25").isoformat())
            ctx.attendance.check_out(session.uuid, p.id_number, at=local(session.day, "11:35").isoformat())
    clock.set(local(klass.end_date, "12:00"))
    for i, e in enumerate(enrolments):
        result = results[i] if results else "pass"
        if result != "none":
            ctx.attendance.record_assessment(
                e.uuid, theory=90.0, practical=88.0 if result == "pass" else 40.0, assessed_on=klass.end_date
            )
    clock.set(local(klass.end_date + timedelta(days=issue_after), "09:00"))
    ctx.classes.finish(klass.uuid)
    issued = ctx.certificates.issue(klass.code).issued
    login(ctx, "clerk")
    return Claimable(klass, enrolments, people, issued)
