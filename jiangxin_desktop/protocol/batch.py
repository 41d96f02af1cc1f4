"""The documents that travel between a station and the city, as plain JSON data.

Four kinds, each an object with ``type`` and ``format``:

- a **batch** (station → city): the station's changed rows, numbered per station without
  gaps and chained by the hash of the previous batch;
- a **receipt** (city → station): what the city did with one batch (signed by the city);
- a **registration** (station → city): the station's public key, proved by the one-time
  token of its enrolment file;
- an **enrolment** (city → station, by hand): where the city is and its public keys.

This module builds and checks their content; ``jiangxin_desktop.envelope`` signs and
encrypts them. Only the standard library, like the rest of ``protocol``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jiangxin_desktop.protocol.canonical import canonical_json
from jiangxin_desktop.protocol.convert import from_wire
from jiangxin_desktop.protocol.entities import DELETE, OPERATIONS, PROTOCOL_VERSION, SCHEMAS
from jiangxin_desktop.protocol.errors import ProtocolError

FORMAT = 1
BATCH = "jiangxin.batch"
RECEIPT = "jiangxin.receipt"
REGISTRATION = "jiangxin.registration"
ENROLMENT = "jiangxin.enrolment"
CATALOG = "jiangxin.catalog"
CLAIM_DECISIONS = "jiangxin.claim_decisions"  # city → station: decisions on claims (protocol/decisions.py)
DECISIONS_REQUEST = "jiangxin.decisions_request"  # station → city: "my decisions after N, please"

ACCEPTED = "accepted"
REJECTED = "rejected"

ENTITY_ORDER: tuple[str, ...] = tuple(SCHEMAS)  # parents before children
_RANK = {entity: rank for rank, entity in enumerate(ENTITY_ORDER)}

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HASH = re.compile(r"sha256:[0-9a-f]{64}")
_STATION = re.compile(r"[0-9A-Za-z_-]{1,40}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")  # as wire datetimes


class DocumentError(ProtocolError):
    """A document that is not what its ``type`` says (wrong field, wrong order, wrong count)."""

    def __init__(self, message: str, user_message: str = "收到的同步文件格式不对，已拒收。") -> None:
        super().__init__(message, user_message)


def document_hash(document: bytes) -> str:
    """``sha256:<hex>`` of a document's canonical bytes: how batches chain and are named."""
    return "sha256:" + hashlib.sha256(document).hexdigest()


@dataclass(frozen=True)
class Record:
    """One row in a batch: the row as it stood when the batch was made (``data``), or none for delete."""

    entity: str
    uuid: str
    version: int
    op: str
    data: Mapping[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        data = self.data
        if data is not None and type(data) is not dict:
            data = dict(data)  # a plain dict is encoded as it is: no copy of 50,000 rows
        # keys in canonical order, as canonical_json writes them
        return {"data": data, "entity": self.entity, "op": self.op, "uuid": self.uuid, "version": self.version}


def ordered(records: Iterable[Record]) -> list[Record]:
    """Parents before children (trainee … certificate), keeping the given order within an entity."""
    return sorted(records, key=lambda r: _RANK[r.entity])


def batch_document(
    *,
    batch_id: str,
    station_code: str,
    sequence: int,
    created_at: str,
    previous_hash: str | None,
    records: Iterable[Record],
) -> bytes:
    """The canonical bytes of a batch. ``records`` hold wire data (``to_wire``'s output)."""
    rows = ordered(records)
    counts: dict[str, int] = {}
    for record in rows:
        counts[record.entity] = counts.get(record.entity, 0) + 1
    document = {
        "type": BATCH,
        "format": FORMAT,
        "protocol_version": PROTOCOL_VERSION,
        "batch_id": batch_id,
        "station_code": station_code,
        "sequence": sequence,
        "created_at": created_at,
        "previous_hash": previous_hash,
        "counts": counts,
        "total": len(rows),
        "records": [record.to_json() for record in rows],
    }
    return canonical_json(document)


@dataclass(frozen=True)
class Batch:
    batch_id: str
    station_code: str
    sequence: int
    created_at: str
    previous_hash: str | None
    counts: Mapping[str, int]
    records: tuple[Record, ...]
    hash: str  # document_hash of the bytes it was read from


def _load(data: bytes, kind: str) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{kind}: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("type") != kind:
        raise DocumentError(f"not a {kind} document")
    if document.get("format") != FORMAT:
        raise DocumentError(
            f"{kind}: format {document.get('format')!r} is not {FORMAT}",
            "同步文件的版本与本程序不符，请升级程序后再试。",
        )
    return document


def _field(document: Mapping[str, Any], name: str, kind: type | tuple[type, ...], *,
           pattern: re.Pattern[str] | None = None, nullable: bool = False) -> Any:
    value = document.get(name)
    if value is None and nullable and name in document:
        return None
    if type(value) not in (kind if isinstance(kind, tuple) else (kind,)):
        raise DocumentError(f"field {name!r} is missing or of the wrong type")
    if pattern is not None and not pattern.fullmatch(value):
        raise DocumentError(f"field {name!r} has the wrong form")
    return value


def _count(document: Mapping[str, Any], name: str, least: int) -> int:
    value: int = _field(document, name, int)
    if value < least:
        raise DocumentError(f"field {name!r} must be {least} or more")
    return value


def read_batch(data: bytes) -> Batch:
    """Check a batch document completely (header, counts, order, every record's fields)."""
    document = _load(data, BATCH)
    batch_id = _field(document, "batch_id", str, pattern=_UUID)
    station = _field(document, "station_code", str, pattern=_STATION)
    sequence = _field(document, "sequence", int)
    if sequence < 1:
        raise DocumentError("sequence must be 1 or more")
    previous = _field(document, "previous_hash", str, pattern=_HASH, nullable=True)
    if (previous is None) != (sequence == 1):
        raise DocumentError("previous_hash must be null exactly for sequence 1")
    raw_records = _field(document, "records", list)
    records: list[Record] = []
    last_rank = -1
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_records):
        if not isinstance(raw, dict) or set(raw) != {"entity", "uuid", "version", "op", "data"}:
            raise DocumentError(f"records[{index}] is not a record")
        entity, op = raw["entity"], raw["op"]
        if entity not in _RANK or op not in OPERATIONS:
            raise DocumentError(f"records[{index}]: unknown entity or operation")
        if _RANK[entity] < last_rank:
            raise DocumentError(f"records[{index}]: {entity} after its children (parents come first)")
        last_rank = _RANK[entity]
        uuid = _field(raw, "uuid", str, pattern=_UUID)
        version = _field(raw, "version", int)
        if (entity, uuid) in seen:
            raise DocumentError(f"records[{index}]: {entity} {uuid} twice in one batch")
        seen.add((entity, uuid))
        row = raw["data"]
        if op == DELETE:
            if row is not None:
                raise DocumentError(f"records[{index}]: a delete carries no data")
        else:
            if not isinstance(row, dict):
                raise DocumentError(f"records[{index}]: data missing")
            from_wire(entity, row)  # every field checked; raises ProtocolError
            if row.get("uuid") != uuid or row.get("version") != version:
                raise DocumentError(f"records[{index}]: uuid or version differs from its data")
        records.append(Record(entity, uuid, version, op, row))
    counts = _field(document, "counts", dict)
    actual: dict[str, int] = {}
    for record in records:
        actual[record.entity] = actual.get(record.entity, 0) + 1
    if (counts != actual or any(type(n) is not int for n in counts.values())  # true == 1 in Python
            or _field(document, "total", int) != len(records)):
        raise DocumentError("counts do not match the records")
    return Batch(batch_id, station, sequence, _field(document, "created_at", str, pattern=_TIME), previous,
                 counts, tuple(records), document_hash(data))


# -- receipts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What the city did with one batch. ``error_code``/``error_message`` only when rejected."""

    batch_id: str
    station_code: str
    sequence: int
    batch_hash: str
    received_at: str
    status: str  # accepted | rejected
    accepted: int = 0
    duplicates: int = 0
    error_code: str | None = None
    error_message: str | None = None  # Chinese, for the clerk

    def document(self) -> bytes:
        return canonical_json({
            "type": RECEIPT, "format": FORMAT, "batch_id": self.batch_id,
            "station_code": self.station_code, "sequence": self.sequence,
            "batch_hash": self.batch_hash, "received_at": self.received_at, "status": self.status,
            "accepted": self.accepted, "duplicates": self.duplicates,
            "error": None if self.error_code is None else
            {"code": self.error_code, "message": self.error_message or ""},
        })


def read_receipt(data: bytes) -> Receipt:
    document = _load(data, RECEIPT)
    status = _field(document, "status", str)
    if status not in (ACCEPTED, REJECTED):
        raise DocumentError("receipt status must be accepted or rejected")
    error = _field(document, "error", dict, nullable=True)
    if (error is None) != (status == ACCEPTED):
        raise DocumentError("a rejected receipt carries an error, an accepted one none")
    return Receipt(
        batch_id=_field(document, "batch_id", str, pattern=_UUID),
        station_code=_field(document, "station_code", str, pattern=_STATION),
        sequence=_count(document, "sequence", 1),
        batch_hash=_field(document, "batch_hash", str, pattern=_HASH),
        received_at=_field(document, "received_at", str, pattern=_TIME),
        status=status,
        accepted=_count(document, "accepted", 0),
        duplicates=_count(document, "duplicates", 0),
        error_code=None if error is None else _field(error, "code", str),
        error_message=None if error is None else _field(error, "message", str),
    )


# -- enrolment and registration ---------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """The city's enrolment file for one station: where to send and whose keys to trust."""

    enrolment_id: str
    station_code: str
    issued_at: str
    expires_at: str
    token: str  # one-time secret proving the registration comes from the enrolled station
    city_name: str
    url: str
    encryption_key: Mapping[str, Any]  # public RSA JWK (RSA-OAEP-256), with "kid"
    signing_key: Mapping[str, Any]  # public OKP JWK (Ed25519), with "kid"
    tls_certificate: str  # PEM of the receiver's certificate, pinned

    def document(self) -> bytes:
        return canonical_json({
            "type": ENROLMENT, "format": FORMAT, "enrolment_id": self.enrolment_id,
            "station_code": self.station_code, "issued_at": self.issued_at,
            "expires_at": self.expires_at, "token": self.token,
            "city": {"name": self.city_name, "url": self.url,
                     "encryption_key": dict(self.encryption_key),
                     "signing_key": dict(self.signing_key),
                     "tls_certificate": self.tls_certificate},
        })


def read_enrolment(data: bytes) -> Enrolment:
    document = _load(data, ENROLMENT)
    city = _field(document, "city", dict)
    return Enrolment(
        enrolment_id=_field(document, "enrolment_id", str, pattern=_UUID),
        station_code=_field(document, "station_code", str, pattern=_STATION),
        issued_at=_field(document, "issued_at", str, pattern=_TIME),
        expires_at=_field(document, "expires_at", str, pattern=_TIME),
        token=_field(document, "token", str),
        city_name=_field(city, "name", str),
        url=_field(city, "url", str),
        encryption_key=_field(city, "encryption_key", dict),
        signing_key=_field(city, "signing_key", dict),
        tls_certificate=_field(city, "tls_certificate", str),
    )


@dataclass(frozen=True)
class Registration:
    """The station's answer to an enrolment: its Ed25519 public key, with the one-time token."""

    enrolment_id: str
    station_code: str
    token: str
    key_id: str
    public_key: str  # base64 of the raw 32 bytes
    created_at: str

    def document(self) -> bytes:
        return canonical_json({
            "type": REGISTRATION, "format": FORMAT, "enrolment_id": self.enrolment_id,
            "station_code": self.station_code, "token": self.token, "key_id": self.key_id,
            "public_key": self.public_key, "created_at": self.created_at,
        })


def read_registration(data: bytes) -> Registration:
    document = _load(data, REGISTRATION)
    return Registration(
        enrolment_id=_field(document, "enrolment_id", str, pattern=_UUID),
        station_code=_field(document, "station_code", str, pattern=_STATION),
        token=_field(document, "token", str),
        key_id=_field(document, "key_id", str),
        public_key=_field(document, "public_key", str),
        created_at=_field(document, "created_at", str, pattern=_TIME),
    )
