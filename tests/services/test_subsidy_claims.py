"""Subsidy claims on a real encrypted database: check, create with frozen inputs, review,
conflicts, withdraw, correct, roles, audit and masking. Fixed clock (``clock``)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.services.subsidies import ClaimConflict, NotClaimable, PayeeInput
from jiangxin_desktop.store.models import AuditEvent
from jiangxin_desktop.store.subsidy_models import SubsidyClaim, SubsidyElsewhere
from tests.services.classes_helpers import login
from tests.services.subsidy_helpers import claimable_class, local, trainee


def events(ctx, prefix: str) -> list[AuditEvent]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.seq)))


def stored(ctx, number: str) -> SubsidyClaim:
    with ctx.db.read() as s:
        row = s.scalar(select(SubsidyClaim).where(SubsidyClaim.number == number))
        s.expunge(row)
        return row


def set_status(ctx, number: str, status: str, **more) -> None:
    """What the city's decision would do (helper B's downlink writes it for real)."""
    sets = ", ".join(f"{k} = :{k}" for k in {"status": status, **more})
    with ctx.db.write() as s:
        s.execute(text(f"UPDATE subsidy_claim SET {sets} WHERE number = :n"), {"status": status, **more, "n": number})


def test_check_create_and_the_frozen_inputs(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲乙丙", absent=(1,), results=("pass", "pass", "fail"))
    rows = ctx.subsidy.check(c.klass.code)
    assert [(r.trainee_name, r.eligible, r.amount_fen) for r in rows] == [
        ("学员甲", True, 65000), ("学员乙", False, 65000), ("学员丙", False, 65000)]
    assert rows[0].id_masked.startswith("320706********")
    assert rows[1].reasons[0].startswith("出勤率：出勤 0/40 课时")
    assert rows[2].reasons[0].startswith("结业考核：不合格")
    assert any(line.rule == "紧缺职业上浮" and "500 × 1.3 = 650 元" in line.text for line in rows[0].amount_lines)
    assert rows[0].claim_number is None

    record = ctx.subsidy.create(rows[0].enrollment_uuid, note="首批")
    assert record.number == f"{ctx.station.code}-BT2026-00001"
    assert (record.status, record.status_label, record.revision, record.amount_fen) == ("draft", "草稿", 1, 65000)
    assert record.payee_kind == "person" and record.payee_name == "学员甲"
    assert record.payee_account_masked == "6222***********3445"
    assert record.certificate_number == c.issued[0].number and record.level_label == "五级/初级工"
    row = stored(ctx, record.number)
    inputs = json.loads(row.inputs_json)
    assert row.inputs_json == json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert row.inputs_hash.startswith("sha256:") and len(row.inputs_hash) == 71
    assert inputs["attended_hours"] == 40 and inputs["planned_hours"] == 40
    assert inputs["assessment_result"] == "pass" and inputs["certificate_number"] == c.issued[0].number
    assert inputs["standard"] == {"kind": "level", "standard_fen": 65000, "amount_fen": 65000}
    assert inputs["catalog_version"] == ctx.catalogs.active().version
    explanation = json.loads(row.explanation_json)
    assert {x["part"] for x in explanation} == {"amount", "gate", "payee"}
    assert ctx.subsidy.check(c.klass.code)[0].claim_number == record.number
    assert ctx.subsidy.explain(rows[0].enrollment_uuid).claim_status == "draft"

    with pytest.raises(KnownError, match="已有补贴申请 .*-BT2026-00001（草稿）"):
        ctx.subsidy.create(rows[0].enrollment_uuid)
    with pytest.raises(NotClaimable, match="出勤率：出勤 0/40 课时") as refused:
        ctx.subsidy.create(rows[1].enrollment_uuid)
    assert refused.value.reasons[0].startswith("出勤率")
    with pytest.raises(NotClaimable, match="结业考核：不合格"):
        ctx.subsidy.create(rows[2].enrollment_uuid)
    listed = ctx.subsidy.list(c.klass.code)
    assert [r.number for r in listed] == [record.number]
    assert ctx.subsidy.list(status="reviewed") == []


def test_create_for_class_and_the_payee(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲乙丙丁", absent=(3,))
    with ctx.db.write() as s:
        s.execute(text("UPDATE trainee SET bank_card = NULL WHERE uuid = :u"), {"u": c.people[2].uuid})
    result = ctx.subsidy.create_for_class(c.klass.code)
    assert [r.trainee_name for r in result.created] == ["学员甲", "学员乙"]
    assert [name for name, _ in result.skipped] == ["学员丙", "学员丁"]
    assert any("收款账户" in reason for reason in result.skipped[0][1])
    assert result.skipped[1][1][0].startswith("出勤率")
    again = ctx.subsidy.create_for_class(c.klass.code)
    assert again.created == [] and again.skipped[0] == ("学员甲", [f"已有补贴申请 {result.created[0].number}（草稿）"])

    enrolment = c.enrolments[2].uuid
    with pytest.raises(NotClaimable, match="统一社会信用代码"):
        ctx.subsidy.create(enrolment, PayeeInput("unit", "连云港示例培训学校", "3201001234567", "工行", "91320700"))
    uscc = ctx.catalogs.active().institutions["JG002"].uscc
    unit = ctx.subsidy.create(enrolment, PayeeInput("unit", "连云港示例培训学校", "3201 0012 3456 7", "工行海州支行", uscc))
    assert (unit.payee_kind, unit.payee_uscc, unit.payee_bank) == ("unit", uscc, "工行海州支行")
    assert stored(ctx, unit.number).payee_account == "3201001234567"


def test_review_conflict_withdraw_and_correct(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲乙")
    first = ctx.subsidy.create(c.enrolments[0].uuid)
    second = ctx.subsidy.create(c.enrolments[1].uuid)
    login(ctx, "reviewer")
    reviewed = ctx.subsidy.review(first.number)
    assert (reviewed.status, reviewed.reviewed_by, reviewed.submitted) == ("reviewed", "reviewer", False)
    with pytest.raises(KnownError, match="现在是“已审核”，只有草稿的申请才能审核"):
        ctx.subsidy.review(first.number)

    # a change before review: the certificate revoked; the review names it and the claim stays a draft
    ctx.certificates.revoke(c.issued[1].number, "材料有误")
    with pytest.raises(ClaimConflict, match="证书状态：是 → 否") as conflict:
        ctx.subsidy.review(second.number)
    assert "证书状态：是 → 否" in conflict.value.changes
    assert ctx.subsidy.show(second.number).conflicts == ["证书状态：是 → 否"]
    assert stored(ctx, second.number).status == "draft"
    gone = ctx.subsidy.withdraw(second.number, "证书已撤销")
    assert (gone.status, gone.status_label, gone.withdrawn_reason) == ("withdrawn", "已撤回", "证书已撤销")
    with pytest.raises(ValidationError, match="撤回原因"):
        ctx.subsidy.withdraw(first.number, " ")

    # sent back before it travelled; once carried by a batch it is 已提交 and cannot be
    back = ctx.subsidy.send_back(first.number, "账户待核实")
    assert (back.status, back.note, back.reviewed_by) == ("draft", "账户待核实", None)
    ctx.subsidy.review(first.number)
    set_status(ctx, first.number, "reviewed", submitted_batch_id="batch-1")
    submitted = ctx.subsidy.list(status="submitted")
    assert [(r.number, r.display_status, r.status_label, r.submitted) for r in submitted] == [
        (first.number, "submitted", "已提交", True)]
    with pytest.raises(KnownError, match="已提交市里，不能退回修改"):
        ctx.subsidy.send_back(first.number, "再改")

    # the city returned it: corrected as a new claim, the returned one kept
    with pytest.raises(KnownError, match="只有已退回的申请才能更正"):
        ctx.subsidy.correct(first.number)
    set_status(ctx, first.number, "returned", decision_reason="账户户名不符")
    login(ctx, "clerk")
    fixed = ctx.subsidy.correct(first.number, note="已核对账户")
    assert (fixed.revision, fixed.supersedes_number, fixed.status) == (2, first.number, "draft")
    assert fixed.number != first.number and fixed.payee_account_masked == first.payee_account_masked
    assert stored(ctx, first.number).status == "returned"
    assert [e.action for e in events(ctx, "claim.")] == [
        "claim.create", "claim.create", "claim.review", "claim.withdraw", "claim.send_back", "claim.review",
        "claim.correct"]


def test_roles_and_masking(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲")
    record = ctx.subsidy.create(c.enrolments[0].uuid)
    for refused in (lambda: ctx.subsidy.review(record.number), lambda: ctx.subsidy.withdraw(record.number, "x"),
                    lambda: ctx.subsidy.send_back(record.number, "x")):
        with pytest.raises(PermissionDenied):
            refused()
    assert ctx.subsidy.show(record.number).payee_account is None  # a clerk sees the masked account only
    login(ctx, "reviewer")
    assert ctx.subsidy.show(record.number).payee_account == "6222020200112233445"
    ctx.acting.user = None
    with pytest.raises(PermissionDenied, match="请先登录"):
        ctx.subsidy.check(c.klass.code)
    (event,) = events(ctx, "claim.create")
    after = json.loads(event.after_json)
    assert "6222020200112233445" not in event.after_json and "学员甲" not in event.after_json
    assert "payee_account" not in after and "sealed" in after
    assert after["payee_account_masked"] == "6222***********3445" and after["amount_fen"] == 65000


def test_the_limits_count_claims_here_and_elsewhere_and_the_twelve_months(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲乙")
    person = c.people[0].uuid
    with ctx.db.write() as s:
        for i, status in enumerate(("paid", "approved", "returned")):
            s.add(SubsidyElsewhere(claim_uuid=f"c-{i}", trainee_uuid=person, station_code="320703-01",
                                   occupation_code="4-03-02-02", occupation_name="中式面点师", level="5",
                                   status=status, received_at="2026-03-01T00:00:00Z"))
    row = ctx.subsidy.explain(c.enrolments[0].uuid)
    assert row.eligible and any(r.startswith("补贴次数：这是第 3 次培训补贴") for r in row.reasons)
    with ctx.db.write() as s:
        s.add(SubsidyElsewhere(claim_uuid="c-9", trainee_uuid=person, station_code="320704-02",
                               occupation_code="6-31-01-03", occupation_name="电工", level="5", status="submitted",
                               received_at="2026-03-01T00:00:00Z"))
    with pytest.raises(NotClaimable, match="补贴次数：已享受 3 次培训补贴"):
        ctx.subsidy.create(c.enrolments[0].uuid)
    # exactly twelve months after the certificate date still counts, the day after does not
    issued = c.issued[1].issue_date
    clock.set(local(issued.replace(year=issued.year + 1), "09:00"))
    assert ctx.subsidy.explain(c.enrolments[1].uuid).eligible
    clock.set(local(issued.replace(year=issued.year + 1) + timedelta(days=1), "09:00"))
    later = ctx.subsidy.explain(c.enrolments[1].uuid)
    assert not later.eligible and later.reasons[0].startswith("申请期限：发证后 12 个月内")
    assert date(2026, 3, 11) == issued


def test_missing_evidence_blocks_the_claim(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲")
    with ctx.db.write() as s:
        s.execute(text("UPDATE enrollment SET evidence_number = NULL WHERE uuid = :u"), {"u": c.enrolments[0].uuid})
    with pytest.raises(NotClaimable, match="人员类别证明材料：待补证明材料"):
        ctx.subsidy.create(c.enrolments[0].uuid)
    assert trainee(ctx, 201, "学员甲").uuid == c.people[0].uuid


def test_a_withdrawn_enrolment_is_listed_and_says_why(demo_context, clock):
    ctx = demo_context
    c = claimable_class(ctx, clock, "甲乙")
    with ctx.db.write() as s:
        s.execute(text("UPDATE enrollment SET status = 'withdrawn' WHERE uuid = :u"), {"u": c.enrolments[1].uuid})
    first, second = ctx.subsidy.check(c.klass.code)
    assert first.eligible and not second.eligible
    assert second.reasons[0] == "报名：已退班，不能申请"
    # a withdrawn claim stands in nobody's way: the enrolment may be claimed again
    claim = ctx.subsidy.create(first.enrollment_uuid)
    login(ctx, "reviewer")
    ctx.subsidy.withdraw(claim.number, "填错")
    again = ctx.subsidy.create(first.enrollment_uuid)
    assert again.number.endswith("-00002") and ctx.subsidy.explain(first.enrollment_uuid).claim_number == again.number
