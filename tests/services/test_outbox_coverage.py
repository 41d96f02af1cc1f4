"""Every write to a travelling table is followed by its outbox entry, in the same transaction.

A walk through the life of a class at a real (non-demo) station, on a real encrypted
database: each service method that writes a travelling row runs inside ``follows``, which
compares every travelling table before and after and demands exactly one outbox entry per
row created, changed or deleted, naming the row's entity, uuid and new version.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import text

from jiangxin_desktop.services.followup import FollowupInput, ServiceInput
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.station.retention import anonymise_due
from jiangxin_desktop.protocol.decisions import Decision, Decisions
from jiangxin_desktop.services.subsidies import PayeeInput, apply_decisions
from jiangxin_desktop.services.training.class_records import SessionInput
from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.store import outbox
from tests.conftest import DEMO_PASSWORD, open_travelling_station
from tests.services.classes_helpers import class_input, login, person
from tests.services.test_roster_import import people, roster


@pytest.fixture
def station_context(data_paths, clock):
    """A demo database made into a real station's (its rows travel), logged in as the clerk."""
    ctx = open_travelling_station(data_paths, clock, 30)
    yield ctx
    ctx.close()


def _rows(ctx) -> dict[str, dict[str, tuple]]:
    """entity → {uuid: the whole row}, for every travelling table."""
    with ctx.db.read() as session:
        return {
            entity: {
                row.uuid: tuple(row) for row in session.execute(text(f"SELECT * FROM {table}")).all()
            }
            for entity, table in outbox.TABLES.items()
        }


def _version(ctx, entity: str, row: tuple) -> int:
    with ctx.db.read() as session:
        names = list(session.execute(text(f"SELECT * FROM {outbox.TABLES[entity]} LIMIT 0")).keys())
    return row[names.index("version")]


class Walk:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.seen: set[tuple[str, str]] = set()  # (entity, operation) written so far

    def follows(self, action, *, expect: set[tuple[str, str]]):
        """Run ``action``; every changed travelling row must have its entry, and nothing else may."""
        ctx = self.ctx
        before = _rows(ctx)
        with ctx.db.read() as session:
            last = session.execute(text("SELECT coalesce(max(seq), 0) FROM outbox")).scalar_one()
        result = action()
        after = _rows(ctx)
        with ctx.db.read() as session:
            entries = session.execute(
                text("SELECT entity, entity_uuid, version, operation FROM outbox WHERE seq > :s"), {"s": last}
            ).all()
        wanted = set()
        for entity in outbox.TRAVELLING:
            old, new = before[entity], after[entity]
            for uuid, row in new.items():
                if old.get(uuid) != row:
                    version = _version(ctx, entity, row)
                    if uuid in old:  # a change must raise the version, or the city never sees it
                        assert version > _version(ctx, entity, old[uuid]), (entity, uuid)
                    wanted.add((entity, uuid, version))
            for uuid in old.keys() - new.keys():
                wanted.add((entity, uuid, _version(ctx, entity, old[uuid]) + 1))
        got = [(e.entity, e.entity_uuid, e.version) for e in entries]
        assert len(got) == len(set(got))
        assert set(got) == wanted
        deleted = {(e, u) for e in outbox.TRAVELLING for u in before[e].keys() - after[e].keys()}
        for entry in entries:
            assert (entry.operation == outbox.DELETE) == ((entry.entity, entry.entity_uuid) in deleted)
        kinds = {(e.entity, e.operation) for e in entries}
        assert kinds == expect
        self.seen |= kinds
        return result


def at(hhmm: str, day: date) -> str:
    return datetime.combine(day, time(int(hhmm[:2]), int(hhmm[3:]))).astimezone().isoformat()


def test_every_write_to_a_travelling_table_is_followed_by_its_outbox_entry(station_context, clock, tmp_path):
    ctx = station_context
    step = Walk(ctx)
    o = outbox
    trainee, klass_ = {(o.TRAINEE, o.UPSERT)}, {(o.TRAINING_CLASS, o.UPSERT)}
    session_ = (o.CLASS_SESSION, o.UPSERT)
    enrolment, attendance = {(o.ENROLLMENT, o.UPSERT)}, {(o.ATTENDANCE, o.UPSERT)}
    certificate = {(o.CERTIFICATE, o.UPSERT)}

    # registry
    a = step.follows(lambda: person(ctx, seq=101, name="钱小满"), expect=trainee)
    b = step.follows(lambda: person(ctx, seq=102, name="孙大伟"), expect=trainee)
    changed = TraineeInput(
        name="钱小满",
        id_number=a.id_number,
        phone="13900000000",
        target_group="31",
        evidence_type="失业登记证",
        evidence_number="SY2026-001",
        consent=True,
    )
    a = step.follows(lambda: ctx.registry.update(a.uuid, changed, expected_version=a.version), expect=trainee)
    gone = step.follows(lambda: person(ctx, seq=103, name="周小周"), expect=trainee)
    deactivated = {(o.TRAINEE, o.DEACTIVATE)}
    step.follows(lambda: ctx.registry.deactivate(gone.uuid, "迁出本市"), expect=deactivated)
    login(ctx, "reviewer")
    step.follows(lambda: ctx.registry.reactivate(gone.uuid), expect=trainee)
    login(ctx, "clerk")

    # a class and its timetable: created, edited (a session changed, one removed, one added)
    draft = step.follows(lambda: ctx.classes.create(class_input(sessions=11)), expect=klass_ | {session_})
    sessions_before = [s.uuid for s in draft.sessions]
    edited = class_input(sessions=10)
    edited.sessions[0] = replace(edited.sessions[0], topic="入学教育")
    draft = step.follows(
        lambda: ctx.classes.update(draft.uuid, edited, expected_version=draft.version),
        expect=klass_ | {session_, (o.CLASS_SESSION, o.DELETE)},
    )
    assert [s.uuid for s in draft.sessions] == sessions_before[:10]  # kept sessions keep their ids
    draft = step.follows(  # the same timetable again: the class changes, no session does
        lambda: ctx.classes.update(draft.uuid, edited, expected_version=draft.version), expect=klass_
    )
    added = SessionInput(date(2026, 12, 11), "08:30", "11:30", 4)
    more = replace(edited, sessions=[*edited.sessions, added], end_date=date(2026, 12, 11), class_hours=44)
    draft = step.follows(
        lambda: ctx.classes.update(draft.uuid, more, expected_version=draft.version),
        expect=klass_ | {session_},
    )
    login(ctx, "reviewer")
    step.follows(lambda: ctx.classes.send_back(draft.uuid, "请补充场地照片"), expect=klass_)
    klass = step.follows(lambda: ctx.classes.approve(draft.uuid), expect=klass_)
    login(ctx, "clerk")

    # enrolment: one by one, evidence supplied later, withdrawn and back, by roster
    ea = step.follows(lambda: ctx.enrollments.enroll(klass.uuid, EnrollInput(a.uuid)), expect=enrolment)
    eb = step.follows(lambda: ctx.enrollments.enroll(klass.uuid, EnrollInput(b.uuid)), expect=enrolment)
    c = step.follows(lambda: person(ctx, seq=104, name="周大伟", group="41"), expect=trainee)
    ec = step.follows(lambda: ctx.enrollments.enroll(klass.uuid, EnrollInput(c.uuid)), expect=enrolment)
    assert ec.evidence_missing
    supplied = EnrollInput(c.uuid, evidence_type="劳动合同", evidence_number="HT-2026-001")
    step.follows(lambda: ctx.enrollments.enroll(klass.uuid, supplied), expect=enrolment)
    step.follows(lambda: ctx.enrollments.withdraw(ec.uuid, "找到工作"), expect=enrolment)
    step.follows(lambda: ctx.enrollments.enroll(klass.uuid, supplied), expect=enrolment)
    path = roster(tmp_path, people(3))
    step.follows(lambda: ctx.roster_importer().run(klass.code, path), expect=trainee | enrolment)

    # attendance: the first sign-in starts the class; 补签 requested, approved, rejected
    first, second = klass.sessions[0], klass.sessions[1]
    clock.set(datetime(2026, 12, 1, 8, 25).astimezone())
    step.follows(lambda: ctx.attendance.check_in(first.uuid, a.id_number), expect=attendance | klass_)
    clock.set(datetime(2026, 12, 1, 11, 35).astimezone())
    step.follows(lambda: ctx.attendance.check_out(first.uuid, a.id_number), expect=attendance)
    step.follows(lambda: ctx.attendance.set_status(first.uuid, eb.uuid, "leave"), expect=attendance)
    clock.set(datetime(2026, 12, 3, 9, 0).astimezone())
    day1, day2 = date(2026, 12, 1), date(2026, 12, 2)
    claim = step.follows(
        lambda: ctx.attendance.request_makeup(
            first.uuid, eb.uuid, sign_in_at=at("08:25", day1), sign_out_at=at("11:30", day1), reason="故障"
        ),
        expect=attendance,
    )
    other = step.follows(
        lambda: ctx.attendance.request_makeup(
            second.uuid, eb.uuid, sign_in_at=at("08:25", day2), sign_out_at=None, reason="忘记签到"
        ),
        expect=attendance,
    )
    login(ctx, "reviewer")
    step.follows(lambda: ctx.attendance.approve_makeup(claim.attendance_uuid), expect=attendance)
    step.follows(lambda: ctx.attendance.reject_makeup(other.attendance_uuid, "无表"), expect=attendance)
    login(ctx, "clerk")

    # the rest of the timetable attended by 钱小满 (so that a subsidy can be claimed for them)
    for later in klass.sessions[1:]:
        clock.set(datetime.combine(later.day, time(11, 40)).astimezone())
        ctx.attendance.check_in(later.uuid, a.id_number, at=at("08:25", later.day))
        ctx.attendance.check_out(later.uuid, a.id_number, at=at("11:35", later.day))

    # assessment, the end of the class, certificates
    clock.set(datetime(2026, 12, 11, 12, 0).astimezone())
    for e in (ea, eb):
        step.follows(
            lambda e=e: ctx.attendance.record_assessment(
                e.uuid, theory=None, practical=None, result="pass", assessed_on=date(2026, 12, 11)
            ),
            expect={(o.ASSESSMENT, o.UPSERT)},
        )
    clock.set(datetime(2026, 12, 20, 9, 0).astimezone())
    step.follows(lambda: ctx.classes.finish(klass.uuid), expect=klass_)
    issued = step.follows(
        lambda: ctx.certificates.issue(klass.code, issue_date=date(2026, 12, 20)), expect=certificate
    ).issued
    assert len(issued) == 2
    # subsidy claims: created, sent back, reviewed, withdrawn; returned by the city and corrected
    claim_ = {(o.SUBSIDY_CLAIM, o.UPSERT)}
    payee = PayeeInput("person", account="6222020200112233445")
    first = step.follows(lambda: ctx.subsidy.create(ea.uuid, payee), expect=claim_)
    login(ctx, "reviewer")
    step.follows(lambda: ctx.subsidy.review(first.number), expect=claim_)
    step.follows(lambda: ctx.subsidy.send_back(first.number, "账户待核实"), expect=claim_)
    step.follows(lambda: ctx.subsidy.withdraw(first.number, "重新填写"), expect=claim_)
    second = step.follows(lambda: ctx.subsidy.create(ea.uuid, payee), expect=claim_)
    step.follows(lambda: ctx.subsidy.review(second.number), expect=claim_)
    city_at = "2026-12-21T00:00:00.000Z"  # the city's 退回, applied as its signed downlink brings it
    returned = Decisions(ctx.acting.station_code, city_at, 0, 1, (Decision(
        1, second.uuid, second.number, "returned", None, "户名不符", None, city_at, "李科长"),), ())
    step.follows(lambda: apply_decisions(ctx.db, ctx.acting, returned), expect=claim_)
    login(ctx, "clerk")
    step.follows(lambda: ctx.subsidy.correct(second.number), expect=claim_)
    # after the class: the 3-month follow-up recorded and corrected; a service to the unemployed
    clock.set(datetime(2027, 3, 20, 9, 0).astimezone())
    followup_ = {(o.FOLLOW_UP, o.UPSERT)}
    called = FollowupInput("受雇就业", date(2027, 3, 19), "连云港康养中心", contract_type="劳动合同")
    step.follows(lambda: ctx.followups.record(ea.uuid, 3, called), expect=followup_)
    step.follows(lambda: ctx.followups.record(ea.uuid, 3, replace(called, wage_band="3000–5000元")),
                 expect=followup_)
    step.follows(lambda: ctx.followups.record_service(a.uuid, ServiceInput("岗位推荐", date(2027, 3, 19))),
                 expect={(o.SERVICE_EVENT, o.UPSERT)})
    login(ctx, "admin")
    step.follows(lambda: ctx.certificates.reprint(issued[0].number, "遗失"), expect=certificate)
    login(ctx, "reviewer")
    step.follows(lambda: ctx.certificates.revoke(issued[1].number, "考核材料不实"), expect=certificate)
    step.follows(lambda: ctx.classes.archive(klass.uuid), expect=klass_)

    # retention, years later, once the city has every change (the outbox is empty)
    with ctx.db.write() as session:
        session.execute(text("DELETE FROM outbox"))
    admin = ctx.users.authenticate("admin", DEMO_PASSWORD)
    done = step.follows(
        lambda: anonymise_due(ctx.db, admin, 5, datetime(2040, 1, 1, tzinfo=UTC)),
        expect={(o.TRAINEE, o.ANONYMISE), (o.ENROLLMENT, o.ANONYMISE), (o.SUBSIDY_CLAIM, o.ANONYMISE)},
    )
    assert a.uuid in done.due and not done.held_back

    assert {entity for entity, _operation in step.seen} == outbox.TRAVELLING


def test_demo_data_writes_no_outbox_entry(demo_context):
    """Demo data never travels: the same services write their rows, and no entry."""
    ctx = demo_context
    someone = person(ctx, seq=101)
    draft = ctx.classes.create(class_input(sessions=11))
    ctx.classes.update(draft.uuid, class_input(sessions=10), expected_version=draft.version)
    admin = ctx.users.authenticate("admin", DEMO_PASSWORD)
    done = anonymise_due(ctx.db, admin, 5, datetime(2040, 1, 1, tzinfo=UTC))
    assert someone.uuid in done.due
    with ctx.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM class_session")).scalar_one() == 10
        assert session.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 0
