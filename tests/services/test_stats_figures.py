"""The dashboard's figures against a seeded station whose expected numbers this test works out
itself, in plain Python over the inputs it chose (never through the stats service's helpers).

Six classes of 10 sessions × 4 class hours (08:30–11:30): the catalog's threshold is 80 %, so
32 of 40 hours count and 31 do not. The period is 2026-03-11 … 2026-04-30 (China time); classes
end on the first day, the last day, the day before and the day after it. Claims are dated by
this computer's time zone, as attendance windows are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from sqlalchemy import select

from jiangxin_desktop.services.catalog.training import shipped_catalog_path
from jiangxin_desktop.store.followup_models import FollowUp
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Certificate
from jiangxin_desktop.store.subsidy_models import SubsidyClaim
from jiangxin_desktop.services.training.enrollment import EnrollInput
from tests.services.classes_helpers import login, opened_class
from tests.services.subsidy_helpers import local, trainee

START, END = date(2026, 3, 11), date(2026, 4, 30)
THRESHOLD, PLANNED = 0.8, 40  # the shipped catalog's attendance_threshold; 10 sessions × 4 hours
# What the test knows of the shipped catalog and code lists (its own table, not the service's).
GROUP = {"11": "农村转移劳动力", "21": "高校毕业生", "31": "失业人员", "41": "企业职工"}
AREA = {"KY01": "康养服务", "SZ01": "数字技能"}
OCCUPATION = {"4-10-01-05": ("C", False), "4-01-02-07": ("B", True), "6-31-01-03": ("A", False)}
EMPLOYED = {"employed", "self_employed", "flexible"}




@dataclass
class Person:
    name: str
    group: str
    full: int  # sessions attended whole (08:25–11:35): 4 hours each
    late: int = 0  # then sessions signed in at 09:10 (40 min late: 140 of 180 minutes → 3 hours)
    subsidised: bool = True
    withdraw: bool = False  # withdrawn after the class finished
    followups: dict = field(default_factory=dict)  # period → outcome
    passed: bool = False
    enrolment: object = None
    uuid: str = ""
    id_number: str = ""

    @property
    def hours(self) -> int:
        return 4 * self.full + 3 * self.late


@dataclass
class Klass:
    start: date
    project: str
    occupation: str
    people: list
    finished: bool = True
    record: object = None

    @property
    def end(self) -> date:
        return self.start + timedelta(days=9)


def seed_classes(ctx, clock) -> list[Klass]:
    classes = [
        Klass(date(2026, 3, 2), "KY01", "4-10-01-05", [  # ends 03-11: the first day of the period
            Person("甲一", "31", 10, followups={3: "not_employed", 6: "employed"}, passed=True),
            Person("甲二", "11", 8, followups={3: "unreachable"}, passed=True),  # 32 h: exactly 80 %
            Person("甲三", "21", 7, late=1),  # 31 h: just below
            Person("甲四", "41", 10, withdraw=True),
            Person("甲五", "31", 10, subsidised=False),
            Person("甲六", "41", 10, followups={3: "employed"}, passed=True),  # not an employment group
            Person("甲七", "11", 10),
        ]),
        Klass(date(2026, 4, 21), "SZ01", "4-01-02-07", [  # ends 04-30: the last day
            Person("乙一", "21", 10), Person("乙二", "31", 9, followups={3: "flexible"}),
        ]),
        Klass(date(2026, 3, 1), "KY01", "6-31-01-03", [Person("丙一", "31", 10)]),  # ends 03-10: before
        Klass(date(2026, 4, 22), "KY01", "6-31-01-03", [Person("丁一", "31", 10)]),  # ends 05-01: after
        Klass(date(2026, 4, 1), "KY01", "4-10-01-05", [Person("戊一", "31", 10)], finished=False),
        Klass(date(2026, 4, 11), "KY01", "6-31-01-03", [Person("己一", "11", 10, followups={6: "self_employed"})]),
    ]
    seq = 301
    for k in classes:
        clock.set(local(k.start, "08:00"))
        k.record = opened_class(ctx, start=k.start, project_code=k.project, occupation_code=k.occupation)
        for p in k.people:
            t = trainee(ctx, seq, p.name, group=p.group)
            seq += 1
            p.uuid, p.id_number = t.uuid, t.id_number
            p.enrolment = ctx.enrollments.enroll(k.record.uuid, EnrollInput(t.uuid, subsidised=p.subsidised),
                                                 confirmed=True)
        for n, session in enumerate(k.record.sessions):
            clock.set(local(session.day, "11:40"))
            for p in k.people:
                number = p.id_number
                if n < p.full + p.late:
                    sign_in = "08:25" if n < p.full else "09:10"
                    ctx.attendance.check_in(session.uuid, number, at=local(session.day, sign_in).isoformat())
                    ctx.attendance.check_out(session.uuid, number, at=local(session.day, "11:35").isoformat())
        clock.set(local(k.end, "12:00"))
        for p in k.people:
            if p.passed:
                ctx.attendance.record_assessment(p.enrolment.uuid, theory=90.0, practical=90.0, assessed_on=k.end)
        if k.finished:
            ctx.classes.finish(k.record.uuid)
        for p in k.people:
            if p.withdraw:
                ctx.enrollments.withdraw(p.enrolment.uuid, "结业后发现冒名顶替")
    return classes


def counts(k: Klass, p: Person) -> bool:
    """The definition, as the README words it, worked out by hand."""
    return (k.finished and START <= k.end <= END and not p.withdraw and p.subsidised
            and p.hours / PLANNED >= THRESHOLD)


def write_followups(ctx, classes: list[Klass]) -> None:
    with ctx.db.write() as s:
        for k in classes:
            for p in k.people:
                for months, outcome in p.followups.items():
                    now = utc_now()
                    s.add(FollowUp(uuid=uuid7(), station_code=ctx.station.code, version=1, created_at=now,
                                   updated_at=now, enrollment_uuid=p.enrolment.uuid, trainee_uuid=p.uuid,
                                   class_uuid=k.record.uuid, period_months=months,
                                   due_on=k.end + timedelta(days=30 * months), outcome=outcome,
                                   contacted_on=k.end + timedelta(days=30 * months), recorded_by="clerk"))


def utc(day: date, hhmm: str, seconds: int = 0) -> str:
    """A local moment as the services store it (UTC ISO, milliseconds)."""
    moment = local(day, hhmm) + timedelta(seconds=seconds)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def claim(ctx, s, serial: int, p: Person, cert: str, status: str, amount: int, **dates) -> None:
    now = utc_now()
    s.add(SubsidyClaim(
        uuid=uuid7(), station_code=ctx.station.code, version=1, created_at=now, updated_at=now,
        number=f"T-BT2026-{serial:05d}", year=2026, serial=serial, revision=1, enrollment_uuid=p.enrolment.uuid,
        trainee_uuid=p.uuid, class_uuid=p.enrolment.class_uuid, certificate_uuid=cert, status=status,
        kind="certificate", standard_fen=amount, amount_fen=amount, fee_fen=100000, government_fen=80000,
        employer_fen=0, personal_fen=20000, payee_kind="person", payee_name=p.name, payee_account="6222",
        catalog_version="test", inputs_json="{}", inputs_hash="sha256:0", explanation_json="[]",
        created_by="clerk", **dates,
    ))


def test_figures_match_what_the_inputs_say(demo_context, clock):
    ctx = demo_context
    classes = seed_classes(ctx, clock)
    a = classes[0]
    login(ctx, "clerk")
    issued = ctx.certificates.issue(a.record.code, issue_date=date(2026, 3, 20)).issued
    login(ctx, "reviewer")
    revoked = next(c for c in issued if c.trainee_name == "甲六")
    ctx.certificates.revoke(revoked.number, "证书信息有误")
    login(ctx, "clerk")
    write_followups(ctx, classes)
    a1, a2, a7 = a.people[0], a.people[1], a.people[6]
    with ctx.db.write() as s:
        certs = {c.enrollment_uuid: c.uuid for c in s.scalars(select(Certificate))}
        claim(ctx, s, 1, a1, certs[a1.enrolment.uuid], "paid", 80000, reviewed_at=utc(date(2026, 3, 25), "10:00"),
              decided_at=utc(date(2026, 4, 10), "11:00"), decided_amount_fen=76000, paid_on=date(2026, 4, 30))
        # reviewed 23:59:59 on the last day (local time): in; approved 00:00 the day after: out
        claim(ctx, s, 2, a2, certs[a2.enrolment.uuid], "approved", 60000, reviewed_at=utc(END, "23:59", 59),
              decided_at=utc(END + timedelta(days=1), "00:00"), decided_amount_fen=50000)
        claim(ctx, s, 3, a7, certs[a1.enrolment.uuid], "reviewed", 1000,
              reviewed_at=utc(START - timedelta(days=1), "23:59", 59))
        claim(ctx, s, 4, a7, certs[a1.enrolment.uuid], "draft", 1000)

    summary = ctx.stats.summary(START, END)

    people = [(k, p) for k in classes for p in k.people if counts(k, p)]
    assert {p.name for _, p in people} == {"乙一", "乙二", "己一", "甲一", "甲二", "甲六", "甲七"}
    assert summary.person_times == len(people)
    by_group: dict[str, int] = {}
    by_area: dict[str, int] = {}
    for k, p in people:
        by_group[GROUP[p.group]] = by_group.get(GROUP[p.group], 0) + 1
        by_area[AREA[k.project]] = by_area.get(AREA[k.project], 0) + 1
    assert {c.key: c.count for c in summary.by_group} == by_group
    assert {c.key: c.count for c in summary.by_area} == by_area
    expected_targets = {
        "person_times": len(people),
        "graduates": sum(GROUP[p.group] == "高校毕业生" for _, p in people),
        "enterprise": sum(GROUP[p.group] == "企业职工" for _, p in people),
        "digital": sum(OCCUPATION[k.occupation][1] for k, _ in people),
        "manufacturing": sum(OCCUPATION[k.occupation][0] == "A" for k, _ in people),
        "care": sum(AREA[k.project] == "康养服务" for k, _ in people),
        "new_skilled": 2, "high_skill": 0, "top_tier": 0,  # 甲一, 甲二: 职业技能等级证书 五级, valid
    }
    targets = {t.key: t for t in summary.targets}
    assert {k: targets[k].value for k in expected_targets} == expected_targets
    plan = json.loads(shipped_catalog_path().read_text("utf-8"))["plan"]
    assert targets["care"].target == plan["targets"]["care"]
    assert targets["care"].share == expected_targets["care"] / plan["targets"]["care"]
    assert targets["carriers"].value is None and targets["carriers"].share is None

    followed = [(p, p.followups[max(p.followups)]) for _, p in people
                if p.followups and GROUP[p.group] in ("农村转移劳动力", "失业人员")]
    assert (summary.followed_up, summary.employed) == (len(followed), sum(o in EMPLOYED for _, o in followed))
    assert (summary.followed_up, summary.employed) == (4, 3)  # 甲一 6 个月 employed, 甲二 unreachable, 乙二, 己一
    assert summary.employment_rate == 3 / 4 and summary.employment_target == 0.45

    assert summary.certificates == 2 and [(c.label, c.count) for c in summary.certificates_by_kind] == [
        ("职业技能等级证书", 2)]
    assert (summary.claimed.count, summary.claimed.amount_fen) == (2, 140000)
    assert (summary.approved.count, summary.approved.amount_fen) == (1, 76000)
    assert (summary.paid.count, summary.paid.amount_fen) == (1, 76000)
    assert summary.definition.startswith("一人次 = ") and "80%" in summary.definition

    names = lambda rows: sorted(r.name for r in rows)  # noqa: E731 — names of the people behind a figure
    assert names(ctx.stats.people("person_times", None, START, END)) == sorted(p.name for _, p in people)
    assert names(ctx.stats.people("person_times", "企业职工", START, END)) == sorted(["甲六"])
    assert names(ctx.stats.people("targets", "manufacturing", START, END)) == sorted(["己一"])
    assert names(ctx.stats.people("targets", "digital", START, END)) == sorted(["乙一", "乙二"])
    assert names(ctx.stats.people("employment", "employed", START, END)) == sorted(["乙二", "己一", "甲一"])
    assert names(ctx.stats.people("employment", None, START, END)) == sorted(["乙二", "己一", "甲一", "甲二"])
    assert names(ctx.stats.people("certificates", "职业技能等级证书", START, END)) == sorted(["甲一", "甲二"])
    assert names(ctx.stats.people("subsidies", "claimed", START, END)) == sorted(["甲一", "甲二"])
    assert names(ctx.stats.people("subsidies", "paid", START, END)) == sorted(["甲一"])
    assert all("*" in r.id_masked for r in ctx.stats.people("person_times", None, START, END))


def test_a_followup_recorded_later_changes_the_rate(demo_context, clock):
    ctx = demo_context
    classes = seed_classes(ctx, clock)[:2]
    for k in classes:
        for p in k.people:
            p.followups = {}
    assert ctx.stats.summary(START, END).followed_up == 0
    classes[0].people[0].followups = {3: "employed"}
    write_followups(ctx, classes)
    summary = ctx.stats.summary(START, END)
    assert (summary.followed_up, summary.employed) == (1, 1)


def test_the_readme_words_the_definition_as_the_catalog_does():
    from pathlib import Path

    from jiangxin_desktop.domain.plan import Counting

    rules = json.loads(shipped_catalog_path().read_text("utf-8"))["rules"]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    assert Counting().describe(rules["attendance_threshold"]) in readme


def test_a_claim_that_moves_on_leaves_its_old_day(demo_context, clock):
    """已核准 on a day in the period, then 已发放 with the decision dated after it: the approval's old
    day no longer counts it; the amounts follow the decided amount."""
    from sqlalchemy import update

    from tests.services.subsidy_helpers import claimable_class

    ctx = demo_context
    made = claimable_class(ctx, clock, "甲", start=date(2026, 3, 2))
    enrolment, person, cert = made.enrolments[0], made.people[0], made.issued[0]
    p = Person(person.name, "31", 10)
    p.enrolment, p.uuid = enrolment, person.uuid
    with ctx.db.write() as s:
        cert_uuid = s.scalar(select(Certificate.uuid).where(Certificate.number == cert.number))
        claim(ctx, s, 9, p, cert_uuid, "approved", 80000, reviewed_at=utc(date(2026, 3, 20), "10:00"),
              decided_at=utc(date(2026, 4, 2), "10:00"), decided_amount_fen=70000)
    first = ctx.stats.summary(START, END)
    money = lambda summary: [(m.count, m.amount_fen) for m in (summary.claimed, summary.approved, summary.paid)]  # noqa: E731
    assert money(first) == [(1, 80000), (1, 70000), (0, 0)]
    with ctx.db.write() as s:
        s.execute(update(SubsidyClaim).where(SubsidyClaim.number == "T-BT2026-00009").values(
            status="paid", decided_at=utc(date(2026, 5, 6), "10:00"), paid_on=date(2026, 5, 6),
            decided_amount_fen=65000, version=2, updated_at=utc_now()))
    again = ctx.stats.summary(START, END)
    assert money(again) == [(1, 80000), (0, 0), (0, 0)]
    may = ctx.stats.summary(date(2026, 5, 1), date(2026, 5, 31))
    assert money(may) == [(0, 0), (1, 65000), (1, 65000)]


def test_classes_finished_before_the_upgrade_are_counted(demo_context, clock):
    """A station at revision 0015 with finished classes: migrating to 0016 fills the summary."""
    from alembic import command
    from sqlalchemy import text

    from jiangxin_desktop.store import migrate
    from tests.services.subsidy_helpers import claimable_class

    ctx = demo_context
    claimable_class(ctx, clock, "甲乙丙", absent=(2,))
    before = ctx.stats.summary(START - timedelta(days=30), END)
    assert before.person_times == 2
    with ctx.db.schema_connection() as conn:
        command.downgrade(migrate._alembic_config(conn), "0015")
        conn.commit()
    assert migrate.current_revision(ctx.db) == "0015"
    migrate.upgrade(ctx.db)
    with ctx.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM enrollment_outcome")).scalar() == 3
    after = ctx.stats.summary(START - timedelta(days=30), END)
    assert after.to_json() == before.to_json()
