"""A station set up by an older release gets this release's code aliases (issue 15: older
stations kept asking roster questions that newer ones answer by themselves)."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.services.catalog.codes import CATALOG_DIGEST_KEY, refresh_shipped_codes
from jiangxin_desktop.store.models import AuditEvent, CodeEntry
from tests.conftest import no_passphrase


def aliases(ctx, code: str) -> list[str]:
    with ctx.db.read() as s:
        entry = s.scalar(select(CodeEntry).where(CodeEntry.list_name == "target_group", CodeEntry.code == code))
    return json.loads(entry.extra_json).get("aliases", [])


def test_an_older_copy_of_the_same_version_is_brought_up_to_date(demo_context):
    assert "农民工" in aliases(demo_context, "11")
    with demo_context.db.write() as s:  # as a station set up before the aliases shipped
        entry = s.scalar(select(CodeEntry).where(CodeEntry.list_name == "target_group", CodeEntry.code == "11"))
        extra = json.loads(entry.extra_json)
        extra["aliases"] = []
        entry.extra_json = json.dumps(extra, ensure_ascii=False)
        s.execute(text("DELETE FROM meta WHERE key = :k"), {"k": CATALOG_DIGEST_KEY})
    paths = demo_context.paths
    demo_context.close()
    ctx = open_context(paths, no_passphrase)
    try:
        assert "农民工" in aliases(ctx, "11")
        assert ctx.codes["target_group"]  # loaded after the refresh
        with ctx.db.read() as s:
            assert s.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)) == "catalog.codes.refresh"
        assert refresh_shipped_codes(ctx.db) is False  # once: the next start writes nothing
    finally:
        ctx.close()


def test_another_version_is_left_alone(demo_context):
    with demo_context.db.write() as s:
        s.execute(text("UPDATE meta SET value = '2026.3' WHERE key = 'code_catalog_version'"))
        s.execute(text("DELETE FROM meta WHERE key = :k"), {"k": CATALOG_DIGEST_KEY})
    assert refresh_shipped_codes(demo_context.db) is False
