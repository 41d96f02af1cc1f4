"""A station set up with an earlier release's example catalog gets this release's (same version,
new content: the plan's targets, new standards); a catalog the city published or an
administrator imported is never replaced."""

from __future__ import annotations

import json

from sqlalchemy import select

from jiangxin_desktop.context import open_context
from jiangxin_desktop.services.catalog.refresh import refresh_shipped_catalog
from jiangxin_desktop.store.models import AuditEvent, CatalogRecord
from tests.conftest import DEMO_PASSWORD, no_passphrase


def _age_the_shipped_catalog(ctx, source: str = "shipped") -> None:
    """Make the active catalog look as an earlier release installed it: no plan, other bytes."""
    with ctx.db.write() as session:
        row = session.scalar(select(CatalogRecord).where(CatalogRecord.active.is_(True)))
        content = json.loads(row.content_json)
        content.pop("plan")
        row.content_json, row.sha256, row.source = json.dumps(content, ensure_ascii=False), "0" * 64, source
    ctx.catalogs._cached = None


def test_an_older_copy_of_the_shipped_catalog_is_brought_up_to_date(demo_context, data_paths):
    ctx = demo_context
    _age_the_shipped_catalog(ctx)
    assert ctx.catalogs.active().plan.targets == {}
    ctx.close()
    again = open_context(data_paths, no_passphrase)
    try:
        again.login("clerk", DEMO_PASSWORD)
        assert again.catalogs.active().plan.targets["person_times"] == 100_000
        with again.db.read() as session:
            rows = session.scalars(select(CatalogRecord).order_by(CatalogRecord.seq)).all()
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "catalog.install")).all()
        assert [r.active for r in rows] == [False, True] and rows[-1].source == "shipped"
        assert "本版程序随附的示例目录" in (events[-1].after_json or "")
        assert refresh_shipped_catalog(again.db, again.codes) is False  # once is enough
    finally:
        again.close()


def test_an_imported_catalog_is_left_alone(demo_context):
    ctx = demo_context
    _age_the_shipped_catalog(ctx, source="city-2026.json")
    assert refresh_shipped_catalog(ctx.db, ctx.codes) is False
    assert ctx.catalogs.active().plan.targets == {}
