"""Recording a follow-up: what is refused and why, a correction audited with before and after,
the person's fields sealed in the audit copies, and the outbox entries at a real station."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time

import pytest
from sqlalchemy import select, text

from jiangxin_desktop.errors import KnownError, ValidationError
from jiangxin_desktop.services.followup import FollowupInput
from jiangxin_desktop.services.security.sealing import unseal
from jiangxin_desktop.store.models import AuditEvent
from tests.conftest import open_travelling_station
from tests.services.classes_helpers import login
from tests.services.followup_helpers import finished_class

THREE = date(2026, 6, 11)  # the 3-month follow-up of the class ending 2026-03-11
USCC = "91320700MA1MX4L20L"


@pytest.fixture
def finished(demo_context, clock):
    made = finished_class(demo_context, clock, date(2026, 3, 2))
    clock.set(datetime.combine(THREE, time(10, 0)))
    return made


def refused(ctx, enrolment, period, data) -> str:
    with pytest.raises(KnownError) as caught:
        ctx.followups.record(enrolment.uuid, period, data)
    return caught.value.message


def test_what_is_refused_and_why(demo_context, finished):
    ctx, e = demo_context, finished.enrolments[0]
    ok = FollowupInput("受雇就业", THREE)
    assert "回访期：应为 3 个月、6 个月 之一，现在是 4" in refused(ctx, e, 4, ok)
    said = refused(ctx, e, 3, FollowupInput("搬砖", THREE, contract_type="口头", wage_band="很多"))
    assert "回访结果：“搬砖”不是可选的回访结果，应为 受雇就业、自主创业、灵活就业、未就业、联系不上 之一" in said
    assert "用工形式：“口头”不是可选的用工形式" in said and "月工资：“很多”不是可选的月工资" in said
    assert "回访结果：请选择回访结果" in refused(ctx, e, 3, FollowupInput("", THREE))
    assert "统一社会信用代码：统一社会信用代码校验位错误" in refused(ctx, e, 3, replace(ok, employer_uscc=USCC[:-1] + "B"))
    assert "回访日期：2026-06-12 晚于今天" in refused(ctx, e, 3, replace(ok, contacted_on=date(2026, 6, 12)))
    assert "早于培训班结业（2026-03-11）" in refused(ctx, e, 3, replace(ok, contacted_on=date(2026, 3, 10)))
    assert ctx.followups.list() == []


def test_codes_labels_and_aliases_are_all_accepted(demo_context, finished):
    ctx = demo_context
    for e, outcome in zip(finished.enrolments, ("employed", "创业", "失联"), strict=True):
        ctx.followups.record(e.uuid, 3, FollowupInput(outcome, THREE, contract_type="LABOUR", wage_band=" 2000元以下 "))
    records = ctx.followups.list(class_code=finished.klass.code)
    assert [(r.outcome, r.outcome_label, r.employed) for r in records] == [
        ("unreachable", "联系不上", False), ("self_employed", "自主创业", True), ("employed", "受雇就业", True)]
    assert {(r.contract_type, r.contract_label, r.wage_band, r.wage_label) for r in records} == {
        ("labour", "劳动合同", "lt2000", "2000元以下")}
    assert [r.trainee_name for r in ctx.followups.list(trainee_uuid=finished.people[0].uuid)] == ["学员甲"]
    with pytest.raises(KnownError, match="找不到培训班 NO-SUCH"):
        ctx.followups.list(class_code="NO-SUCH")


def test_only_finished_classes_and_enrolled_people_are_followed_up(demo_context, finished):
    ctx = demo_context
    e = finished.enrolments[1]
    with ctx.db.write() as s:
        s.execute(text("UPDATE enrollment SET status = 'withdrawn' WHERE uuid = :u"), {"u": e.uuid})
    assert "已从培训班" in refused(ctx, e, 3, FollowupInput("未就业", THREE))
    with ctx.db.write() as s:
        s.execute(text("UPDATE training_class SET status = 'training'"))
    assert "尚未结业" in refused(ctx, finished.enrolments[0], 3, FollowupInput("未就业", THREE))


def test_a_correction_is_audited_with_before_and_after_and_personal_fields_sealed(demo_context, finished):
    ctx, e = demo_context, finished.enrolments[0]
    first = ctx.followups.record(e.uuid, 3, FollowupInput("未就业", THREE, note="在家照顾老人"))
    assert (first.version, first.recorded_by) == (1, "clerk")
    login(ctx, "reviewer")
    same = ctx.followups.record(e.uuid, 3, FollowupInput("待业", THREE, note="在家照顾老人"))
    assert same.version == 1  # nothing changed: nothing written
    fixed = ctx.followups.record(e.uuid, 3, FollowupInput("受雇就业", THREE, "连云港康养中心", USCC.lower(),
                                                          "劳动合同", "3000–5000元", "已上班"))
    assert (fixed.version, fixed.outcome, fixed.employer_uscc, fixed.recorded_by) == (2, "employed", USCC, "reviewer")
    assert len(ctx.followups.list()) == 1
    with ctx.db.read() as s:
        audited = list(s.scalars(select(AuditEvent).where(AuditEvent.action.startswith("followup."))
                                 .order_by(AuditEvent.seq)))
        assert [a.action for a in audited] == ["followup.record", "followup.correct"]
        before, after = json.loads(audited[1].before_json), json.loads(audited[1].after_json)
        assert (before["outcome"], after["outcome"]) == ("not_employed", "employed")
        assert "学员甲" not in audited[1].after_json and "已上班" not in audited[1].after_json
        assert "trainee_name" not in after and "note" not in after and "employer_uscc" not in after
        opened = unseal(s, after)
        assert (opened["trainee_name"], opened["note"], opened["employer_uscc"]) == ("学员甲", "已上班", USCC)


def test_every_role_records_follow_ups(demo_context, finished):
    ctx = demo_context
    login(ctx, "admin")
    assert ctx.followups.record(finished.enrolments[0].uuid, 3, FollowupInput("灵活", THREE)).recorded_by == "admin"
    ctx.act_as(None)
    with pytest.raises(KnownError):
        ctx.followups.due()


def test_at_a_real_station_each_write_is_followed_by_its_outbox_entry(data_paths, clock):
    ctx = open_travelling_station(data_paths, clock, 10)
    try:
        made = finished_class(ctx, clock, date(2026, 3, 2))
        clock.set(datetime.combine(THREE, time(10, 0)))
        e = made.enrolments[0]
        with ctx.db.read() as s:
            last = s.execute(text("SELECT max(seq) FROM outbox")).scalar_one()
        row = ctx.followups.record(e.uuid, 3, FollowupInput("受雇就业", THREE))
        row = ctx.followups.record(e.uuid, 3, FollowupInput("灵活就业", THREE))
        with ctx.db.read() as s:
            entries = s.execute(text("SELECT entity, entity_uuid, version, operation FROM outbox WHERE seq > :s "
                                     "ORDER BY seq"), {"s": last}).all()
        assert [tuple(x) for x in entries] == [("follow_up", row.uuid, 1, "upsert"), ("follow_up", row.uuid, 2, "upsert")]
    finally:
        ctx.close()


def test_a_validation_error_lists_every_field(demo_context, finished):
    with pytest.raises(ValidationError) as caught:
        demo_context.followups.record(finished.enrolments[0].uuid, 3,
                                      FollowupInput("？", date(2027, 1, 1), wage_band="？"))
    assert [e.field for e in caught.value.errors] == ["回访结果", "月工资", "回访日期"]
