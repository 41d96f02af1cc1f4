"""Helpers of the hostile tests: raw uploads to the city, what it refused and holds, the
station's sealed batches opened (as only the city can) to be turned into forgeries."""

from __future__ import annotations

import base64
import random
import ssl

import httpx

from jiangxin_desktop.envelope import decrypt, rsa_jwk, unverified
from tests.sync_faults.activity import Clerk
from tests.sync_faults.world import act, city_audit, city_batches, city_truth, station_batches


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def client(world) -> httpx.Client:
    """A client of the city's own certificate, as an attacker on the network could make."""
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
    ctx = world.ctx
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.batch_records", per_batch)
    act(ctx, "clerk")
    clerk = Clerk(ctx, random.Random(rows), start=len(station_batches(ctx)) * 1000)
    for _ in range(rows):
        clerk.register()
    ctx.sync.build_batches()
    return station_batches(ctx)


def document_of(world, batch) -> bytes:
    """The plain batch document a station sealed (opened with the city's key, as only the city can)."""
    return unverified(decrypt(batch.envelope, recipient=world.city.encryption_key)).document


def city_recipient(world):
    public = world.city.encryption_key.public_key()
    return public, rsa_jwk(public)["kid"]


def register_station(world) -> None:
    """The station's registration reaches the city (its first sync does it), with nothing to send."""
    result = world.ctx.sync.sync_now()
    assert result.failed is None and world.ctx.sync.enrolment().registered, result


def city_batches_receipt(world, batch_id: str) -> str:
    receiver = world.receiver()
    try:
        [row] = [b for b in city_batches(receiver, world.station_code) if b["batch_id"] == batch_id]
        return row["receipt"]
    finally:
        receiver.close()

