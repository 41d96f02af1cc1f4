"""The audit trail is a hash chain: any change made behind the program's back is named."""

from __future__ import annotations

from sqlalchemy import text

from jiangxin_desktop.services.audit.trail import verify_chain
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput


def register_some(ctx, n: int = 3) -> None:
    for i in range(n):
        ctx.registry.register(
            TraineeInput(
                name=f"赵{'一二三四五'[i]}明",
                id_number=id_with_check(f"3207061990010{i + 1}12{i}"),
                phone="13800000000",
                target_group="31",
                consent=True,
            )
        )


def tamper(ctx, *statements: str) -> None:
    """What someone with the key and a SQLite shell could do: drop the guard, edit, restore."""
    with ctx.db.write() as s:
        s.execute(text("DROP TRIGGER audit_event_no_update"))
        s.execute(text("DROP TRIGGER audit_event_no_delete"))
        for statement in statements:
            s.execute(text(statement))


def test_untouched_chain_verifies(demo_context):
    with demo_context.db.read() as s:
        before = s.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
    register_some(demo_context)
    report = verify_chain(demo_context.db)
    assert report.ok and report.events == before + 3


def test_an_edited_event_is_named(demo_context):
    register_some(demo_context)
    tamper(demo_context, "UPDATE audit_event SET actor = 'someone-else' WHERE seq = 4")
    report = verify_chain(demo_context.db)
    assert not report.ok
    assert (report.broken_seq, report.broken_actor) == (4, "someone-else")
    assert "被修改" in report.reason


def test_a_deleted_event_is_named(demo_context):
    register_some(demo_context)
    tamper(demo_context, "DELETE FROM audit_event WHERE seq = 3")
    report = verify_chain(demo_context.db)
    assert (report.ok, report.broken_seq) == (False, 4)
    assert "缺失" in report.reason


def test_a_rewritten_tail_is_still_caught_where_it_starts(demo_context):
    """Editing an event and recomputing only its own hash breaks the next link."""
    from jiangxin_desktop.domain.audit_chain import ChainedEvent, event_hash

    register_some(demo_context)
    with demo_context.db.read() as s:
        row = s.execute(
            text(
                "SELECT seq, at, actor, action, object_type, object_id, before_json, after_json, prev_hash "
                "FROM audit_event WHERE seq = 3"
            )
        ).one()
    forged = ChainedEvent(*row[:2], "someone-else", *row[3:8])
    tamper(
        demo_context,
        f"UPDATE audit_event SET actor = 'someone-else', hash = '{event_hash(forged, row[8])}' WHERE seq = 3",
    )
    report = verify_chain(demo_context.db)
    assert (report.ok, report.broken_seq) == (False, 4)
