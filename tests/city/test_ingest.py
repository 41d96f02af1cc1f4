"""Batches into the city's database, on PostgreSQL and on SQLite: chain, idempotency, refusals."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.protocol.batch import ACCEPTED, BATCH, RECEIPT, REJECTED, document_hash, read_receipt
from tests.city.kit import city_verify, session_record


def _receipt(station, token):
    return read_receipt(city_verify(station.enrolment, token, RECEIPT))


def _rows(receiver):
    with receiver.store.reading() as connection:
        return {row.uuid: row for row in connection.execute(select(schema.city_row))}


def _audit_codes(receiver):
    return [entry["code"] for entry in receiver.store.audit_log() if entry["kind"].endswith("refused")]


def test_a_batch_is_stored_and_answered_with_a_signed_receipt(receiver, enrol, clock):
    station = enrol()
    records = [session_record(station.code, number=n) for n in range(1, 4)]
    batch_id, document, sealed = station.next_batch(records)
    receipt = _receipt(station, ingest(receiver, batch_id, sealed))
    assert (receipt.status, receipt.accepted, receipt.duplicates) == (ACCEPTED, 3, 0)
    assert receipt.batch_hash == document_hash(document) and receipt.sequence == 1
    assert receipt.received_at == "2026-12-03T08:00:00.000Z"  # the city's clock, not the station's
    rows = _rows(receiver)
    assert set(rows) == {r.uuid for r in records}
    assert rows[records[0].uuid].data["teacher"] == "王老师" and rows[records[0].uuid].batch_id == batch_id


def test_the_same_batch_again_gets_the_same_receipt_and_stores_nothing_twice(receiver, enrol, clock):
    station = enrol()
    batch_id, _document, sealed = station.next_batch([session_record(station.code)])
    first = ingest(receiver, batch_id, sealed)
    clock.advance(minutes=5)
    resealed = station.seal(_document, BATCH)  # a new envelope around the same document
    assert ingest(receiver, batch_id, sealed) == first
    assert ingest(receiver, batch_id, resealed) == first
    assert len(_rows(receiver)) == 1
    with receiver.store.reading() as connection:
        assert connection.execute(select(func.count()).select_from(schema.batch)).scalar() == 1


def test_same_id_other_content_is_a_conflict(receiver, enrol):
    station = enrol()
    batch_id, document, sealed = station.next_batch([session_record(station.code)])
    ingest(receiver, batch_id, sealed)
    _, other = station.document([session_record(station.code)], sequence=1, previous_hash=None,
                                batch_id=batch_id)
    with pytest.raises(CityError) as caught:
        ingest(receiver, batch_id, station.seal(other, BATCH))
    assert (caught.value.status, caught.value.code) == (409, "batch_conflict")
    assert "同一批次号不能换内容重发" in caught.value.user_message
    assert "batch_conflict" in _audit_codes(receiver)


def test_out_of_sequence_and_broken_chain_are_refused_with_where_the_chain_stands(receiver, enrol):
    station = enrol()
    batch_id, document, sealed = station.next_batch([session_record(station.code)])
    ingest(receiver, batch_id, sealed)
    station.advance(document)
    expected = {"expected_sequence": 2, "last_hash": document_hash(document)}

    gap_id, gap = station.document([session_record(station.code)], sequence=3)
    with pytest.raises(CityError) as caught:
        ingest(receiver, gap_id, station.seal(gap, BATCH))
    assert (caught.value.status, caught.value.code, caught.value.extra) == (409, "sequence_gap", expected)
    assert "还在等第 2 批" in caught.value.user_message

    taken_id, taken = station.document([session_record(station.code)], sequence=1, previous_hash=None)
    with pytest.raises(CityError) as caught:
        ingest(receiver, taken_id, station.seal(taken, BATCH))
    assert (caught.value.code, caught.value.extra) == ("sequence_taken", expected)

    broken_id, broken = station.document([session_record(station.code)], previous_hash="sha256:" + "0" * 64)
    with pytest.raises(CityError) as caught:
        ingest(receiver, broken_id, station.seal(broken, BATCH))
    assert (caught.value.status, caught.value.code) == (409, "chain_broken")
    assert len(_rows(receiver)) == 1
    assert _audit_codes(receiver)[:3] == ["chain_broken", "sequence_taken", "sequence_gap"]


def test_rows_are_deduplicated_by_version(receiver, enrol):
    station = enrol()
    row = session_record(station.code, version=2)
    batch_id, document, sealed = station.next_batch([row])
    ingest(receiver, batch_id, sealed)
    station.advance(document)
    older = session_record(station.code, version=1, row_uuid=row.uuid)
    newer_other = session_record(station.code, version=1)
    batch_id, document, sealed = station.next_batch([older, newer_other])
    receipt = _receipt(station, ingest(receiver, batch_id, sealed))
    assert (receipt.accepted, receipt.duplicates) == (1, 1)
    station.advance(document)
    changed = session_record(station.code, version=3, row_uuid=row.uuid, number=9)
    batch_id, document, sealed = station.next_batch([changed])
    assert _receipt(station, ingest(receiver, batch_id, sealed)).accepted == 1
    stored = _rows(receiver)[row.uuid]
    assert (stored.version, stored.data["number"], stored.batch_id) == (3, 9, batch_id)
    station.advance(document)
    deleted = session_record(station.code, version=4, row_uuid=row.uuid, op="delete")
    batch_id, _document, sealed = station.next_batch([deleted])
    assert _receipt(station, ingest(receiver, batch_id, sealed)).accepted == 1
    assert (_rows(receiver)[row.uuid].op, _rows(receiver)[row.uuid].data) == ("delete", None)


def test_an_invalid_batch_is_rejected_by_receipt_and_takes_its_sequence(receiver, enrol):
    station = enrol()
    good = session_record(station.code)
    bad = session_record(station.code)
    bad = type(bad)(bad.entity, bad.uuid, bad.version, bad.op, {**bad.data, "hours": "four"})
    batch_id, document, sealed = station.next_batch([good, bad])
    receipt = _receipt(station, ingest(receiver, batch_id, sealed))
    assert (receipt.status, receipt.error_code, receipt.sequence) == (REJECTED, "invalid_document", 1)
    assert "内容不合格式" in receipt.error_message
    assert _rows(receiver) == {}
    station.advance(document)  # the chain goes on from the rejected batch
    batch_id, _document, sealed = station.next_batch([good])
    assert _receipt(station, ingest(receiver, batch_id, sealed)).status == ACCEPTED
    assert list(_rows(receiver)) == [good.uuid]


def test_another_stations_rows_are_rejected(receiver, enrol):
    first, second = enrol("320706001"), enrol("320706002")
    theirs = session_record(first.code)
    batch_id, document, sealed = first.next_batch([theirs])
    ingest(receiver, batch_id, sealed)
    # the second station sends a row that names the first as its station …
    batch_id, document, sealed = second.next_batch([session_record(first.code)])
    receipt = _receipt(second, ingest(receiver, batch_id, sealed))
    assert (receipt.status, receipt.error_code) == (REJECTED, "foreign_row")
    assert "属于服务站 320706001" in receipt.error_message
    second.advance(document)
    # … or a newer version of a row the first station owns
    stolen = session_record(second.code, version=5, row_uuid=theirs.uuid)
    batch_id, _document, sealed = second.next_batch([stolen])
    assert _receipt(second, ingest(receiver, batch_id, sealed)).error_code == "foreign_row"
    assert _rows(receiver)[theirs.uuid].station_code == first.code
    assert _rows(receiver)[theirs.uuid].version == 1


@pytest.mark.parametrize("case", ["tampered", "wrong_key", "unsigned", "plain_json", "not_for_us",
                                  "other_station", "id_mismatch"])
def test_untrusted_uploads_are_refused_and_audited(receiver, enrol, case):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

    from jiangxin_desktop.envelope import rsa_jwk, seal

    station, other = enrol("320706001"), enrol("320706002")
    batch_id, document, sealed = station.next_batch([session_record(station.code)])
    body, expected = sealed, None
    if case == "tampered":
        parts = sealed.split(".")
        cipher = bytearray(parts[3].encode("ascii"))
        cipher[10] = ord("A") if cipher[10] != ord("A") else ord("B")
        parts[3] = cipher.decode("ascii")
        body, expected = ".".join(parts), (400, "not_for_us")
    elif case == "wrong_key":  # signed by a key the city never registered, under the station's kid
        body, expected = station.seal(document, BATCH, key=Ed25519PrivateKey.generate()), (403, "bad_signature")
    elif case == "unsigned":  # encrypted to the city but not signed: the JWS is missing
        from joserfc import jwe
        from joserfc.jwk import RSAKey

        key = RSAKey.import_key(receiver.city.encryption_key.public_key())
        body = jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256GCM"}, document, key,
                                   algorithms=["RSA-OAEP-256", "A256GCM"])
        expected = (400, "malformed")
    elif case == "plain_json":
        body, expected = document, (400, "malformed")
    elif case == "not_for_us":
        stranger = generate_private_key(public_exponent=65537, key_size=3072)
        body = seal(document, signer=station.key, kid=station.kid, typ=BATCH,
                    recipient=stranger.public_key(), recipient_kid=rsa_jwk(stranger)["kid"])
        expected = (400, "not_for_us")
    elif case == "other_station":  # the second station's key signs a batch in the first one's name
        body, expected = station.seal(document, BATCH, key=other.key, kid=other.kid), (403, "wrong_station")
    elif case == "id_mismatch":
        batch_id, expected = "0193a4c2-5b1e-7c3d-8e4f-000000000000", (400, "batch_id_mismatch")
    with pytest.raises(CityError) as caught:
        ingest(receiver, batch_id, body, remote="192.0.2.7:5000")
    assert (caught.value.status, caught.value.code) == expected
    assert caught.value.user_message and not caught.value.user_message.isascii()
    log = receiver.store.audit_log()[0]
    assert (log["kind"], log["code"], log["remote"]) == ("batch.refused", expected[1], "192.0.2.7:5000")
    assert _rows(receiver) == {}


def test_an_unregistered_station_is_refused(receiver, enrol):
    station = enrol(registered=False)
    batch_id, _document, sealed = station.next_batch([session_record(station.code)])
    with pytest.raises(CityError) as caught:
        ingest(receiver, batch_id, sealed)
    assert (caught.value.status, caught.value.code) == (401, "unknown_key")
    assert json.loads(json.dumps(caught.value.to_json()))["user_message"].startswith("签名密钥未登记")
