"""What the station refuses from the real city's side of the wire: a receipt not signed by the
city, and catalogs that are forged, stale (a replayed older version) or unsigned, whether they come
over HTTPS or on a USB stick. Each is refused with a Chinese sentence, audited at the station,
and changes nothing: the batch stays 已发送, the catalog in use stays the one accepted before.

The forgeries are put where the city's receiver serves from (its database), as a compromised
city server or a man in the middle could.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text, update

from jiangxin_desktop.envelope import sign, unverified
from jiangxin_desktop.protocol.batch import CATALOG
from jiangxin_desktop.services.sync import SyncError
from tests.sync_faults.fault_proxy import Fault
from tests.sync_faults.hostile import built, city_batches_receipt, register_station
from tests.sync_faults.world import assert_converged, station_audit, station_batches


def test_a_forged_receipt_is_not_believed_and_the_genuine_one_later_is(make_world):
    """The city's stored receipt is replaced by one signed with another key (the city's key id):
    the station keeps the batch 已发送, says why, audits it; the genuine receipt then confirms."""
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 3)
    world.proxy.plan([Fault.lose_response()])  # stored at the city; its receipt never arrives
    assert world.ctx.sync.sync_now().failed
    genuine = city_batches_receipt(world, batch.batch_id)
    opened = unverified(genuine)
    forged = sign(opened.document, signer=Ed25519PrivateKey.generate(), kid=world.city.signing_kid,
                  typ="jiangxin.receipt")
    set_receipt(world, batch.batch_id, forged)
    world.clock.advance(hours=2)
    result = world.ctx.sync.sync_now()
    assert result.failed and "回执未通过验证" in result.failed and "签名不符" in result.failed, result.failed
    [info] = world.ctx.sync.batches()
    assert info.status_label == "已发送" and info.confirmed_at is None
    assert station_audit(world.ctx, "sync.receipt_refused")[-1]["code"] == "bad_signature"
    set_receipt(world, batch.batch_id, genuine)
    world.clock.advance(hours=2)
    assert world.ctx.sync.sync_now().failed is None
    assert_converged(world)


def set_receipt(world, batch_id: str, token: str) -> None:
    from jiangxin_desktop.city import schema

    receiver = world.receiver()
    try:
        with receiver.store.transaction() as connection:
            connection.execute(update(schema.batch).where(schema.batch.c.batch_id == batch_id)
                               .values(receipt=token))
    finally:
        receiver.close()


def station_catalog(version: str) -> dict:
    """The training catalog the program ships, as a city would publish it."""
    from jiangxin_desktop.paths import resources_dir

    data = json.loads((resources_dir() / "catalogs" / "training.json").read_text(encoding="utf-8"))
    return {**data, "version": version, "example": False, "published_by": "连云港市人社局"}


def serve_catalog(world, version: str, token: str) -> None:
    """Put ``token`` where the city's receiver serves catalog ``version`` from (as a compromised
    city database, or a man in the middle, could)."""
    receiver = world.receiver()
    try:
        with receiver.store.transaction() as connection:
            connection.execute(text("INSERT INTO catalog (version, published_at, published_by, jws) "
                                    "VALUES (:v, '2026-12-03T00:00:00.000Z', 'intruder', :t)"),
                               {"v": version, "t": token})
    finally:
        receiver.close()


def test_forged_and_stale_catalogs_are_refused_at_the_station_and_audited(make_world, tmp_path):
    """The city publishes the catalog the program ships (decimals and all) and the station takes
    it on sync; then a forged one (another key under the city's key id), the genuine one replayed
    as if newer, and unsigned JSON are each refused, audited, and the catalog in use stays."""
    from jiangxin_desktop.city.catalog import publish_catalog

    world = make_world(killable=False)
    receiver = world.receiver()
    try:
        genuine = publish_catalog(receiver, station_catalog("2027.1"), "2027.1", published_by="test")
    finally:
        receiver.close()
    first = world.ctx.sync.sync_now()
    assert first.failed is None and first.catalog_version == "2027.1"
    taken = world.ctx.catalogs.active()
    assert taken.version == "2027.1" and taken.rules.attendance_threshold == 0.8
    # 2027.9: signed with another key under the city's key id
    document = json.loads(unverified(genuine).document)
    forged_catalog = {**station_catalog("2027.9"), "rules": {**station_catalog("2027.9")["rules"],
                                                             "attendance_threshold": 0.1}}
    forged = sign(json.dumps({**document, "version": "2027.9",
                              "catalog_json": json.dumps(forged_catalog, ensure_ascii=False)},
                             ensure_ascii=False).encode(), signer=Ed25519PrivateKey.generate(),
                  kid=world.city.signing_kid, typ=CATALOG)
    serve_catalog(world, "2027.9", forged)
    forged_run = world.ctx.sync.sync_now()
    assert forged_run.failed is None and forged_run.catalog_version is None  # batches go; the catalog not
    assert any("培训目录未通过验证" in m and "签名不符" in m for m in forged_run.messages), \
        forged_run.messages
    # 2027.10: the city's genuine 2027.1 served again as if it were newer (a replay)
    serve_catalog(world, "2027.10", genuine)
    stale_run = world.ctx.sync.sync_now()
    assert any("版本 2027.1 不比本站已采用的 2027.1 新" in m for m in stale_run.messages), stale_run.messages
    # 2027.11: unsigned JSON where a signed catalog belongs
    serve_catalog(world, "2027.11", json.dumps(station_catalog("2027.11")))
    unsigned_run = world.ctx.sync.sync_now()
    assert any("培训目录未通过验证" in m for m in unsigned_run.messages), unsigned_run.messages
    assert world.ctx.catalogs.active().version == "2027.1"
    assert world.ctx.catalogs.active().rules.attendance_threshold == 0.8
    assert [e["code"] for e in station_audit(world.ctx, "sync.catalog_refused")] == \
        ["bad_signature", "not_newer", "malformed"]
    # the same forgery on a USB stick (catalog.jws) is refused the same way
    path = tmp_path / "catalog.jws"
    path.write_text(forged)
    with pytest.raises(SyncError, match="签名不符"):
        world.ctx.sync.import_catalog(path)
    assert station_audit(world.ctx, "sync.catalog_refused")[-1]["code"] == "bad_signature"
    assert world.ctx.catalogs.active().version == "2027.1"


def test_forged_and_swapped_receipts_on_a_usb_stick_are_refused_genuine_ones_taken(make_world, tmp_path):
    """The USB way (sync export, the city's import, sync import-receipts): one receipt re-signed
    with another key, another replaced by the city's genuine receipt of a different batch. Those
    two batches stay 已发送, each refusal is audited with its reason; the third is 已确认. The
    city's genuine receipts, written again by a second import, then confirm the rest."""
    from jiangxin_desktop.city.usb import import_folder

    world = make_world(killable=False)
    built(world, 6, per_batch=2)
    usb = tmp_path / "usb"
    usb.mkdir()  # the stick is there
    exported = world.ctx.sync.export_to(usb)
    assert exported.batches == 3 and exported.registration
    receiver = world.receiver()
    try:
        import_folder(receiver, usb)
    finally:
        receiver.close()
    first, second, third = station_batches(world.ctx)
    receipts = usb / "jiangxin-sync" / world.station_code / "receipts"
    genuine = {b.batch_id: (receipts / f"{b.batch_id}.jws").read_text() for b in (first, second, third)}
    opened = unverified(genuine[second.batch_id])
    (receipts / f"{second.batch_id}.jws").write_text(
        sign(opened.document, signer=Ed25519PrivateKey.generate(), kid=world.city.signing_kid,
             typ="jiangxin.receipt"))
    (receipts / f"{third.batch_id}.jws").write_text(genuine[first.batch_id])
    result = world.ctx.sync.import_receipts(usb)
    assert result.registered and result.confirmed == 1 and result.failed
    assert any("回执未通过验证" in m and "签名不符" in m for m in result.messages), result.messages
    assert any("回执说的不是这一批" in m for m in result.messages), result.messages
    statuses = {b.batch_id: b.status_label for b in world.ctx.sync.batches()}
    assert statuses == {first.batch_id: "已确认", second.batch_id: "已发送", third.batch_id: "已发送"}
    refusals = {e["object_id"]: e["code"] for e in station_audit(world.ctx, "sync.receipt_refused")}
    assert refusals[second.batch_id] == "bad_signature"
    assert refusals[third.batch_id].startswith("wrong_batch")
    receiver = world.receiver()
    try:
        import_folder(receiver, usb)  # the city writes its receipts again: the same, genuine ones
    finally:
        receiver.close()
    assert world.ctx.sync.import_receipts(usb).confirmed == 2
    assert_converged(world)
