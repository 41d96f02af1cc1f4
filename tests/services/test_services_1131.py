"""Services to the unemployed (1131): what each person still is owed, and who is owed services."""

from __future__ import annotations

from datetime import date

import pytest

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.followup import ServiceInput
from tests.services.classes_helpers import person

DAY = date(2026, 11, 20)  # the clock is 2026-12-01


def test_three_referrals_and_the_rest_owed_counted(demo_context):
    ctx = demo_context
    someone = person(ctx, seq=401, name="白失业")  # 31: a 失业人员 category
    summary = ctx.followups.services_of(someone.uuid)
    assert summary.events == []
    assert summary.owed == {"policy": 1, "guidance": 1, "referral": 3, "training": 1}
    assert summary.owed_words == "还差：政策宣讲 1 次、职业指导 1 次、岗位推荐 3 次、培训机会 1 次"
    ctx.followups.record_service(someone.uuid, ServiceInput("岗位推荐", DAY, "养老护理员", "连云港康养中心"))
    ctx.followups.record_service(someone.uuid, ServiceInput("referral", date(2026, 11, 10)))
    summary = ctx.followups.services_of(someone.uuid)
    assert summary.owed["referral"] == 1
    assert [(e.kind_label, e.on_date, e.employer_name) for e in summary.events] == [
        ("岗位推荐", date(2026, 11, 10), None), ("岗位推荐", DAY, "连云港康养中心")]
    ctx.followups.record_service(someone.uuid, ServiceInput("岗位推荐", DAY))
    ctx.followups.record_service(someone.uuid, ServiceInput("岗位推荐", DAY))  # a fourth counts nothing more
    for kind in ("政策宣讲", "职业指导"):
        ctx.followups.record_service(someone.uuid, ServiceInput(kind, DAY))
    summary = ctx.followups.services_of(someone.uuid)
    assert (summary.owed, summary.owed_words) == ({"training": 1}, "还差：培训机会 1 次")
    owed = {r.name: r for r in ctx.followups.owed()}
    assert owed["白失业"].owed_words == "还差：培训机会 1 次" and owed["白失业"].phone == "13800000000"
    ctx.followups.record_service(someone.uuid, ServiceInput("培训机会", DAY, "电工培训班"))
    assert ctx.followups.services_of(someone.uuid).owed_words == "1131 服务已完成"
    assert "白失业" not in {r.name for r in ctx.followups.owed()}


def test_only_unemployed_people_are_owed_services(demo_context):
    ctx = demo_context
    person(ctx, seq=402, name="黄农民", group="11")
    jobless = person(ctx, seq=403, name="蓝失业", group="31")
    names = {r.name for r in ctx.followups.owed()}
    assert "蓝失业" in names and "黄农民" not in names
    groups = {c.code: c.extra.get("group") for c in ctx.codes["target_group"]}
    from sqlalchemy import text

    with ctx.db.read() as s:
        expected = s.execute(text("SELECT count(*) FROM trainee WHERE active = 1 AND target_group IN ("
                                  + ",".join(f"'{c}'" for c, g in groups.items() if g == "失业人员") + ")")).scalar_one()
    assert len(ctx.followups.owed()) == expected
    ctx.registry.deactivate(jobless.uuid, "迁出本市")
    assert "蓝失业" not in {r.name for r in ctx.followups.owed()}


def test_what_is_refused(demo_context):
    ctx = demo_context
    someone = person(ctx, seq=404, name="紫失业")
    with pytest.raises(KnownError, match="服务项目：“面试”不是可选的服务项目"):
        ctx.followups.record_service(someone.uuid, ServiceInput("面试", DAY))
    with pytest.raises(KnownError, match="服务日期：2026-12-02 晚于今天"):
        ctx.followups.record_service(someone.uuid, ServiceInput("政策宣讲", date(2026, 12, 2)))
    with pytest.raises(KnownError, match="找不到该学员"):
        ctx.followups.record_service("no-such-uuid", ServiceInput("政策宣讲", DAY))
