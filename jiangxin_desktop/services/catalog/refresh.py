"""Bring a station's copy of the shipped example catalog up to this release's.

The example catalog is installed into the database when a station is set up. A later release
may add to it without changing its version (the subsidy standards for 岗前 and 新型学徒制, the
plan's targets): a station set up earlier would show no targets on its 统计 page and refuse claims
the new standards allow. When the active catalog is the shipped one (source "shipped") of the
same version and its content differs, the shipped file replaces it (``catalog.install``, audited).
A catalog the city published or an administrator imported is never touched.
"""

from __future__ import annotations

from sqlalchemy import select

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.services.catalog.training import (
    CatalogService,
    read_catalog_file,
    shipped_catalog_path,
)
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.models import CatalogRecord

SHIPPED = "shipped"


def refresh_shipped_catalog(db: Database, codes: CodeCatalog) -> bool:
    """True when the station's shipped example catalog was replaced by this release's."""
    data, digest = read_catalog_file(shipped_catalog_path())
    with db.read() as session:
        active = session.scalar(select(CatalogRecord).where(CatalogRecord.active.is_(True)))
        if (active is None or active.source != SHIPPED or active.version != str(data.get("version", "")).strip()
                or active.sha256 == digest):
            return False
    CatalogService(db, codes)._install(data, digest, source=SHIPPED, actor="system",
                                       signature={"refreshed": "本版程序随附的示例目录"})
    return True
