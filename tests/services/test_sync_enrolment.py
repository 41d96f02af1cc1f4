"""Importing the city's enrolment file: only the administrator, only this station's, only while
valid; pasted text works too; another file replaces the active enrolment (audited)."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select, text

from jiangxin_desktop import envelope
from jiangxin_desktop.protocol.batch import REGISTRATION, read_registration
from jiangxin_desktop.services.security.roles import PermissionDenied
from jiangxin_desktop.services.security.signing import active_public_key
from jiangxin_desktop.services.sync import SyncError
from jiangxin_desktop.store.models import AuditEvent
from tests.services.sync_city import act, city, city_keys, enrol, enrolment_document, station  # noqa: F401

URL = "https://127.0.0.1:9"


def write(tmp_path, document: bytes, name: str = "注册文件.json"):
    path = tmp_path / name
    path.write_bytes(document)
    return path


def test_the_registration_carries_the_station_key_and_token_sealed_to_the_city(station, city, tmp_path):
    ctx = station
    enrol(ctx, city, URL, tmp_path)
    info = ctx.sync.enrolment()
    assert (info.city_name, info.url, info.station_code, info.registered_at) == ("连云港市", URL, ctx.station.code, None)
    with ctx.db.read() as session:
        sealed = session.execute(text("SELECT registration FROM sync_enrolment WHERE active")).scalar_one()
    inner = envelope.decrypt(sealed, recipient=city.keys.encryption)
    registration = read_registration(envelope.unverified(inner).document)
    public = active_public_key(ctx.db)
    assert (registration.key_id, registration.public_key, registration.token) == (
        public.key_id, public.public_key, "one-time-token-1")
    assert envelope.unverified(inner).typ == REGISTRATION and envelope.unverified(inner).kid == public.key_id


def test_only_the_administrator_imports_an_enrolment(station, city, tmp_path):
    path = write(tmp_path, enrolment_document(city.keys, url=URL, station=station.station.code))
    with pytest.raises(PermissionDenied):
        station.sync.enrol(path)


@pytest.mark.parametrize("change, said", [
    ({"station": "320706999"}, "是发给服务站 320706999 的，本站编码是"),
    ({"expires": "2026-11-30T00:00:00Z"}, "已于 2026-11-30 过期"),
    ({"url": "http://127.0.0.1:9"}, "不是 https 地址"),
])
def test_a_wrong_file_is_refused_with_what_to_do(station, city, tmp_path, change, said):
    ctx = station
    options = {"url": URL, "station": ctx.station.code, **change}
    path = write(tmp_path, enrolment_document(city.keys, **options))
    act(ctx, "admin")
    with pytest.raises(SyncError, match=said) as caught:
        ctx.sync.enrol(path)
    assert "注册文件.json" in caught.value.message
    assert ctx.sync.enrolment() is None


def test_garbage_and_a_tampered_key_are_refused(station, city, tmp_path):
    ctx = station
    act(ctx, "admin")
    with pytest.raises(SyncError, match="不是有效的注册文件"):
        ctx.sync.enrol(write(tmp_path, b'{"type": "jiangxin.batch"}'))
    with pytest.raises(SyncError, match="不是市里的注册文件"):
        ctx.sync.enrol("随便写的字")
    for missing in (str(tmp_path / "没有这个文件.json"), "E:\\注册文件", "加入.json"):
        with pytest.raises(SyncError, match="找不到注册文件"):
            ctx.sync.enrol(missing)
    document = json.loads(enrolment_document(city.keys, url=URL, station=ctx.station.code))
    document["city"]["signing_key"]["kid"] = "not-the-thumbprint"
    with pytest.raises(SyncError, match="市里公钥有误"):
        ctx.sync.enrol(write(tmp_path, json.dumps(document).encode()))


def test_pasted_text_and_pasted_code_are_accepted(station, city, tmp_path):
    ctx = station
    act(ctx, "admin")
    document = enrolment_document(city.keys, url=URL, station=ctx.station.code)
    assert ctx.sync.enrol(document.decode("utf-8")).city_name == "连云港市"
    other = enrolment_document(city.keys, url=URL, station=ctx.station.code,
                               enrolment_id="0193a4c2-5b1e-7c3d-8e4f-000000000002")
    code = base64.urlsafe_b64encode(other).decode().rstrip("=")
    wrapped = "\n".join(code[i:i + 64] for i in range(0, len(code), 64))
    assert ctx.sync.enrol(wrapped).enrolment_id.endswith("000000000002")


def test_another_file_replaces_the_active_enrolment_and_the_same_file_again_changes_nothing(station, city, tmp_path):
    ctx = station
    path = enrol(ctx, city, URL, tmp_path)
    act(ctx, "admin")
    ctx.sync.enrol(path)  # again: nothing new
    second = write(tmp_path, enrolment_document(city.keys, url=URL, station=ctx.station.code, token="t2",
                                                enrolment_id="0193a4c2-5b1e-7c3d-8e4f-000000000002"))
    info = ctx.sync.enrol(second)
    assert info.enrolment_id.endswith("000000000002") and info.registered_at is None
    with ctx.db.read() as session:
        rows = session.execute(text("SELECT enrolment_id, active FROM sync_enrolment ORDER BY seq")).all()
        events = list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("sync.%"))))
    assert [bool(r.active) for r in rows] == [False, True]
    assert events == ["sync.enrol", "sync.reenrol"]


def test_every_sync_event_has_words_in_the_sync_log_and_in_the_audit_page():
    import re
    from pathlib import Path

    from jiangxin_desktop.services.audit.display import ACTION_LABELS
    from jiangxin_desktop.services.station.settings import VALIDATORS
    from jiangxin_desktop.services.sync import overview

    source = Path(overview.__file__).parent
    named = {m for path in source.glob("*.py") if path.name != "overview.py"
             for m in re.findall(r'"(sync\.[a-z_]+)"', path.read_text(encoding="utf-8"))}
    written = named - set(VALIDATORS)  # the settings' keys are no events
    assert {"sync.enrol", "sync.batch", "sync.confirmed", "sync.rejected", "sync.failed"} <= written
    assert written <= set(overview._SUMMARIES) <= set(ACTION_LABELS), written - set(overview._SUMMARIES)
