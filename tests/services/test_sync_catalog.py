"""Catalogs down from the city: signed ones are taken on sync (or from a file), a forged or stale
one is refused with a clear message and audited; an unsigned file stays an administrator's act."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.services.sync import SyncError
from jiangxin_desktop.store.models import AuditEvent
from tests.services.sync_city import CityServer, act, city, city_keys, enrol, station  # noqa: F401


def city_catalog(version: str) -> dict:
    data = json.loads((resources_dir() / "catalogs" / "training.json").read_text(encoding="utf-8"))
    return {**data, "version": version, "example": False, "published_by": "连云港市人社局"}


def events(ctx, action: str) -> list[dict]:
    with ctx.db.read() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
        return [json.loads(e.after_json or "{}") for e in rows]


def test_a_newer_signed_catalog_is_taken_on_sync_and_recorded(station, city, tmp_path):
    ctx = station
    city.publish(city_catalog("2027.1"), 1)
    with CityServer(city) as server:
        enrol(ctx, city, server.url, tmp_path)
        result = ctx.sync.sync_now()
        assert result.catalog_version == "1" and ctx.catalogs.active().version == "2027.1"
        assert ctx.sync.sync_now().catalog_version is None  # asked with after=1: nothing newer
    assert city.requests[-2:] == ["GET /v1/catalog", "POST /v1/decisions"]
    assert ctx.sync.status().catalog_version == "1"
    [installed] = [e for e in events(ctx, "catalog.install") if e.get("signed")]
    assert installed["version"] == "2027.1" and installed["key_id"] == city.keys.signing_kid
    assert "采用市里签名的培训目录 1" in [e.summary for e in ctx.sync.log()]

    from jiangxin_desktop.services.audit.display import ACTION_LABELS

    written = {e.action for e in ctx.sync.log(500)}
    assert written <= set(ACTION_LABELS), written - set(ACTION_LABELS)  # 操作日志 names them in Chinese


def test_a_stale_or_forged_catalog_file_is_refused_and_audited(station, city, tmp_path):
    ctx = station
    enrol(ctx, city, "https://127.0.0.1:9", tmp_path)
    newer, older = tmp_path / "catalog.jws", tmp_path / "old.jws"
    older.write_text(city.publish(city_catalog("2027.1"), 1))
    newer.write_text(city.publish(city_catalog("2027.2"), 2))
    assert ctx.sync.import_catalog(newer).version == "2"
    with pytest.raises(SyncError, match="版本 1 不比本站已采用的 2 新"):
        ctx.sync.import_catalog(older)
    forged = tmp_path / "forged.jws"
    forged.write_text(city.publish(city_catalog("2027.9"), 9, signer=Ed25519PrivateKey.generate()))
    with pytest.raises(SyncError, match="培训目录未通过验证.*签名不符"):
        ctx.sync.import_catalog(forged)
    assert ctx.catalogs.active().version == "2027.2"
    assert [e["code"] for e in events(ctx, "sync.catalog_refused")] == ["not_newer", "bad_signature"]


def test_an_unsigned_catalog_file_is_the_administrators_act_and_marked_so(station, tmp_path):
    ctx = station
    path = tmp_path / "目录.json"
    path.write_text(json.dumps(city_catalog("2027.5"), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PermissionDenied):
        ctx.catalogs.import_file(ctx.user, path)
    act(ctx, "admin")
    ctx.catalogs.import_file(ctx.user, path)
    last = events(ctx, "catalog.install")[-1]
    assert last["signed"] is False and last["note"] == "未签名导入" and last["version"] == "2027.5"
