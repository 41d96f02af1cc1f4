"""Catalogs the city publishes, signed with its key: checked, then installed through the catalog
service, and recorded in ``sync_catalog`` in the same transaction.

The JWS (typ ``jiangxin.catalog``) holds ``{"type": "jiangxin.catalog", "version",
"published_at", "catalog_json": "<the catalog file as JSON text>"}`` as the city publishes it
(also read: ``"catalog": {…}``, or the catalog file itself with its ``version``). A version not newer than the last one accepted from the city is
refused (a replayed or stale file), as is a bad signature; both are audited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop import envelope
from jiangxin_desktop.protocol.batch import CATALOG
from jiangxin_desktop.services.sync.enrolment import City
from jiangxin_desktop.services.sync.model import CatalogInfo, SyncError
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.sync_models import SyncCatalog


@dataclass(frozen=True)
class SignedCatalog:
    version: str
    published_at: str
    catalog: dict[str, Any]
    token: str
    kid: str


def version_key(version: str) -> tuple[int, ...]:
    """"2026.2" < "2026.10" < "2027.1": the numbers in the version, in order."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def newer(version: str, than: str) -> bool:
    mine, theirs = version_key(version), version_key(than)
    return mine > theirs if mine != theirs else version > than


def last_version(session: Session) -> str | None:
    return session.scalar(select(SyncCatalog.version).order_by(SyncCatalog.seq.desc()).limit(1))


def read_signed(token: str, city: City, *, now_iso: str) -> SignedCatalog:
    """The catalog in ``token`` once its signature is the city's (SyncError otherwise)."""
    try:
        opened = envelope.verify(token, key_for_kid=city.key_for_kid, typ=CATALOG)
        document = json.loads(opened.document)
    except envelope.EnvelopeError as exc:
        raise SyncError(f"市里发来的培训目录未通过验证，未导入：{exc.user_message}", detail=exc.code) from None
    except ValueError:
        raise SyncError("市里发来的培训目录内容无法读取，未导入。", detail="invalid_document") from None
    if not isinstance(document, dict):
        raise SyncError("市里发来的培训目录内容无法读取，未导入。", detail="invalid_document")
    catalog = document.get("catalog") if document.get("type") == CATALOG else document
    if document.get("type") == CATALOG and isinstance(document.get("catalog_json"), str):
        try:  # the city's form: the catalog as JSON text (it holds decimals)
            catalog = json.loads(document["catalog_json"])
        except ValueError:
            raise SyncError("市里发来的培训目录内容无法读取，未导入。", detail="invalid_document") from None
    if not isinstance(catalog, dict) or not str(document.get("version") or catalog.get("version") or "").strip():
        raise SyncError("市里发来的培训目录没有版本号，未导入。", detail="invalid_document")
    version = str(document.get("version") or catalog.get("version")).strip()
    published = str(document.get("published_at") or catalog.get("published_at") or now_iso)
    return SignedCatalog(version, published, catalog, token.strip(), opened.kid)


def accept(db: Database, catalogs: Any, token: str, city: City, *, now_iso: str, actor: str, how: str,
           quiet_if_same: bool = False) -> CatalogInfo | None:
    """Verify, compare versions, install (audited). None when ``quiet_if_same`` and it is the last one."""
    try:
        signed = read_signed(token, city, now_iso=now_iso)
    except SyncError as exc:
        _refused(db, actor, how, exc.detail, None)
        raise
    with db.read() as session:
        last = last_version(session)
        same = session.scalar(select(SyncCatalog.seq).where(SyncCatalog.signed == signed.token))
    if same is not None and quiet_if_same:
        return None
    if last is not None and not newer(signed.version, last):
        _refused(db, actor, how, "not_newer", signed.version)
        raise SyncError(
            f"市里发来的培训目录版本 {signed.version} 不比本站已采用的 {last} 新，未导入"
            "（可能是旧文件被重放）。如确需更换，请联系市里重新发布。"
        )

    def record(session: Session) -> None:
        session.add(SyncCatalog(version=signed.version, published_at=signed.published_at, signed=signed.token,
                                key_id=signed.kid, accepted_at=now_iso, accepted_by=actor))
        audit(session, actor=actor, action="sync.catalog", object_type="catalog", object_id=signed.version,
              after={"version": signed.version, "how": how, "published_at": signed.published_at})

    install: Callable[..., Any] = catalogs.install_published
    install(signed.catalog, source=f"市里签名目录 {signed.version}", actor=actor, key_id=signed.kid, also=record)
    return CatalogInfo(signed.version, signed.published_at, now_iso)


def _refused(db: Database, actor: str, how: str, code: str, version: str | None) -> None:
    with db.write() as session:
        audit(session, actor=actor, action="sync.catalog_refused", object_type="catalog", object_id=version,
              after={"code": code, "how": how})
