"""Hostile batches at the real city (``city serve`` on PostgreSQL over HTTPS, reached through the
fault proxy): tampered, replayed, out of sequence, wrongly keyed and unsigned. Each is refused with
a clear error (JSON with ``error``, an English ``message`` and a Chinese ``user_message``), logged
in the city's audit with the batch and the sender's address, and leaves no row behind; the
station's own batches still go through afterwards, and where the refused batch was the station's
own upload, the station says so and audits the failed sync.

The forgeries are made from the station's own sealed batches and keys (what a thief of a
station's database, or a man in the middle, would hold), or with fresh keys.
"""

from __future__ import annotations

import gzip
import json
import uuid
import warnings

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwe, jws
from joserfc.jwk import OKPKey, RSAKey

from jiangxin_desktop.envelope import rsa_jwk, seal, sign
from jiangxin_desktop.protocol.batch import BATCH, batch_document, read_batch
from jiangxin_desktop.services.security import StationSigner
from tests.sync_faults.fault_proxy import Fault
from tests.sync_faults.hostile import (
    b64,
    built,
    city_batches_receipt,
    city_holds,
    city_recipient,
    city_refusals,
    client,
    document_of,
    put,
    refusal,
    register_station,
)
from tests.sync_faults.world import assert_converged, station_audit


def tampered(envelope: str, part: int) -> tuple[str, str, int, str]:
    """One character changed in one part of the JWE (header, wrapped key, IV, ciphertext, tag)."""
    parts = envelope.split(".")
    middle = len(parts[part]) // 2
    changed = "A" if parts[part][middle] != "A" else "B"
    parts[part] = parts[part][:middle] + changed + parts[part][middle + 1:]
    return ".".join(parts), "application/jose", 400, "malformed" if part == 0 else "not_for_us"


def test_a_batch_tampered_on_the_way_then_replayed(make_world):
    """A man in the middle changes a byte of the station's own upload: the city refuses and logs it;
    the station records the refusal (not a receipt: nothing is final), shows it, and the next
    sync, untouched, is confirmed. The eavesdropper then replays the upload it captured: the
    city answers with the same receipt and stores nothing twice; under another batch id the
    same signed document is refused."""
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
    stored = city_batches_receipt(world, batch.batch_id)
    for _ in range(2):  # the captured upload, byte for byte
        again = put(world, batch.batch_id, batch.envelope)
        assert again.status_code == 200 and again.text == stored
    assert city_holds(world) == (1, 4)
    refusal(put(world, str(uuid.uuid4()), batch.envelope), 400, "batch_id_mismatch")
    assert [e["code"] for e in city_refusals(world)] == ["not_for_us", "batch_id_mismatch"]
    assert city_holds(world) == (1, 4)
    assert_converged(world)


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


def _alg_none(document: bytes, kid: str) -> str:
    header = {"alg": "none", "kid": kid, "typ": BATCH, "cty": "application/gzip"}
    return b64(json.dumps(header).encode()) + "." + b64(gzip.compress(document, mtime=0)) + "."


def _eddsa(document: bytes, signer, kid: str) -> str:
    """Signed with the station's key, but under the deprecated name "EdDSA": not our parameters."""
    header = {"alg": "EdDSA", "kid": kid, "typ": BATCH, "cty": "application/gzip"}
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


UNTRUSTED = [*(f"tampered_part_{part}" for part in range(5)),
             "unregistered_key", "stolen_kid", "another_city", "another_station",
             "plain_jwe", "alg_none", "eddsa", "bare_json", "json_media", "signed_only"]


def test_untrusted_batches_are_refused_audited_and_leave_nothing(make_world):
    """Tampered (each part of the JWE), wrongly keyed (a key the city never registered; another
    key under the station's key id; sealed to another city; signed by another registered
    station) and unsigned (a plain JWE of the JSON, alg none, the deprecated EdDSA name, bare
    JSON, JSON media type, signed but not encrypted): each refused with its code and a Chinese
    message, each logged at the city with the batch and the sender's address, no row stored;
    the station's own batch then goes through untouched."""
    world = make_world(killable=False)
    register_station(world)
    [batch] = built(world, 2)
    document = document_of(world, batch)
    codes = []
    for case in UNTRUSTED:
        if case.startswith("tampered"):
            body, media, status, code = tampered(batch.envelope, int(case[-1]))
        elif case in ("unregistered_key", "stolen_kid", "another_city", "another_station"):
            (body, status, code), media = wrongly_keyed(world, case, document), "application/jose"
        else:
            body, media, status, code = unsigned(world, case, document)
        answer = refusal(put(world, batch.batch_id, body, media), status, code)
        if case.startswith("tampered"):
            assert any(word in answer["user_message"] for word in ("解密", "格式", "损坏")), answer
        codes.append(code)
    logged = city_refusals(world)
    assert [(e["code"], e["batch_id"]) for e in logged] == [(code, batch.batch_id) for code in codes]
    assert all(e["remote"].startswith("127.0.0.1:") for e in logged)
    assert city_holds(world) == (0, 0)
    assert world.ctx.sync.sync_now().failed is None  # the station's own copy was never touched
    assert_converged(world)
