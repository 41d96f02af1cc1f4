"""The city's tables (SQLAlchemy Core), the same on PostgreSQL and on SQLite.

``station`` holds where each station's chain stands (``last_sequence``, ``last_hash``); an
upload locks that row (``SELECT … FOR UPDATE`` on PostgreSQL) so one station's batches are
taken one at a time while other stations upload alongside. ``city_row`` holds the newest
version of every record (one row per entity and uuid). Created by ``create_all`` on first
use: the receiver is a pilot, its schema has no migrations yet.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()
TIME = String(32)  # ISO 8601 UTC with milliseconds and "Z", as on the wire
CODE = String(40)
UUID = String(36)
HASH = String(71)  # sha256:<64 hex>

station = Table(
    "station", metadata,
    Column("code", CODE, primary_key=True),
    Column("created_at", TIME, nullable=False),
    Column("last_sequence", Integer, nullable=False, default=0),
    Column("last_hash", HASH),
    Column("last_received_at", TIME),
)

station_key = Table(
    "station_key", metadata,
    Column("kid", String(64), primary_key=True),
    Column("station_code", CODE, ForeignKey("station.code"), nullable=False, index=True),
    Column("public_key", String(64), nullable=False),  # base64 of the raw 32 bytes
    Column("enrolment_id", UUID, nullable=False),
    Column("registered_at", TIME, nullable=False),
    Column("replaced_at", TIME),  # a newer key was registered; this one still verifies old batches
)

enrolment = Table(
    "enrolment", metadata,
    Column("enrolment_id", UUID, primary_key=True),
    Column("station_code", CODE, ForeignKey("station.code"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False),  # sha256 hex; the token itself is never stored
    Column("issued_at", TIME, nullable=False),
    Column("issued_by", String(100), nullable=False),
    Column("expires_at", TIME, nullable=False),
    Column("used_at", TIME),
    Column("used_kid", String(64)),
    Column("acknowledgement", Text),  # the signed answer, given again when the same key repeats
)

batch = Table(
    "batch", metadata,
    Column("batch_id", UUID, primary_key=True),
    Column("station_code", CODE, ForeignKey("station.code"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("document_hash", HASH, nullable=False),
    Column("previous_hash", HASH),
    Column("received_at", TIME, nullable=False),
    Column("status", String(16), nullable=False),  # accepted | rejected
    Column("error_code", String(40)),
    Column("records", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("signer_kid", String(64), nullable=False),
    Column("receipt", Text, nullable=False),  # the signed receipt JWS, given again on a repeat
    UniqueConstraint("station_code", "sequence", name="uq_batch_station_sequence"),
)

city_row = Table(
    "city_row", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("station_code", CODE, ForeignKey("station.code"), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("uuid", UUID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("op", String(16), nullable=False),
    Column("data", JSON().with_variant(JSONB(), "postgresql")),
    Column("batch_id", UUID, ForeignKey("batch.batch_id"), nullable=False),
    Column("received_at", TIME, nullable=False),
    UniqueConstraint("entity", "uuid", name="uq_row_entity_uuid"),
    Index("ix_row_station", "station_code", "entity"),
)

catalog = Table(
    "catalog", metadata,
    Column("version", String(40), primary_key=True),  # "7" or "2026.2": compared number by number
    Column("published_at", TIME, nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("jws", Text, nullable=False),
)

claim_decision = Table(
    "claim_decision", metadata,  # a city user's decision on a station's subsidy claim (city/claims.py)
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("station_code", CODE, ForeignKey("station.code"), nullable=False),
    Column("sequence", Integer, nullable=False),  # per station, 1, 2, 3 …: what the station asks after
    Column("claim_uuid", UUID, nullable=False, index=True),
    Column("claim_number", String(40), nullable=False),
    Column("decision", String(12), nullable=False),  # approved | returned | paid
    Column("amount_fen", BigInteger),
    Column("reason", Text),
    Column("paid_on", String(10)),  # ISO date
    Column("decided_at", TIME, nullable=False),
    Column("decided_by", String(100), nullable=False),
    UniqueConstraint("station_code", "sequence", name="uq_claim_decision_station_sequence"),
)

audit = Table(
    "audit", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", TIME, nullable=False),
    Column("kind", String(40), nullable=False),  # refused | enrolment.issued | station.registered …
    Column("station_code", CODE),
    Column("batch_id", UUID),
    Column("code", String(40)),
    Column("detail", Text, nullable=False),
    Column("remote", String(100)),
    Index("ix_audit_at", "at"),
)
