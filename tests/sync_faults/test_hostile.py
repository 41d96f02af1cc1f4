"""Hostile uploads and downloads between a real station and the real city (``city serve`` on
PostgreSQL over HTTPS): tampered, replayed, out of sequence, wrongly keyed and unsigned batches,
forged receipts and forged or stale catalogs. Each is refused with a clear error (JSON with
``error``, ``message`` and a Chinese ``user_message`` at the city; a Chinese sentence at the
station) and audited by the side that refuses; none leaves a row behind, and the station's own
batches still go through afterwards.

The hostile bodies are made from the station's own sealed batches and keys (what a thief of a
station's database, or a man in the middle, would hold), or with fresh keys.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwe
from joserfc.jwk import RSAKey
from sqlalchemy import text, update

from jiangxin_desktop.envelope import rsa_jwk, seal, sign
from jiangxin_desktop.protocol.batch import BATCH, CATALOG, batch_document, read_batch
from jiangxin_desktop.services.security import StationSigner
from jiangxin_desktop.services.sync import SyncError
from tests.sync_faults.fault_proxy import Fault
from tests.sync_faults.world import (
    act,
    assert_converged,
    city_audit,
    city_batches,
    city_truth,
    station_audit,
    station_batches,
)


# -- helpers -----------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def client(world) -> httpx.Client:
    """A client of the city's own certificate, as an attacker on the network could make."""
    import ssl

    pinned = ssl.create_default_context(cafile=str(world.city.tls_cert_path))
    return httpx.Client(base_url=world.proxy.url(), verify=pinned, timeout=30, trust_env=False)


def put(world, batch_id: str, body: str | bytes, media: str = "application/jose") -> httpx.Response:
    with client(world) as http:
        content = body if isinstance(body, bytes) else body.encode()
        return http.put(f"/v1/batches/{batch_id}", content=content, headers={"Content-Type": media})


def refusal(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["error"] == code, body
    assert body["message"] and body["message"].isascii()
    assert body["user_message"] and not body["user_message"].isascii(), body  # Chinese, for people
    return body


def city_refusals(world) -> list[dict]:
    receiver = world.receiver()
    try:
        return city_audit(receiver, "batch.refused")[::-1]  # oldest first
    finally:
        receiver.close()


def city_holds(world) -> tuple[int, int]:
    """(batches, rows) the city holds of this station."""
    receiver = world.receiver()
    try:
        return len(city_batches(receiver, world.station_code)), len(city_truth(receiver, world.station_code))
    finally:
        receiver.close()


def built(world, rows: int = 3, *, per_batch: int = 5000) -> list:
    """``rows`` new trainees sealed into batches (not sent)."""
    from tests.sync_faults.activity import Clerk

    ctx = world.ctx
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.batch_records", per_batch)
    act(ctx, "clerk")
    Clerk(ctx, __import__("random").Random(rows), start=len(station_batches(ctx)) * 1000).work(0)
    clerk = Clerk(ctx, __import__("random").Random(rows), start=len(station_batches(ctx)) * 1000)
    for _ in range(rows):
        clerk.register()
    ctx.sync.build_batches()
    return station_batches(ctx)


def document_of(world, batch) -> bytes:
    """The plain batch document a station sealed (opened with the city's key, as only the city can)."""
    from jiangxin_desktop.envelope import decrypt, unverified

    return unverified(decrypt(batch.envelope, recipient=world.city.encryption_key)).document


def city_recipient(world):
    public = world.city.encryption_key.public_key()
    return public, rsa_jwk(public)["kid"]


def register_station(world) -> None:
    """The station's registration reaches the city (its first sync does it), with nothing to send."""
    result = world.ctx.sync.sync_now()
    assert result.failed is None and world.ctx.sync.enrolment().registered, result


# -- batches refused at the city ---------------------------------------------------------------


def test_a_tampered_batch_is_refused_and_audited_and_the_real_one_still_goes(make_world):
    """One character changed in each part of the JWE in turn (header, wrapped key, IV, ciphertext,
    tag): every one refused, logged at the city with the batch and the sender's address."""
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world)
    codes = []
    for part in range(5):
        parts = batch.envelope.split(".")
        middle = len(parts[part]) // 2
        changed = "A" if parts[part][middle] != "A" else "B"
        parts[part] = parts[part][:middle] + changed + parts[part][middle + 1:]
        expected = "malformed" if part == 0 else "not_for_us"
        body = refusal(put(world, batch.batch_id, ".".join(parts)), 400, expected)
        assert any(word in body["user_message"] for word in ("解密", "格式", "损坏")), body
        codes.append(body["error"])
    logged = city_refusals(world)
    assert [(e["code"], e["batch_id"]) for e in logged] == [(code, batch.batch_id) for code in codes]
    assert all(e["remote"].startswith("127.0.0.1:") for e in logged)
    assert city_holds(world) == (0, 0)
    assert world.ctx.sync.sync_now().failed is None  # the station's own copy was never touched
    assert_converged(world)


def test_a_batch_tampered_on_the_way_is_refused_and_the_station_says_so_and_sends_again(make_world):
    """A man in the middle changes a byte of the station's own upload: the city refuses and logs it;
    the station records the refusal (not a receipt: nothing is final), shows it, and the next
    sync, untouched, is confirmed."""
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 4)
    world.proxy.plan([Fault.tamper(len(batch.envelope) // 2)])
    result = world.ctx.sync.sync_now()
    assert result.failed and "市里拒收" in result.failed and "解密" in result.failed, result.failed
    [mine] = world.ctx.sync.batches()
    assert mine.status_label == "待发送" and mine.attempts == 1 and "市里拒收" in mine.last_error
    assert station_audit(world.ctx, "sync.failed")[-1]["reason"] == result.failed
    assert [e["code"] for e in city_refusals(world)] == ["not_for_us"]
    assert city_holds(world) == (0, 0)
    world.clock.advance(hours=2)
    assert world.ctx.sync.sync_now().failed is None
    assert_converged(world)


def test_a_replayed_batch_gets_the_same_receipt_and_stores_nothing_twice(make_world):
    world = make_world(killable=False)
    [batch] = built(world, 5)
    assert world.ctx.sync.sync_now().failed is None
    receipt = world.ctx.sync.log()  # noqa: F841  (the station's view is checked by assert_converged)
    before = city_holds(world)
    stored = city_batches_receipt(world, batch.batch_id)
    for _ in range(2):  # an eavesdropper replays the captured upload, byte for byte
        again = put(world, batch.batch_id, batch.envelope)
        assert again.status_code == 200 and again.text == stored
    assert city_holds(world) == before == (1, 5)
    # the same signed document under another batch id is no way round it either
    other = str(uuid.uuid4())
    refusal(put(world, other, batch.envelope), 400, "batch_id_mismatch")
    assert city_holds(world) == (1, 5)
    assert_converged(world)


def city_batches_receipt(world, batch_id: str) -> str:
    receiver = world.receiver()
    try:
        [row] = [b for b in city_batches(receiver, world.station_code) if b["batch_id"] == batch_id]
        return row["receipt"]
    finally:
        receiver.close()


def test_out_of_sequence_batches_are_refused_with_where_the_chain_stands(make_world):
    world = make_world(killable=False)
    register_station(world)
    batches = built(world, 9, per_batch=3)
    assert [b.sequence for b in batches] == [1, 2, 3]
    third = refusal(put(world, batches[2].batch_id, batches[2].envelope), 409, "sequence_gap")
    assert (third["expected_sequence"], third["last_hash"]) == (1, None)
    assert "第 1 批" in third["user_message"]
    assert city_holds(world) == (0, 0)
    # a batch that reaches back before the chain's end is refused too: the first, after the first two
    assert put(world, batches[0].batch_id, batches[0].envelope).status_code == 200
    assert put(world, batches[1].batch_id, batches[1].envelope).status_code == 200
    signer = StationSigner.load(world.ctx.db)
    recipient, recipient_kid = city_recipient(world)
    first = read_batch(document_of(world, batches[0]))
    again_first = batch_document(batch_id=str(uuid.uuid4()), station_code=first.station_code, sequence=1,
                                 created_at=first.created_at, previous_hash=None, records=first.records)
    body = seal(again_first, signer=signer.private_key, kid=signer.key_id, typ=BATCH, recipient=recipient,
                recipient_kid=recipient_kid)
    taken = refusal(put(world, read_batch(again_first).batch_id, body), 409, "sequence_taken")
    assert taken["expected_sequence"] == 3
    # the right number with the wrong previous batch: the chain is broken
    third_doc = read_batch(document_of(world, batches[2]))
    forked = batch_document(batch_id=str(uuid.uuid4()), station_code=third_doc.station_code, sequence=3,
                            created_at=third_doc.created_at, previous_hash="sha256:" + "0" * 64,
                            records=third_doc.records)
    body = seal(forked, signer=signer.private_key, kid=signer.key_id, typ=BATCH, recipient=recipient,
                recipient_kid=recipient_kid)
    refusal(put(world, read_batch(forked).batch_id, body), 409, "chain_broken")
    assert [e["code"] for e in city_refusals(world)] == ["sequence_gap", "sequence_taken", "chain_broken"]
    assert city_holds(world) == (2, 6)
    assert world.ctx.sync.sync_now().failed is None  # the station's own batches, in order, still go
    assert_converged(world)


def test_a_clone_that_took_the_stations_next_number_is_refused_at_the_station_too(make_world):
    """A copy of the station's database (its key with it) sends its own batch 1 first: the real
    station's batch 1 then meets 409 sequence_taken. The city logs it; the station keeps the batch
    unconfirmed, says in Chinese what happened and that it will not renumber by itself, and audits
    the failed sync."""
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 2)
    signer = StationSigner.load(world.ctx.db)
    recipient, recipient_kid = city_recipient(world)
    mine = read_batch(document_of(world, batch))
    clone_id = str(uuid.uuid4())
    clone = batch_document(batch_id=clone_id, station_code=mine.station_code, sequence=1,
                           created_at=mine.created_at, previous_hash=None, records=mine.records[:1])
    assert put(world, clone_id, seal(clone, signer=signer.private_key, kid=signer.key_id, typ=BATCH,
                                     recipient=recipient, recipient_kid=recipient_kid)).status_code == 200
    result = world.ctx.sync.sync_now()
    assert result.failed and "市里已收到另一个同序号的批次" in result.failed
    assert "不会自行改号" in result.failed
    [info] = world.ctx.sync.batches()
    assert info.status_label == "待发送" and info.confirmed_at is None
    assert station_audit(world.ctx, "sync.failed")[-1]["reason"] == result.failed
    assert [e["code"] for e in city_refusals(world)] == ["sequence_taken"]


def wrongly_keyed(world, case: str, document: bytes) -> tuple[str, int, str]:
    recipient, recipient_kid = city_recipient(world)
    stranger = Ed25519PrivateKey.generate()
    signer = StationSigner.load(world.ctx.db)
    if case == "unregistered_key":  # a key the city never registered, under its own id
        return seal(document, signer=stranger, kid="0123456789abcdef", typ=BATCH, recipient=recipient,
                    recipient_kid=recipient_kid), 401, "unknown_key"
    if case == "stolen_kid":  # another key, claiming to be the station's
        return seal(document, signer=stranger, kid=signer.key_id, typ=BATCH, recipient=recipient,
                    recipient_kid=recipient_kid), 403, "bad_signature"
    if case == "another_city":  # sealed to a city that is not this one
        other = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        return seal(document, signer=signer.private_key, kid=signer.key_id, typ=BATCH,
                    recipient=other.public_key(), recipient_kid=rsa_jwk(other)["kid"]), 400, "not_for_us"
    # a second, registered station signs a batch in the first one's name
    from jiangxin_desktop.city.registration import issue_enrolment
    from tests.city.kit import Station

    receiver = world.receiver()
    try:
        neighbour = Station("320706099", issue_enrolment(receiver, "320706099", issued_by="test"))
    finally:
        receiver.close()
    with client(world) as http:
        assert http.post("/v1/registrations", content=neighbour.registration().encode()).status_code == 200
    return neighbour.seal(document, BATCH), 403, "wrong_station"


def test_wrongly_keyed_batches_are_refused_and_audited(make_world):
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 2)
    document = document_of(world, batch)
    codes = []
    for case in ("unregistered_key", "stolen_kid", "another_city", "another_station"):
        body, status, code = wrongly_keyed(world, case, document)
        refusal(put(world, batch.batch_id, body), status, code)
        codes.append(code)
    assert [(e["code"], e["batch_id"]) for e in city_refusals(world)] == [(c, batch.batch_id) for c in codes]
    assert city_holds(world) == (0, 0)
    assert world.ctx.sync.sync_now().failed is None
    assert_converged(world)


def _alg_none(document: bytes, kid: str) -> str:
    header = {"alg": "none", "kid": kid, "typ": BATCH, "cty": "application/gzip"}
    return b64(json.dumps(header).encode()) + "." + b64(gzip.compress(document, mtime=0)) + "."


def _eddsa(document: bytes, signer, kid: str) -> str:
    """Signed with the station's key, but under the deprecated name "EdDSA": not our parameters."""
    from joserfc import jws
    from joserfc.jwk import OKPKey

    header = {"alg": "EdDSA", "kid": kid, "typ": BATCH, "cty": "application/gzip"}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jws.serialize_compact(header, gzip.compress(document, mtime=0), OKPKey.import_key(signer),
                                     algorithms=["EdDSA"])


def unsigned(world, case: str, document: bytes) -> tuple[str, str, int, str]:
    signer = StationSigner.load(world.ctx.db)
    key = RSAKey.import_key(world.city.encryption_key.public_key())
    header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": world.city.encryption_kid, "cty": "JOSE"}
    algorithms = ["RSA-OAEP-256", "A256GCM"]
    jose = "application/jose"
    if case == "plain_jwe":  # encrypted to the city, the JSON inside with no signature at all
        return jwe.encrypt_compact(header, document, key, algorithms=algorithms), jose, 400, "malformed"
    if case == "alg_none":  # a JWS that says it needs no signature
        inner = _alg_none(document, signer.key_id).encode()
        return jwe.encrypt_compact(header, inner, key, algorithms=algorithms), jose, 400, "malformed"
    if case == "eddsa":
        inner = _eddsa(document, signer.private_key, signer.key_id).encode()
        return jwe.encrypt_compact(header, inner, key, algorithms=algorithms), jose, 400, "malformed"
    if case == "bare_json":
        return document.decode(), jose, 400, "malformed"
    if case == "json_media":
        return document.decode(), "application/json", 415, "unsupported_media_type"
    # signed by the station but not encrypted: readable by anyone on the way
    return sign(document, signer=signer.private_key, kid=signer.key_id, typ=BATCH), jose, 400, "malformed"


def test_unsigned_batches_are_refused_and_audited(make_world):
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 2)
    document = document_of(world, batch)
    codes = []
    for case in ("plain_jwe", "alg_none", "eddsa", "bare_json", "json_media", "signed_only"):
        body, media, status, code = unsigned(world, case, document)
        refusal(put(world, batch.batch_id, body, media), status, code)
        codes.append(code)
    assert [e["code"] for e in city_refusals(world)] == codes
    assert city_holds(world) == (0, 0)
    assert world.ctx.sync.sync_now().failed is None
    assert_converged(world)


# -- what the station refuses -------------------------------------------------------------------


def test_a_forged_receipt_is_not_believed_and_the_genuine_one_later_is(make_world):
    """The city's stored receipt is replaced by one signed with another key (the city's key id):
    the station keeps the batch 已发送, says why, audits it; the genuine receipt then confirms."""
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 3)
    world.proxy.plan([Fault.lose_response()])  # stored at the city; its receipt never arrives
    assert world.ctx.sync.sync_now().failed
    genuine = city_batches_receipt(world, batch.batch_id)
    opened = __import__("jiangxin_desktop.envelope", fromlist=["unverified"]).unverified(genuine)
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


def city_catalog(version: str) -> dict:
    """The shipped catalog without its two fractions (0.8 and 0.3), which the city cannot publish
    yet (see test_the_city_can_publish_the_catalog_the_station_reads)."""
    data = station_catalog(version)
    return {**data, "rules": {**data["rules"], "attendance_threshold": 1},
            "subsidy_amounts": {**data["subsidy_amounts"], "shortage_uplift": 0}}


def serve_catalog(world, version: int, token: str) -> None:
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
    from jiangxin_desktop.city.catalog import publish_catalog
    from jiangxin_desktop.envelope import unverified

    world = make_world(killable=False)
    receiver = world.receiver()
    try:
        genuine = publish_catalog(receiver, city_catalog("2027.1"), 1, published_by="test")
    finally:
        receiver.close()
    first = world.ctx.sync.sync_now()
    assert first.failed is None and first.catalog_version == "1"
    assert world.ctx.catalogs.active().version == "2027.1"
    # 2: signed with another key under the city's key id
    document = json.loads(unverified(genuine).document)
    forged = sign(json.dumps({**document, "version": 2, "catalog": city_catalog("2027.9")},
                             ensure_ascii=False).encode(), signer=Ed25519PrivateKey.generate(),
                  kid=world.city.signing_kid, typ=CATALOG)
    serve_catalog(world, 2, forged)
    forged_run = world.ctx.sync.sync_now()
    assert forged_run.failed is None and forged_run.catalog_version is None  # batches go; the catalog not
    assert any("培训目录未通过验证" in m and "签名不符" in m for m in forged_run.messages), \
        forged_run.messages
    # 3: the city's genuine version 1 served again as if it were newer (a replay)
    serve_catalog(world, 3, genuine)
    stale_run = world.ctx.sync.sync_now()
    assert any("版本 1 不比本站已采用的 1 新" in m for m in stale_run.messages), stale_run.messages
    # 4: unsigned JSON where a signed catalog belongs
    serve_catalog(world, 4, json.dumps(city_catalog("2027.8")))
    unsigned_run = world.ctx.sync.sync_now()
    assert any("培训目录未通过验证" in m for m in unsigned_run.messages), unsigned_run.messages
    assert world.ctx.catalogs.active().version == "2027.1"
    assert [e["code"] for e in station_audit(world.ctx, "sync.catalog_refused")] == \
        ["bad_signature", "not_newer", "malformed"]
    # the same forgeries on a USB stick (catalog.jws) are refused the same way
    path = tmp_path / "catalog.jws"
    path.write_text(forged)
    with pytest.raises(SyncError, match="签名不符"):
        world.ctx.sync.import_catalog(path)
    assert station_audit(world.ctx, "sync.catalog_refused")[-1]["code"] == "bad_signature"
    assert world.ctx.catalogs.active().version == "2027.1"


@pytest.mark.xfail(strict=True, reason=(
    "city/catalog.py publish_catalog signs canonical JSON, which refuses floats; the station's "
    "catalog (resources/catalogs/training.json: rules.attendance_threshold 0.8, subsidy_amounts."
    "shortage_uplift 0.3; services/catalog/training.py _parse_rules wants a number 0..1) cannot be "
    "published, so no real catalog can travel down"))
def test_the_city_can_publish_the_catalog_the_station_reads(tmp_path, city_template, city_database):
    from dataclasses import replace

    from jiangxin_desktop.city.catalog import publish_catalog
    from jiangxin_desktop.city.keys import load_city
    from jiangxin_desktop.city.receiver import open_receiver

    receiver = open_receiver(replace(load_city(city_template), database=city_database))
    try:
        publish_catalog(receiver, station_catalog("2027.1"), 1, published_by="test")
    finally:
        receiver.close()
