"""A class's timetable (class_session rows), written with the outbox entries the city needs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.services.training.class_records import SessionInput
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.models import ClassSession, TrainingClass


def write_timetable(
    session: Session, klass: TrainingClass, sessions: Sequence[SessionInput], now: str, *, travels: bool
) -> None:
    """Make the class's sessions the given ones, numbered by day and time; session n keeps its uuid.

    A changed session is updated in place (version + 1), a new one added, a removed one
    deleted (its delete is a version of its own); each writes its outbox entry unless
    demo data (``travels`` false), so that the city's timetable follows and attendance
    keeps pointing at its session.
    """
    existing = {
        row.number: row
        for row in session.scalars(select(ClassSession).where(ClassSession.class_uuid == klass.uuid))
    }
    ordered = sorted(sessions, key=lambda item: (item.day, item.start_time))
    changes: list[tuple[str, int, str]] = []  # (uuid, version, operation)
    for number in sorted(set(existing) - set(range(1, len(ordered) + 1))):
        gone = existing.pop(number)
        changes.append((gone.uuid, gone.version + 1, outbox.DELETE))
        session.delete(gone)
    for number, given in enumerate(ordered, start=1):
        values = {
            "day": given.day,
            "start_time": given.start_time,
            "end_time": given.end_time,
            "hours": given.hours,
            "teacher": given.teacher.strip() or None,
            "topic": given.topic.strip() or None,
        }
        row = existing.get(number)
        if row is None:
            row = ClassSession(
                uuid=uuid7(),
                station_code=klass.station_code,
                version=1,
                created_at=now,
                updated_at=now,
                class_uuid=klass.uuid,
                number=number,
                **values,
            )
            session.add(row)
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            row.updated_at = now
        else:
            continue
        changes.append((row.uuid, row.version, outbox.UPSERT))
    session.flush()
    if travels:
        for uuid, version, operation in changes:
            outbox.enqueue(
                session,
                entity=outbox.CLASS_SESSION,
                entity_uuid=uuid,
                version=version,
                operation=operation,
                at=now,
            )
