"""Sealed personal data in audit events, and the retention rule that erases it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.audit.trail import list_events, verify_chain
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.station.retention import ANONYMOUS_NAME, anonymise_due, plan
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.store.fts import SEARCH_INDEXES
from jiangxin_desktop.store.models import AuditEvent, Trainee, TraineeKey
from tests.conftest import DEMO_PASSWORD

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def register(ctx, name, tail, **extra):
    return ctx.registry.register(
        TraineeInput(
            name=name,
            id_number=id_with_check(f"320706199001{tail}"),
            phone=f"138000{tail}",
            target_group="31",
            consent=True,
            **extra,
        )
    )


def age(ctx, uuid, when="2019-01-01T00:00:00.000Z"):
    """Pretend the trainee's last change was long ago (the clock cannot be turned back)."""
    with ctx.db.write() as session:
        session.execute(text("UPDATE trainee SET updated_at = :at WHERE uuid = :u"), {"at": when, "u": uuid})


def test_identifying_fields_are_sealed_in_audit_events_and_open_for_display(demo_context):
    record = register(demo_context, "钱小满", "01999", address="海州区新南街道 8 号")
    with demo_context.db.read() as session:
        (raw,) = session.scalars(select(AuditEvent.after_json).where(AuditEvent.object_id == record.uuid))
    assert "钱小满" not in raw and record.id_number not in raw and "新南街道" not in raw
    assert json.loads(raw)["target_group"] == "31"  # what identifies nobody stays readable
    (shown,) = [e for e in list_events(demo_context.db) if e.object_id == record.uuid]
    opened = json.loads(shown.after_json)
    assert (opened["name"], opened["id_number"]) == ("钱小满", record.id_number)
    found = list_events(demo_context.db, text_filter="钱小满")  # sealed, yet found by the person
    assert [e.object_id for e in found] == [record.uuid]


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_only_an_administrator_runs_the_rule(demo_context, role):
    user = demo_context.users.authenticate(role, DEMO_PASSWORD)
    with pytest.raises(PermissionDenied):
        anonymise_due(demo_context.db, user, 5, NOW)


def test_rule_erases_the_person_everywhere_and_keeps_the_chain(demo_context):
    old = register(demo_context, "钱小满", "01999", bank_card="6222021234567890128")
    demo_context.registry.update(
        old.uuid,
        TraineeInput(
            name="钱小满", id_number=old.id_number, phone="13800009999", target_group="31", consent=True
        ),
        expected_version=1,
    )
    recent = register(demo_context, "孙大伟", "01888")
    age(demo_context, old.uuid)
    preview = plan(demo_context.db, 5, NOW)
    assert old.uuid in preview.due and recent.uuid not in preview.due

    admin = demo_context.users.authenticate("admin", DEMO_PASSWORD)
    done = anonymise_due(demo_context.db, admin, 5, NOW)
    assert old.uuid in done.due
    with demo_context.db.read() as session:
        row = session.scalar(select(Trainee).where(Trainee.uuid == old.uuid))
        assert (row.name, row.phone, row.bank_card, row.active) == (ANONYMOUS_NAME, "", None, False)
        assert row.id_number.startswith("X") and row.birth_date.isoformat() == "1990-01-01"
        assert session.get(TraineeKey, old.uuid) is None
        assert session.get(TraineeKey, recent.uuid) is not None
        leaks = session.execute(
            text("SELECT count(*) FROM audit_event WHERE instr(coalesce(before_json,'') || after_json, :n)"),
            {"n": old.id_number},
        ).scalar_one()
        assert leaks == 0
        for table in SEARCH_INDEXES:  # merged into one segment: no old segment keeps the pieces
            segments = session.scalar(text(f"SELECT count(DISTINCT segid) FROM {table}_idx"))
            assert segments == 1, table
    for term in ("钱小满", "小满", old.id_number, "13800009999"):
        assert demo_context.search.count(term, include_inactive=True)[0] == 0, term
    assert demo_context.search.count("孙大伟", include_inactive=True)[0] == 1
    history = [e for e in list_events(demo_context.db) if e.object_id == old.uuid]
    assert {e.action for e in history} >= {"trainee.register", "trainee.update", "trainee.anonymise"}
    for event in history:
        assert "钱小满" not in (event.after_json or "")
    register_event = next(e for e in history if e.action == "trainee.register")
    assert json.loads(register_event.after_json)["erased"] is True
    assert verify_chain(demo_context.db).ok
    demo_context.act_as(admin)
    with pytest.raises(KnownError, match="已按保存期限匿名化"):
        demo_context.registry.reactivate(old.uuid)
    assert demo_context.registry.get(old.uuid).name == ANONYMOUS_NAME  # still listed, as nobody
    assert plan(demo_context.db, 5, NOW).due == ()  # nothing twice


def test_a_record_not_yet_uploaded_is_held_back(demo_context):
    demo_context.registry.travels = True  # as on a real station: changes queue for the city
    queued = register(demo_context, "周小红", "01777")
    age(demo_context, queued.uuid)
    admin = demo_context.users.authenticate("admin", DEMO_PASSWORD)
    done = anonymise_due(demo_context.db, admin, 5, NOW)
    assert queued.uuid in done.held_back and queued.uuid not in done.due
    assert demo_context.registry.get(queued.uuid).name == "周小红"


def test_a_recent_class_counts_as_activity(demo_context):
    from datetime import date

    from jiangxin_desktop.services.training.enrollment import EnrollInput
    from tests.services.classes_helpers import opened_class, person

    trainee = person(demo_context)
    klass = opened_class(demo_context, start=date(2024, 3, 1))
    demo_context.enrollments.enroll(klass.uuid, EnrollInput(trainee.uuid))
    age(demo_context, trainee.uuid)
    with demo_context.db.write() as session:  # the enrolment itself was entered back then too
        session.execute(text("UPDATE enrollment SET updated_at = '2024-02-20T00:00:00.000Z'"))
    assert trainee.uuid not in plan(demo_context.db, 5, NOW).due  # trained in 2024
    assert trainee.uuid in plan(demo_context.db, 1, NOW).due  # but not in the last year
