"""Personal data inside audit events, sealed per trainee so that it can be erased.

Audit events are append-only and hash-chained, so a trainee's name or ID number written
into one could never be removed — and the retention rule must remove it. Each trainee
therefore has a random 256-bit data key (table ``trainee_key``); the identifying fields
of the before/after records written into audit events are sealed with AES-256-GCM under
that key (the trainee's UUID bound in). Anonymising a trainee deletes the key (with
``secure_delete`` on): the events stay, their chain still verifies, and what identified
the person can no longer be read ("crypto-shredding"). Non-identifying fields (category,
status, versions, times) stay in clear, so the audit view can still filter and explain.
"""

from __future__ import annotations

import base64
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from jiangxin_desktop.protocol import SCHEMAS, TRAINEE
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import TraineeKey

SEALED = "sealed"
ERASED = "erased"  # marks a sealed part whose key was deleted by the retention rule
# Fields of a record about a trainee that identify the person: those the wire schemas mark
# identifying (the one list, protocol/entities.py), also under the "trainee_" prefix by which
# enrolment and certificate records name their trainee's fields (trainee_name, trainee_id_number).
_OWN = frozenset[str]().union(*(s.identifying for s in SCHEMAS.values()))
IDENTIFYING = _OWN | {f"trainee_{column}" for column in SCHEMAS[TRAINEE].identifying}


def _key(session: Session, uuid: str, *, create: bool) -> bytes | None:
    row = session.get(TraineeKey, uuid)
    if row is not None:
        return bytes.fromhex(row.key_hex)
    if not create:
        return None
    key = secrets.token_bytes(32)
    session.add(TraineeKey(trainee_uuid=uuid, key_hex=key.hex(), created_at=utc_now()))
    session.flush()
    return key


def seal(session: Session, uuid: str, record: dict | None) -> dict | None:
    """``record`` with its identifying fields sealed under trainee ``uuid``'s key.

    The subject is named in the blob, so an enrollment's event is sealed (and erased)
    with its trainee."""
    if record is None:
        return None
    clear = {k: v for k, v in record.items() if k not in IDENTIFYING}
    secret = {k: v for k, v in record.items() if k in IDENTIFYING}
    if not secret:
        return clear
    key = _key(session, uuid, create=True)
    assert key is not None
    nonce = secrets.token_bytes(12)
    plain = json.dumps(secret, ensure_ascii=False, sort_keys=True, default=str).encode()
    blob = AESGCM(key).encrypt(nonce, plain, uuid.encode())
    clear[SEALED] = {"subject": uuid, "data": base64.b64encode(nonce + blob).decode("ascii")}
    return clear


def unseal(session: Session, record: dict) -> dict:
    """The record with its sealed fields opened, or marked erased when the key is gone."""
    sealed = record.get(SEALED)
    if not isinstance(sealed, dict):
        return record
    out = {k: v for k, v in record.items() if k != SEALED}
    uuid = sealed["subject"]
    key = _key(session, uuid, create=False)
    if key is None:
        out[ERASED] = True
        return out
    raw = base64.b64decode(sealed["data"])
    try:
        out.update(json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], uuid.encode())))
    except InvalidTag:
        out[ERASED] = True
    return out


def shred(session: Session, uuids: list[str]) -> None:
    """Delete these trainees' data keys, overwriting the freed pages (secure_delete)."""
    session.execute(text("PRAGMA secure_delete = ON"))
    for start in range(0, len(uuids), 500):
        session.execute(delete(TraineeKey).where(TraineeKey.trainee_uuid.in_(uuids[start : start + 500])))
