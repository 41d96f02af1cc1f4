"""Real stored rows of every travelling table, read once from a demo database with classes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

# The table each entity's rows are stored in (protocol/ may not know; the tests may).
TABLES = {
    "trainee": "trainee",
    "training_class": "training_class",
    "class_session": "class_session",
    "enrollment": "enrollment",
    "attendance": "attendance",
    "assessment": "assessment",
    "certificate": "certificate",
    "subsidy_claim": "subsidy_claim",
    "follow_up": "follow_up",
    "service_event": "service_event",
}


def _exercise(ctx, folder: Path) -> None:
    """Fill the optional columns the demo leaves empty: a trainee with every field, a
    withdrawal, a deactivation, certificates issued, one reprinted and one revoked; and rows
    written by the roster import's bulk statements rather than the ORM."""
    from jiangxin_desktop.services.demo.seed import id_with_check
    from jiangxin_desktop.services.registry.trainees import TraineeInput
    from tests.services.classes_helpers import login
    from tests.services.test_roster_import import people, roster

    login(ctx, "clerk")
    classes = {c.status: c for c in ctx.classes.list()}
    issued = ctx.certificates.issue(classes["finished"].code).issued
    ctx.certificates.reprint(issued[0].number, "原件遗失")
    running = next(c for c in ctx.classes.list() if c.status != "finished" and ctx.enrollments.list(c.uuid))
    withdrawn = ctx.enrollments.list(running.uuid)[0]
    ctx.enrollments.withdraw(withdrawn.uuid, "本人外出务工")
    ctx.registry.deactivate(withdrawn.trainee_uuid, "迁出本市")
    uscc = "91320700MA1MX4L200"  # fails its check digit: kept with a reason
    ctx.registry.register(
        TraineeInput(
            name="欧阳·明月",
            id_number=id_with_check("32070619850312042"),
            phone="13912345678",
            target_group="11",
            target_flags=("脱贫家庭",),
            evidence_type="帮扶手册",
            evidence_number="BF2026-0042",
            bank_card="6222020200112233445",
            address="连云港市海州区朝阳东路 18 号",
            employer="连云港港口集团有限公司",
            employer_uscc=uscc,
            employer_uscc_override="营业执照原件核对无误",
            note="需要下午上课",
            consent=True,
        )
    )
    opened = next(c for c in ctx.classes.list() if c.status == "opened")
    rural = [
        [name, number, phone, "农村转移劳动力", "户口簿", f"HK-{i}"]
        for i, (name, number, phone, *_) in enumerate(people(5, start=300))
    ]
    imported = ctx.roster_importer().run(opened.code, roster(folder, rural))
    assert imported.registered == 5, (imported.errors, imported.duplicates, imported.warnings)
    _claims(ctx, classes["finished"].code, spare=issued[1].number)
    _followups(ctx, classes["finished"].code)
    login(ctx, "reviewer")
    ctx.certificates.revoke(issued[1].number, "考核记录有误")


def _claims(ctx, class_code: str, *, spare: str) -> None:
    """Subsidy claims in every state: reviewed; a draft to a unit; returned by the city and
    corrected, the correction withdrawn; paid. The city's decisions are written as its downlink
    would write them. ``spare`` is the certificate the caller revokes afterwards (left unclaimed)."""
    from sqlalchemy import text

    from jiangxin_desktop.services.subsidies import PayeeInput
    from tests.services.classes_helpers import login

    login(ctx, "clerk")
    rows = [r for r in ctx.subsidy.check(class_code) if r.eligible]
    spared = {c.enrollment_uuid for c in ctx.certificates.list(class_code) if c.number == spare}
    a, b, c, d = [r.enrollment_uuid for r in rows if r.enrollment_uuid not in spared][:4]
    card = PayeeInput("person", account="6222020200112233445", bank="中国工商银行连云港分行")
    uscc = ctx.catalogs.active().institutions["JG002"].uscc
    reviewed = ctx.subsidy.create(a, card, note="首批申请")
    ctx.subsidy.create(b, PayeeInput("unit", "连云港示例职业培训学校", "32001234567890", "建设银行海州支行", uscc))
    returned = ctx.subsidy.create(c, card)
    paid = ctx.subsidy.create(d, card)
    login(ctx, "reviewer")
    for claim in (reviewed, returned, paid):
        ctx.subsidy.review(claim.number)
    decided = {"at": "2026-11-20T02:00:00.000Z", "by": "连云港市人社局 张科长"}
    with ctx.db.write() as session:
        session.execute(text("UPDATE subsidy_claim SET status = 'returned', decision_reason = '账户户名不符', "
                             "decided_at = :at, decided_by = :by WHERE number = :n"), {**decided, "n": returned.number})
        session.execute(text("UPDATE subsidy_claim SET status = 'paid', decided_amount_fen = amount_fen, "
                             "paid_on = '2026-11-25', decided_at = :at, decided_by = :by WHERE number = :n"),
                        {**decided, "n": paid.number})
    corrected = ctx.subsidy.correct(returned.number, note="已核对户名")
    ctx.subsidy.withdraw(corrected.number, "重复申请")


def _followups(ctx, class_code: str) -> None:
    """Follow-ups of the finished class: one with every field (corrected once), one with the
    outcome alone; services to an unemployed person, with and without their details."""
    from jiangxin_desktop.services.followup import FollowupInput, ServiceInput

    today = ctx.acting.today()
    first, second = [e for e in ctx.followups.due(within_days=400) if e.class_code == class_code][:2]
    full = FollowupInput("受雇就业", today, "连云港港口集团有限公司", "91320700MA1MX4L20L", "劳动合同",
                         "3000–5000元", "本人接听")
    ctx.followups.record(first.enrollment_uuid, first.period_months, full)
    ctx.followups.record(first.enrollment_uuid, first.period_months, replace(full, wage_band="5000–8000元"))
    ctx.followups.record(second.enrollment_uuid, second.period_months, FollowupInput("联系不上", today))
    ctx.followups.record_service(first.trainee_uuid, ServiceInput("岗位推荐", today, "养老护理员，月薪 4000 元",
                                                                  "连云港康养中心"))
    ctx.followups.record_service(first.trainee_uuid, ServiceInput("政策宣讲", today))


def _anonymise_everyone(ctx) -> None:
    """The retention rule, run as if years had passed: every trainee's row anonymised."""
    from datetime import datetime, timedelta, timezone

    from jiangxin_desktop.services.station.retention import anonymise_due
    from tests.conftest import DEMO_PASSWORD

    admin = ctx.users.authenticate("admin", DEMO_PASSWORD)
    assert anonymise_due(ctx.db, admin, 1, datetime(2040, 1, 1, tzinfo=timezone(timedelta(hours=8)))).due


@pytest.fixture(scope="session")
def stored_rows(tmp_path_factory) -> dict[str, list[dict]]:
    """entity → its rows as ``session.execute(select(table)).mappings()`` gives them."""
    import keyring
    from sqlalchemy import select

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database
    from jiangxin_desktop.paths import DataPaths
    from jiangxin_desktop.store.models import Base
    from tests.conftest import DEMO_PASSWORD, FIXED_NOW, FixedClock, MemoryKeyring, no_passphrase, use_clock

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        folder = tmp_path_factory.mktemp("protocol")
        paths = DataPaths(folder / "data")
        ensure_demo_database(paths, no_passphrase, 60, user_password=DEMO_PASSWORD, today=FIXED_NOW.date())
        ctx = use_clock(open_context(paths, no_passphrase), FixedClock())
        try:
            _exercise(ctx, folder)
            with ctx.db.read() as session:
                rows = {
                    entity: [dict(r) for r in session.execute(select(Base.metadata.tables[table])).mappings()]
                    for entity, table in TABLES.items()
                }
            _anonymise_everyone(ctx)
            with ctx.db.read() as session:  # the same people as the city receives them afterwards
                for entity in ("trainee", "enrollment", "subsidy_claim"):
                    after = session.execute(select(Base.metadata.tables[entity])).mappings()
                    rows[entity] += [dict(r) for r in after]
            return rows
        finally:
            ctx.close()
    finally:
        keyring.set_keyring(previous)
