"""The receiver over real HTTPS on loopback (uvicorn, the city's self-signed certificate pinned)."""

from __future__ import annotations

import json

import httpx
import pytest

from jiangxin_desktop.city.catalog import publish_catalog
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.registration import issue_enrolment
from jiangxin_desktop.protocol.batch import BATCH, CATALOG, RECEIPT, read_receipt
from tests.city.kit import Station, city_verify, running_server, session_record

JOSE = {"Content-Type": "application/jose"}


@pytest.fixture
def http(receiver):
    with running_server(receiver) as (base, pinned), httpx.Client(base_url=base, verify=pinned,
                                                                   timeout=60) as client:
        yield client


def _error(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) >= {"error", "message", "user_message"} and not body["user_message"].isascii()
    return body


def test_health_over_pinned_tls(http, receiver):
    response = http.get("/v1/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_an_unpinned_client_does_not_trust_the_receiver(receiver):
    with running_server(receiver) as (base, _pinned), pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/v1/health", timeout=30)


def test_register_then_upload_over_https(http, receiver):
    station = Station("320706001", issue_enrolment(receiver, "320706001", issued_by="test"))
    sealed = station.registration()
    first = http.post("/v1/registrations", content=sealed, headers=JOSE)
    assert first.status_code == 200, first.text
    ack = json.loads(city_verify(station.enrolment, first.text, "jiangxin.registered"))
    assert (ack["station_code"], ack["key_id"], ack["last_sequence"]) == ("320706001", station.kid, 0)
    assert http.post("/v1/registrations", content=sealed).text == first.text  # answer lost: asked again

    impostor = Station("320706001", station.enrolment)  # another key with the same spent token
    refused = http.post("/v1/registrations", content=impostor.registration())
    assert (refused.status_code, _error(refused)["error"]) == (403, "enrolment_used")

    records = [session_record(station.code, number=n) for n in range(1, 6)]
    batch_id, document, sealed_batch = station.next_batch(records)
    response = http.put(f"/v1/batches/{batch_id}", content=sealed_batch, headers=JOSE)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/jose"
    receipt = read_receipt(city_verify(station.enrolment, response.text, RECEIPT))
    assert (receipt.status, receipt.accepted, receipt.batch_id) == ("accepted", 5, batch_id)
    again = http.put(f"/v1/batches/{batch_id}", content=sealed_batch, headers=JOSE)
    assert (again.status_code, again.text) == (200, response.text)

    _, other = station.document([session_record(station.code)], sequence=1, previous_hash=None,
                                batch_id=batch_id)
    conflict = http.put(f"/v1/batches/{batch_id}", content=station.seal(other, BATCH), headers=JOSE)
    assert (conflict.status_code, _error(conflict)["error"]) == (409, "batch_conflict")

    station.advance(document)
    gap_id, gap = station.document([session_record(station.code)], sequence=3)
    response = http.put(f"/v1/batches/{gap_id}", content=station.seal(gap, BATCH), headers=JOSE)
    body = _error(response)
    assert (response.status_code, body["error"], body["expected_sequence"]) == (409, "sequence_gap", 2)
    assert body["last_hash"] == station.last_hash


def test_what_is_not_a_sealed_batch_is_refused_in_json(http, receiver):
    station = Station("320706001", issue_enrolment(receiver, "320706001", issued_by="test"))
    http.post("/v1/registrations", content=station.registration())
    batch_id, document, _sealed = station.next_batch([session_record(station.code)])
    plain = http.put(f"/v1/batches/{batch_id}", content=document, headers={"Content-Type": "application/json"})
    assert (plain.status_code, _error(plain)["error"]) == (415, "unsupported_media_type")
    plain = http.put(f"/v1/batches/{batch_id}", content=document, headers=JOSE)
    assert (plain.status_code, _error(plain)["error"]) == (400, "malformed")
    bad_id = http.put("/v1/batches/not-a-uuid", content=b"x", headers=JOSE)
    assert (bad_id.status_code, _error(bad_id)["error"]) == (400, "bad_batch_id")
    stranger = Station("320706009", station.enrolment)  # a key the city never registered
    unknown = http.put(f"/v1/batches/{batch_id}", content=stranger.seal(document, BATCH), headers=JOSE)
    assert (unknown.status_code, _error(unknown)["error"]) == (401, "unknown_key")
    big = http.post("/v1/registrations", content=b"x" * (300 * 1024))
    assert (big.status_code, _error(big)["error"]) == (413, "too_large")
    refusals = [e["code"] for e in receiver.store.audit_log() if e["kind"].endswith(".refused")]
    assert refusals == ["too_large", "unknown_key", "bad_batch_id", "malformed", "unsupported_media_type"]


def test_catalog_downlink(http, receiver, city_folder):
    assert http.get("/v1/catalog").status_code == 204
    enrolment = issue_enrolment(receiver, "320706001", issued_by="test")
    publish_catalog(receiver, {"occupations": [{"code": "4-10-01-01", "name": "育婴员"}]}, "2026.2")
    publish_catalog(receiver, {"occupations": [{"code": "4-10-01-01", "name": "育婴员（新）"}]}, "2026.10")
    response = http.get("/v1/catalog", params={"after": "2026.2"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/jose"
    document = json.loads(city_verify(enrolment, response.text, CATALOG))
    assert (document["type"], document["version"]) == ("jiangxin.catalog", "2026.10")  # 10 > 2, not "1" < "2"
    assert json.loads(document["catalog_json"])["occupations"][0]["name"] == "育婴员（新）"
    assert http.get("/v1/catalog").text == response.text
    assert http.get("/v1/catalog", params={"after": "2026.10"}).status_code == 204
    with pytest.raises(CityError) as caught:
        publish_catalog(receiver, {"occupations": []}, "2026.9")
    assert caught.value.code == "version_not_newer" and "不高于已发布的版本 2026.10" in caught.value.user_message
    with pytest.raises(CityError) as caught:
        publish_catalog(receiver, [], "2027")
    assert caught.value.code == "bad_catalog"
    wrong = http.get("/v1/catalog", params={"after": "x"})
    assert (wrong.status_code, _error(wrong)["error"]) == (400, "bad_version")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_database_that_went_away_is_503_and_the_batch_taken_once_it_is_back(http, receiver, database_url):
    from sqlalchemy.engine import make_url

    from tests.city.conftest import _admin

    station = Station("320706001", issue_enrolment(receiver, "320706001", issued_by="test"))
    assert http.post("/v1/registrations", content=station.registration()).status_code == 200
    batch_id, _document, sealed = station.next_batch([session_record(station.code)])
    name = make_url(database_url).database
    server = make_url(database_url).set(database="postgres").render_as_string(hide_password=False)
    _admin(server, f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")
    _admin(server, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    try:
        down = http.put(f"/v1/batches/{batch_id}", content=sealed, headers=JOSE)
        assert (down.status_code, _error(down)["error"]) == (503, "database_unavailable")
    finally:
        _admin(server, f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")
    back = http.put(f"/v1/batches/{batch_id}", content=sealed, headers=JOSE)
    assert back.status_code == 200 and read_receipt(city_verify(station.enrolment, back.text, RECEIPT)).accepted == 1
