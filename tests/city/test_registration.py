"""Enrolment and registration: one-time tokens, expiry, re-enrolment after a key change, audit."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.ingest import ingest
from jiangxin_desktop.city.registration import issue_enrolment, register, token_hash
from jiangxin_desktop.envelope import ed25519_from_jwk, rsa_from_jwk
from jiangxin_desktop.protocol.batch import REGISTRATION, RECEIPT, Registration, read_enrolment, read_receipt
from tests.city.kit import Station, city_verify, raw_public, session_record


def test_the_enrolment_file_carries_the_citys_public_keys_and_certificate(receiver):
    enrolment = issue_enrolment(receiver, "320706001", days=14, issued_by="王科长")
    back = read_enrolment(enrolment.document())
    assert back == enrolment and (back.city_name, back.url) == (receiver.city.name, receiver.city.url)
    assert back.issued_at == "2026-12-03T08:00:00.000Z" and back.expires_at == "2026-12-17T08:00:00.000Z"
    assert rsa_from_jwk(back.encryption_key).key_size == 3072
    ed25519_from_jwk(back.signing_key)  # the kid is the key's thumbprint
    assert "PRIVATE" not in back.tls_certificate and back.tls_certificate.startswith("-----BEGIN CERTIFICATE")
    with receiver.store.reading() as connection:
        stored = connection.execute(select(schema.enrolment)).mappings().one()
    assert stored["token_hash"] == token_hash(enrolment.token) and enrolment.token not in json.dumps(dict(stored))
    assert stored["issued_by"] == "王科长"


def test_a_bad_station_code_is_refused(receiver):
    with pytest.raises(CityError) as caught:
        issue_enrolment(receiver, "站 1")
    assert "服务站编码" in caught.value.user_message


def test_a_token_is_used_once_and_expires(receiver, clock):
    station = Station("320706001", issue_enrolment(receiver, "320706001", days=1))
    wrong = Station("320706001", station.enrolment, key=station.key)
    with pytest.raises(CityError) as caught:
        register(receiver, wrong.registration(token="guessed"))
    assert (caught.value.status, caught.value.code) == (403, "bad_token")

    late = Station("320706002", issue_enrolment(receiver, "320706002", days=1))
    clock.advance(days=1, seconds=1)
    with pytest.raises(CityError) as caught:
        register(receiver, late.registration())
    assert caught.value.code == "enrolment_expired" and "过期" in caught.value.user_message

    fresh = Station("320706003", issue_enrolment(receiver, "320706003"))
    ack = register(receiver, fresh.registration())
    assert register(receiver, fresh.registration()) == ack  # the same again: the same answer
    replay = Station("320706003", fresh.enrolment)  # someone else with the copied file
    with pytest.raises(CityError) as caught:
        register(receiver, replay.registration())
    assert caught.value.code == "enrolment_used"
    elsewhere = Station("320706001", fresh.enrolment, key=fresh.key)  # another station's name
    with pytest.raises(CityError) as caught:
        register(receiver, elsewhere.registration())
    assert caught.value.code == "unknown_enrolment"
    kinds = [(e["kind"], e["code"]) for e in receiver.store.audit_log()]
    assert ("registration.refused", "enrolment_used") in kinds and ("registration.refused", "bad_token") in kinds


def test_a_registration_signed_by_another_key_than_it_carries_is_refused(receiver):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    station = Station("320706001", issue_enrolment(receiver, "320706001"))
    document = Registration(enrolment_id=station.enrolment.enrolment_id, station_code=station.code,
                            token=station.enrolment.token, key_id=station.kid,
                            public_key=base64.b64encode(raw_public(station.key)).decode("ascii"),
                            created_at="2026-12-03T08:00:00.000Z").document()
    forged = station.seal(document, REGISTRATION, key=Ed25519PrivateKey.generate())
    with pytest.raises(CityError) as caught:
        register(receiver, forged)
    assert (caught.value.status, caught.value.code) == (403, "bad_signature")


def test_re_enrolment_adds_the_new_key_and_old_batches_still_verify(receiver, enrol, clock):
    station = enrol("320706001")
    old_key_id = station.kid
    batch_id, document, sealed = station.next_batch([session_record(station.code)])
    first_receipt = ingest(receiver, batch_id, sealed)
    station.advance(document)

    clock.advance(days=2)
    renewed = Station(station.code, issue_enrolment(receiver, station.code, issued_by="王科长"),
                      sequence=station.sequence, last_hash=station.last_hash)
    ack = json.loads(city_verify(renewed.enrolment, register(receiver, renewed.registration()),
                                 "jiangxin.registered"))
    assert (ack["last_sequence"], ack["last_hash"]) == (1, station.last_hash)  # where the chain stands
    assert ingest(receiver, batch_id, sealed) == first_receipt  # the old key's batch, asked again
    batch_id, _document, sealed = renewed.next_batch([session_record(station.code)])
    assert read_receipt(city_verify(renewed.enrolment, ingest(receiver, batch_id, sealed), RECEIPT)).sequence == 2
    with receiver.store.reading() as connection:
        keys = {row.kid: row for row in connection.execute(select(schema.station_key))}
    assert set(keys) == {station.kid, renewed.kid} and renewed.kid != station.kid
    assert keys[station.kid].replaced_at == "2026-12-05T08:00:00.000Z" and keys[renewed.kid].replaced_at is None
    log = receiver.store.audit_log()
    assert [e["kind"] for e in log[:2]] == ["station.reregistered", "enrolment.reissued"]
    assert f"earlier keys kept for their batches: {old_key_id}" in log[0]["detail"]
    assert "王科长" in log[1]["detail"]


def test_a_new_enrolment_with_the_same_key_keeps_the_one_key(receiver, enrol):
    station = enrol("320706001")
    again = Station(station.code, issue_enrolment(receiver, station.code), key=station.key)
    ack = json.loads(city_verify(again.enrolment, register(receiver, again.registration()), "jiangxin.registered"))
    assert (ack["enrolment_id"], ack["key_id"]) == (again.enrolment.enrolment_id, station.kid)
    with receiver.store.reading() as connection:
        keys = connection.execute(select(schema.station_key)).mappings().all()
    assert [(k["kid"], k["replaced_at"]) for k in keys] == [(station.kid, None)]


def test_a_key_of_another_station_cannot_be_registered_again(receiver, enrol):
    first = enrol("320706001")
    thief = Station("320706002", issue_enrolment(receiver, "320706002"), key=first.key)
    with pytest.raises(CityError) as caught:
        register(receiver, thief.registration())
    assert (caught.value.status, caught.value.code) == (409, "key_in_use")
    assert "已登记在服务站 320706001 名下" in caught.value.user_message
