"""Certificates on a real encrypted database: numbers, roles, 补发, revocation, audit, outbox."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.services.certificates.payload import VerifyStatus
from jiangxin_desktop.services.demo.classes import RARE_NAME, DemoClasses
from jiangxin_desktop.services.training.enrollment import EnrollInput
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.store.models import AuditEvent, OutboxEntry
from tests.conftest import DEMO_PASSWORD
from tests.services.classes_helpers import login, opened_class, person

START = date(2026, 3, 2)
AFTER = date(2026, 3, 20)  # after the last session (03-11) of a class starting on START
NAMES = "甲乙丙丁戊己"


def finished_class(ctx, results: tuple[str, ...], *, first_seq: int, start: date = START):
    """A finished class whose trainees got ``results`` ("pass"/"fail"/"none"); ctx acts as the clerk."""
    ctx.acting.today = lambda: start
    klass = opened_class(ctx, start=start)
    enrolled = [
        ctx.enrollments.enroll(
            klass.uuid, EnrollInput(person(ctx, seq=first_seq + i, name=f"学员{NAMES[i]}").uuid)
        )
        for i in range(len(results))
    ]
    ctx.classes.start(klass.uuid)
    ctx.acting.today = lambda: klass.end_date  # results are recorded from the last session on
    for e, result in zip(enrolled, results, strict=True):
        if result != "none":
            ctx.attendance.record_assessment(
                e.uuid, theory=None, practical=None, result=result, assessed_on=klass.end_date
            )
    ctx.acting.today = lambda: klass.end_date + timedelta(days=10)
    ctx.classes.finish(klass.uuid)
    return klass


def test_numbers_are_unique_increasing_and_never_reused_after_revoke(demo_context):
    ctx = demo_context
    first = finished_class(ctx, ("pass", "fail", "pass", "none"), first_seq=101)
    issued = ctx.certificates.issue(first.code, issue_date=AFTER)
    station = ctx.station.code
    assert [c.number for c in issued.issued] == [f"{station}-2026-000001", f"{station}-2026-000002"]
    assert {(s.name, s.reason) for s in issued.skipped} == {("学员乙", "考核不合格"), ("学员丁", "未考核")}
    again = ctx.certificates.issue(first.code, issue_date=AFTER)
    assert again.issued == [] and [s.reason for s in again.skipped].count("已有证书") == 2

    login(ctx, "reviewer")
    ctx.certificates.revoke(issued.issued[-1].number, "考核材料不实")
    login(ctx, "clerk")
    ctx.acting.today = lambda: AFTER
    second = finished_class(ctx, ("pass", "pass"), first_seq=111, start=date(2026, 4, 1))
    ctx.acting.today = lambda: date(2026, 4, 30)
    more = ctx.certificates.issue(second.code)  # issue date: the class's end date
    assert [c.number for c in more.issued] == [f"{station}-2026-000003", f"{station}-2026-000004"]
    assert all(c.issue_date == second.end_date < date(2026, 4, 30) for c in more.issued)
    # a revoked trainee does not get a fresh certificate by issuing again
    assert ctx.certificates.issue(first.code, issue_date=AFTER).issued == []
    listed = ctx.certificates.list(first.code)
    assert [(c.number, c.status) for c in listed] == [
        (f"{station}-2026-000001", "valid"),
        (f"{station}-2026-000002", "revoked"),
    ]
    # a new year starts its own series
    ctx.acting.today = lambda: date(2027, 1, 6)
    third = finished_class(ctx, ("pass",), first_seq=121, start=date(2026, 12, 1))
    ctx.acting.today = lambda: date(2027, 1, 6)
    issued_2027 = ctx.certificates.issue(third.code, issue_date=date(2027, 1, 6)).issued
    assert issued_2027[0].number == f"{station}-2027-000001"


def test_only_a_finished_class_and_a_sensible_date(demo_context):
    ctx = demo_context
    ctx.acting.today = lambda: START
    running = opened_class(ctx, start=START)
    with pytest.raises(KnownError, match="只有已结业的班才能发放证书"):
        ctx.certificates.issue(running.code)
    done = finished_class(ctx, ("pass",), first_seq=131)
    with pytest.raises(ValidationError, match="不能早于结业日期"):
        ctx.certificates.issue(done.code, issue_date=date(2026, 3, 5))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        ctx.certificates.issue(done.code, issue_date=date(2026, 5, 1))


def test_permissions_per_role(demo_context):
    ctx = demo_context
    klass = finished_class(ctx, ("pass", "pass"), first_seq=141)
    for role in ("reviewer",):
        login(ctx, role)
        with pytest.raises(PermissionDenied, match="发放证书"):
            ctx.certificates.issue(klass.code, issue_date=AFTER)
    login(ctx, "admin")
    ctx.acting.today = lambda: AFTER
    one, two = ctx.certificates.issue(klass.code).issued
    login(ctx, "clerk")
    with pytest.raises(PermissionDenied, match="撤销证书"):
        ctx.certificates.revoke(one.number, "错发")
    login(ctx, "reviewer")
    with pytest.raises(PermissionDenied, match="补发证书"):
        ctx.certificates.reprint(one.number, "遗失")
    with pytest.raises(PermissionDenied, match="打印证书"):
        ctx.certificates.pages(klass.code)
    assert len(ctx.certificates.list(klass.code)) == 2  # a reviewer may look
    ctx.certificates.revoke(one.number, "错发")
    login(ctx, "admin")
    assert ctx.certificates.reprint(two.number, "污损").reissue_count == 1
    ctx.certificates.revoke(two.number, "冒名顶替")
    ctx.acting.user = None
    with pytest.raises(PermissionDenied, match="请先登录"):
        ctx.certificates.list(klass.code)


def test_reprint_marks_the_page_and_the_qr_code_and_is_audited(demo_context):
    ctx = demo_context
    ctx.acting.travels = True  # as at a real station: changes go to the outbox
    klass = finished_class(ctx, ("pass",), first_seq=151)
    (cert,) = ctx.certificates.issue(klass.code, issue_date=AFTER).issued
    (page,) = ctx.certificates.pages(klass.code)
    assert page.reissued is False and page.reissue_count == 0
    with pytest.raises(ValidationError, match="补发原因"):
        ctx.certificates.reprint(cert.number, "  ")
    ctx.acting.today = lambda: date(2026, 6, 1)
    again = ctx.certificates.reprint(cert.number, "原证遗失")
    assert (again.number, again.reissue_count, again.reissued_on) == (cert.number, 1, date(2026, 6, 1))
    assert again.issue_date == AFTER  # the certificate's date does not change
    (reprinted,) = ctx.certificates.pages(klass.code)
    assert reprinted.reissued and reprinted.reissue_count == 1 and reprinted.number == cert.number
    assert reprinted.qr_payload != page.qr_payload
    checked = ctx.certificates.verify(reprinted.qr_payload)
    assert checked.valid and checked.claims is not None and checked.claims.reissue == 1
    assert ctx.certificates.verify(page.qr_payload).valid  # the first print is not made invalid

    with ctx.db.read() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "certificate").order_by(AuditEvent.seq)
        ).all()
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.entity == "certificate")).all()
    assert [e.action for e in events] == ["certificate.issue", "certificate.reprint"]
    reprint_event = json.loads(events[-1].after_json)
    assert reprint_event["reissue_count"] == 1 and reprint_event["reissue_reason"] == "原证遗失"
    assert "trainee_name" not in reprint_event and "sealed" in reprint_event  # the person is sealed
    assert [(o.entity_uuid, o.version) for o in outbox] == [(cert.uuid, 1), (cert.uuid, 2)]
    assert [o.operation for o in outbox] == ["upsert", "upsert"]


def test_revoke_blocks_reprint_printing_and_verification(demo_context):
    ctx = demo_context
    klass = finished_class(ctx, ("pass", "pass"), first_seq=161)
    kept, bad = ctx.certificates.issue(klass.code, issue_date=AFTER).issued
    payload = ctx.certificates.payload(bad.number)
    login(ctx, "reviewer")
    with pytest.raises(ValidationError, match="撤销原因"):
        ctx.certificates.revoke(bad.number, "")
    revoked = ctx.certificates.revoke(bad.number, "替考")
    assert (revoked.status, revoked.revoked_by, revoked.revoked_reason) == ("revoked", "reviewer", "替考")
    with pytest.raises(KnownError, match="无需重复撤销"):
        ctx.certificates.revoke(bad.number, "替考")
    login(ctx, "clerk")
    with pytest.raises(KnownError, match="已撤销，不能补发"):
        ctx.certificates.reprint(bad.number, "遗失")
    assert [p.number for p in ctx.certificates.pages(klass.code)] == [kept.number]
    with pytest.raises(KnownError, match="已撤销，不能打印"):
        ctx.certificates.pages(klass.code, [bad.number])
    with pytest.raises(KnownError, match="不再生成二维码"):
        ctx.certificates.payload(bad.number)
    result = ctx.certificates.verify(payload)  # the old print of a revoked certificate
    assert result.status is VerifyStatus.REVOKED and "已撤销" in result.message
    assert ctx.certificates.verify(ctx.certificates.payload(kept.number)).valid
    with ctx.db.read() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "certificate")).all()
    assert actions.count("certificate.revoke") == 1


def test_demo_data_issues_certificates_for_the_finished_class(demo_context):
    ctx = demo_context
    users = {role: ctx.users.authenticate(role, DEMO_PASSWORD) for role in ("clerk", "reviewer")}
    DemoClasses(ctx.db, ctx.acting, ctx.registry, ctx.classes, ctx.enrollments, ctx.attendance).seed(users)
    finished = next(c for c in ctx.classes.list() if c.status == "finished")
    login(ctx, "clerk")
    result = ctx.certificates.issue(finished.code)
    passed = [r for r in ctx.attendance.assessments(finished.uuid).values() if r.result == "pass"]
    assert len(result.issued) == len(passed) >= 10
    assert {s.reason for s in result.skipped} == {"考核不合格"}
    pages = ctx.certificates.pages(finished.code)
    rare = next(p for p in pages if p.name == RARE_NAME)
    assert rare.masked_id == "320706********0021" and rare.certificate_type == "职业技能等级证书"
    assert (rare.level, rare.occupation_name) == ("五级/初级工", "养老护理员")
    assert rare.station_name == ctx.station.name and not rare.reissued
    checked = ctx.certificates.verify(rare.qr_payload)
    assert checked.valid and checked.claims is not None
    assert (checked.claims.masked_name, checked.claims.number) == ("李*", rare.number)
    assert rare.to_json()["issue_date"] == finished.end_date.isoformat()  # not forced to today


def test_the_roster_shows_valid_certificate_numbers_only(demo_context):
    ctx = demo_context
    klass = finished_class(ctx, ("pass", "pass", "fail"), first_seq=131)
    issued = ctx.certificates.issue(klass.code, issue_date=AFTER).issued
    login(ctx, "reviewer")
    ctx.certificates.revoke(issued[1].number, "考核材料不实")
    rows = ctx.class_exports().roster_rows(ctx.classes.get(klass.code), full=False)
    assert [r["certificate_number"] for r in rows] == [issued[0].number, "", ""]


def test_issuing_reports_progress_and_a_cancel_issues_nothing(demo_context):
    ctx = demo_context
    klass = finished_class(ctx, ("pass", "pass", "fail"), first_seq=161)
    seen: list[tuple[int, int]] = []

    def cancel_at_second(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 2:
            raise RuntimeError("取消")

    with pytest.raises(RuntimeError):
        ctx.certificates.issue(klass.code, progress=cancel_at_second)
    assert ctx.certificates.list(klass.code) == []  # the first one was not kept either
    seen.clear()
    result = ctx.certificates.issue(klass.code, progress=lambda done, total: seen.append((done, total)))
    assert len(result.issued) == 2 and seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert {c.issue_date for c in result.issued} == {klass.end_date}  # default: the end date
