from dataclasses import replace

import pytest

from jiangxin_desktop.services.registry.trainees import TraineeInput


def test_demo_context_registers_and_finds(demo_context):
    rec = demo_context.registry.register(
        TraineeInput(
            name="张小明",
            id_number="320706199001011230",
            phone="13812345678",
            target_group="31",
            consent=True,
        )
    )
    rows = demo_context.search.page("小明")
    assert rec.uuid in [r.uuid for r in rows]


def test_who_acts_is_kept_in_one_place(demo_context):
    """Every service reads the acting user from ``ctx.acting``: changing it there changes whose
    name the registry's audit events carry and whose role its checks use; no copy lags behind."""
    from sqlalchemy import select

    from jiangxin_desktop.services.security.roles import PermissionDenied
    from jiangxin_desktop.store.models import AuditEvent
    from tests.conftest import DEMO_PASSWORD

    from jiangxin_desktop.services.demo.seed import id_with_check

    ctx = demo_context
    person = TraineeInput(
        name="王一鸣", id_number=id_with_check("32070619900101124"), phone="13812345679", target_group="31"
    )
    record = ctx.registry.register(replace(person, consent=True))
    ctx.registry.deactivate(record.uuid, "重复登记")
    with pytest.raises(PermissionDenied, match="恢复已注销的学员"):
        ctx.registry.reactivate(record.uuid)  # the clerk may not
    ctx.acting.user = ctx.users.authenticate("reviewer", DEMO_PASSWORD)
    assert ctx.user is ctx.acting.user and ctx.actor == "reviewer"
    ctx.registry.reactivate(record.uuid)
    ctx.acting.user = None
    assert ctx.actor == ctx.system_actor
    with pytest.raises(PermissionDenied, match="请先登录"):
        ctx.registry.deactivate(record.uuid, "重复登记")
    with ctx.db.read() as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.actor)
            .where(AuditEvent.object_id == record.uuid)
            .order_by(AuditEvent.seq)
        ).all()
    assert [tuple(e) for e in events] == [
        ("trainee.register", "clerk"),
        ("trainee.deactivate", "clerk"),
        ("trainee.reactivate", "reviewer"),
    ]
