"""Models of the sync state (migration 0013): enrolment, batches, receipts, accepted catalogs.

Local only: none of these rows travel. ``store/outbox.py`` imports this module, so the
tables are in ``Base.metadata`` wherever the outbox is used.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jiangxin_desktop.store.models import Base

# sync_batch.status
REVIEW = "review"  # waiting for a reviewer (the station asks for approval before a batch leaves)
READY = "ready"  # sealed, waiting to be sent
SENT = "sent"  # handed over (HTTP without a receipt yet, or exported to a USB folder)
CONFIRMED = "confirmed"  # the city's signed receipt accepted it
REJECTED = "rejected"  # the city's signed receipt refused it (last_error says why)
BATCH_STATUSES = (REVIEW, READY, SENT, CONFIRMED, REJECTED)


class SyncEnrolment(Base):
    """An enrolment file the station imported; the active one says where and to whom to send."""

    __tablename__ = "sync_enrolment"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[str] = mapped_column(String(36), unique=True)
    station_code: Mapped[str] = mapped_column(String(40))
    city_name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    encryption_key: Mapped[str] = mapped_column(Text)  # public JWK, JSON
    signing_key: Mapped[str] = mapped_column(Text)  # public JWK, JSON
    tls_certificate: Mapped[str] = mapped_column(Text)  # PEM, pinned
    token: Mapped[str] = mapped_column(String(100))
    station_key_id: Mapped[str] = mapped_column(String(32))
    registration: Mapped[str] = mapped_column(Text)  # sealed registration (JWE compact)
    issued_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[str] = mapped_column(String(32))
    imported_by: Mapped[str] = mapped_column(String(60))
    registered_at: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean)


class SyncBatch(Base):
    """A sealed batch, numbered per station without gaps and chained by the previous one's hash."""

    __tablename__ = "sync_batch"
    __table_args__ = (Index("ix_sync_batch_status", "status", "sequence"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    station_code: Mapped[str] = mapped_column(String(40))
    enrolment_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(60))
    document_hash: Mapped[str] = mapped_column(String(71))
    previous_hash: Mapped[str | None] = mapped_column(String(71))
    record_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[str] = mapped_column(Text)  # JSON {entity: n}
    envelope: Mapped[str] = mapped_column(Text)  # JWE compact
    status: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[str | None] = mapped_column(String(60))
    approved_at: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[str | None] = mapped_column(String(32))
    next_attempt_at: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[str | None] = mapped_column(String(32))
    confirmed_at: Mapped[str | None] = mapped_column(String(32))


class SyncReceipt(Base):
    """The city's signed receipt for one batch, kept as received."""

    __tablename__ = "sync_receipt"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), ForeignKey("sync_batch.batch_id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[str] = mapped_column(String(32))
    accepted: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_message: Mapped[str | None] = mapped_column(Text)
    signed: Mapped[str] = mapped_column(Text)  # JWS compact
    key_id: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[str] = mapped_column(String(32))


class SyncCatalog(Base):
    """A catalog the city published, signed, and the station accepted."""

    __tablename__ = "sync_catalog"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    published_at: Mapped[str] = mapped_column(String(32))
    signed: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[str] = mapped_column(String(32))
    accepted_by: Mapped[str] = mapped_column(String(60))
