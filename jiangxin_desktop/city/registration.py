"""Enrolment (the city issues a one-time token to a station) and registration (the station
proves the token and brings its Ed25519 public key).

The token is stored only as its SHA-256. A registration is answered by a signed
acknowledgement (JWS ``typ`` ``jiangxin.registered``); the same registration again (same
enrolment, same key) gets the same acknowledgement, any other use of a spent token is
refused. Re-enrolment after a key change adds the new key; the old ones stay on record and
still verify the batches they signed. Every issue, registration and refusal is audited.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import uuid
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import insert, select, update

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.receiver import Receiver, bad_request, envelope_refusal
from jiangxin_desktop.city.store import wire_time
from jiangxin_desktop.envelope import EnvelopeError, decrypt, unverified, verify
from jiangxin_desktop.protocol import ProtocolError, canonical_json
from jiangxin_desktop.protocol.batch import FORMAT, REGISTRATION, Enrolment, read_registration

REGISTERED = "jiangxin.registered"
STATION_CODE = re.compile(r"[0-9A-Za-z_-]{1,40}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_enrolment(receiver: Receiver, station_code: str, *, days: int = 30,
                    issued_by: str = "city") -> Enrolment:
    """A new enrolment for ``station_code`` (new or known: re-enrolment after a key change)."""
    if not STATION_CODE.fullmatch(station_code):
        raise bad_request("bad_station_code", f"station code {station_code!r} has the wrong form",
                          f"服务站编码“{station_code}”不对：只能用字母、数字、下划线和连字符，最多 40 个字符。")
    if not 1 <= days <= 365:
        raise bad_request("bad_days", "days must be 1..365", "注册文件的有效天数应在 1 到 365 之间。")
    now = receiver.clock()
    token = secrets.token_urlsafe(32)
    enrolment = Enrolment(
        enrolment_id=str(uuid.uuid4()), station_code=station_code, issued_at=wire_time(now),
        expires_at=wire_time(now + timedelta(days=days)), token=token, city_name=receiver.city.name,
        url=receiver.city.url, encryption_key=receiver.city.encryption_jwk,
        signing_key=receiver.city.signing_jwk, tls_certificate=receiver.city.certificate_pem)
    s, k = schema.station, schema.station_key
    with receiver.store.transaction() as connection:
        known = connection.execute(select(s.c.code).where(s.c.code == station_code).with_for_update()).first()
        if known is None:
            connection.execute(insert(s).values(code=station_code, created_at=wire_time(now), last_sequence=0))
        keys = connection.execute(select(k.c.kid).where(k.c.station_code == station_code)).scalars().all()
        connection.execute(insert(schema.enrolment).values(
            enrolment_id=enrolment.enrolment_id, station_code=station_code, token_hash=token_hash(token),
            issued_at=enrolment.issued_at, issued_by=issued_by[:100], expires_at=enrolment.expires_at))
        kind = "enrolment.reissued" if keys else "enrolment.issued"
        detail = (f"enrolment {enrolment.enrolment_id} by {issued_by}, expires {enrolment.expires_at}"
                  + (f"; keys on record: {', '.join(keys)}" if keys else ""))
        receiver.store.audit(now, kind, detail, station_code=station_code, connection=connection)
    return enrolment


def register(receiver: Receiver, body: bytes | str, remote: str | None = None) -> str:
    """The signed acknowledgement of a sealed registration, or :class:`CityError` (audited)."""
    now = receiver.clock()
    seen: dict[str, str] = {}
    try:
        return _register(receiver, body, now, seen)
    except CityError as exc:
        receiver.refused(now, exc, station_code=seen.get("station"), remote=remote, what="registration")
        raise


def _public_key(raw_text: str, key_id: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(raw_text, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or hashlib.sha256(raw).hexdigest()[:16] != key_id:
        raise bad_request("bad_key", "public_key is not 32 bytes of base64 matching key_id",
                          "注册信息里的公钥或密钥编号不对，已拒收。请在服务站重新生成注册文件。")
    return Ed25519PublicKey.from_public_bytes(raw)


def _register(receiver: Receiver, body: bytes | str, now: datetime, seen: dict[str, str]) -> str:
    try:
        token = decrypt(body, recipient=receiver.city.encryption_key)
        claimed = unverified(token)
    except EnvelopeError as exc:
        raise envelope_refusal(exc) from None
    if claimed.typ != REGISTRATION:
        raise bad_request("wrong_type", f"expected {REGISTRATION}, got {claimed.typ!r}", "文件类型不对，已拒收。")
    try:
        registration = read_registration(claimed.document)
    except ProtocolError as exc:
        raise bad_request("invalid_document", str(exc), f"注册信息格式不对：{exc.user_message}") from None
    seen["station"] = registration.station_code
    public = _public_key(registration.public_key, registration.key_id)
    try:
        verify(token, key_for_kid=lambda kid: public if kid == registration.key_id else None, typ=REGISTRATION)
    except EnvelopeError as exc:
        raise envelope_refusal(exc) from None
    e, s, k = schema.enrolment, schema.station, schema.station_key
    with receiver.store.transaction() as connection:
        issued = connection.execute(
            select(e).where(e.c.enrolment_id == registration.enrolment_id).with_for_update()).mappings().first()
        if issued is None or issued["station_code"] != registration.station_code:
            raise CityError("unknown_enrolment", 403, "no such enrolment for this station",
                            f"市里没有为服务站 {registration.station_code} 签发过这份注册文件"
                            f"（{registration.enrolment_id}）。请向市里索取新的注册文件。")
        if not hmac.compare_digest(issued["token_hash"], token_hash(registration.token)):
            raise CityError("bad_token", 403, "token does not match the enrolment",
                            "注册口令与市里签发的不符，已拒收。请重新导入市里发来的注册文件。")
        if issued["used_at"] is not None:
            if issued["used_kid"] == registration.key_id and issued["acknowledgement"]:
                return str(issued["acknowledgement"])  # the same registration again
            raise CityError("enrolment_used", 403, "enrolment token already used",
                            f"这份注册文件已于 {issued['used_at']} 用过，不能再用。换了密钥的服务站"
                            "请向市里索取新的注册文件。")
        if wire_time(now) > issued["expires_at"]:
            raise CityError("enrolment_expired", 403, f"enrolment expired at {issued['expires_at']}",
                            f"这份注册文件已于 {issued['expires_at']}（UTC）过期。请向市里索取新的注册文件。")
        station = connection.execute(
            select(s).where(s.c.code == registration.station_code).with_for_update()).mappings().one()
        owner = connection.execute(select(k.c.station_code).where(k.c.kid == registration.key_id)).scalar()
        if owner is not None and owner != registration.station_code:
            raise CityError("key_in_use", 409, f"key {registration.key_id} belongs to station {owner}",
                            f"这把密钥已登记在服务站 {owner} 名下，不能再登记给 {registration.station_code}。")
        registered_at = wire_time(now)
        older = connection.execute(select(k.c.kid).where(
            k.c.station_code == registration.station_code, k.c.replaced_at.is_(None),
            k.c.kid != registration.key_id)).scalars().all()
        if older:
            connection.execute(update(k).where(k.c.kid.in_(older)).values(replaced_at=registered_at))
        if owner is None:
            connection.execute(insert(k).values(
                kid=registration.key_id, station_code=registration.station_code,
                public_key=registration.public_key, enrolment_id=registration.enrolment_id,
                registered_at=registered_at))
        acknowledgement = receiver.sign(canonical_json({
            "type": REGISTERED, "format": FORMAT, "enrolment_id": registration.enrolment_id,
            "station_code": registration.station_code, "key_id": registration.key_id,
            "registered_at": registered_at, "city": receiver.city.name,
            "last_sequence": station["last_sequence"], "last_hash": station["last_hash"],
        }), REGISTERED)
        connection.execute(update(e).where(e.c.enrolment_id == registration.enrolment_id).values(
            used_at=registered_at, used_kid=registration.key_id, acknowledgement=acknowledgement))
        kind = "station.reregistered" if older else "station.registered"
        detail = f"key {registration.key_id} by enrolment {registration.enrolment_id}" + (
            f"; earlier keys kept for their batches: {', '.join(older)}" if older else "")
        receiver.store.audit(now, kind, detail, station_code=registration.station_code, connection=connection)
    return acknowledgement
