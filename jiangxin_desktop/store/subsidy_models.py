"""Models of subsidy claims (migration 0014): the claim, the city's decisions, subsidies elsewhere.

``subsidy_claim`` travels (entity ``subsidy_claim``). A claim is one enrolment's request
for its subsidy, with what it rests on frozen in ``inputs_json`` (hours, scores, the
certificate, the standard and the catalog version) and its hash. ``status``:

- ``draft`` (草稿): written by a clerk; counts toward nothing.
- ``reviewed`` (已审核): a reviewer approved it; from now on its inputs may not change and it
  counts toward the person's limits. It is 已提交 once a sync batch carries it
  (``submitted_batch_id``, local: set when the batch is built, never sent).
- ``approved`` (核准, ``decided_amount_fen``), ``returned`` (退回, ``decision_reason``),
  ``paid`` (已发放, ``paid_on``): the city's decision, arrived by the signed downlink.
- ``withdrawn`` (已撤回): taken back by the station before the city decided.

A returned claim is corrected as a new claim (``revision`` + 1, ``supersedes_uuid``); the
returned one stays as it was. ``subsidy_decision`` keeps every decision as received;
``subsidy_elsewhere`` the subsidies the city knows of this station's trainees at other
stations (replaced whole by each downlink), counted by the per-person limits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jiangxin_desktop.store.models import Base, Travelling

DRAFT, REVIEWED, APPROVED, RETURNED, PAID, WITHDRAWN = "draft", "reviewed", "approved", "returned", "paid", "withdrawn"
CLAIM_STATUSES = (DRAFT, REVIEWED, APPROVED, RETURNED, PAID, WITHDRAWN)
# The inputs of a claim in these states are frozen: attendance, scores and the certificate
# of its enrolment may not change (store/claim_lock.py says so to the services that write them).
FROZEN_STATUSES = frozenset({REVIEWED, APPROVED, PAID})
# The city's decisions as the downlink names them.
DECISIONS = (APPROVED, RETURNED, PAID)


class SubsidyClaim(Travelling, Base):
    __tablename__ = "subsidy_claim"
    __table_args__ = (
        UniqueConstraint("station_code", "year", "serial"),
        Index("ix_subsidy_claim_enrollment", "enrollment_uuid", "revision"),
        Index("ix_subsidy_claim_trainee", "trainee_uuid"),
        Index("ix_subsidy_claim_class", "class_uuid", "status"),
        # the dashboard's claimed / approved / paid in a period (covering: migration 0016)
        Index("ix_subsidy_claim_reviewed", "reviewed_at", "status", "amount_fen"),
        Index("ix_subsidy_claim_decided", "decided_at", "status", "decided_amount_fen"),
        Index("ix_subsidy_claim_paid", "paid_on", "status", "decided_amount_fen"),
        Index("ix_subsidy_claim_updated", "updated_at"),  # what the dashboard's tallies have not taken in
    )
    number: Mapped[str] = mapped_column(String(40), unique=True)  # {station}-BT{year}-{serial:05d}
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_uuid: Mapped[str | None] = mapped_column(String(36))
    enrollment_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("enrollment.uuid"))
    trainee_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("trainee.uuid"))
    class_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("training_class.uuid"))
    certificate_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("certificate.uuid"))
    status: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(24))  # a key of domain.subsidy_standards.KINDS
    standard_fen: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    fee_fen: Mapped[int] = mapped_column(Integer)
    government_fen: Mapped[int] = mapped_column(Integer)
    employer_fen: Mapped[int] = mapped_column(Integer)
    personal_fen: Mapped[int] = mapped_column(Integer)
    payee_kind: Mapped[str] = mapped_column(String(8))  # person | unit
    payee_name: Mapped[str] = mapped_column(String(200))
    payee_account: Mapped[str] = mapped_column(String(40))
    payee_bank: Mapped[str | None] = mapped_column(String(100))
    payee_uscc: Mapped[str | None] = mapped_column(String(18))
    catalog_version: Mapped[str] = mapped_column(String(60))
    inputs_json: Mapped[str] = mapped_column(Text)  # what the claim rests on, frozen
    inputs_hash: Mapped[str] = mapped_column(String(71))  # sha256:<hex> of canonical inputs_json
    explanation_json: Mapped[str] = mapped_column(Text)  # [{"rule", "text", "ok", "blocks"}]
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(60))
    reviewed_by: Mapped[str | None] = mapped_column(String(60))
    reviewed_at: Mapped[str | None] = mapped_column(String(32))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    decided_amount_fen: Mapped[int | None] = mapped_column(Integer)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[str | None] = mapped_column(String(32))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    paid_on: Mapped[date | None] = mapped_column(Date)
    # local only (never sent): the batch that carried the reviewed claim to the city
    submitted_batch_id: Mapped[str | None] = mapped_column(String(36))


class SubsidyDecision(Base):
    """A decision of the city on a claim, as the signed downlink carried it (local only)."""

    __tablename__ = "subsidy_decision"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_sequence: Mapped[int] = mapped_column(Integer, unique=True)  # the city's number, rising
    claim_uuid: Mapped[str] = mapped_column(String(36), index=True)
    decision: Mapped[str] = mapped_column(String(12))  # approved | returned | paid
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    paid_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[str] = mapped_column(String(32))
    applied: Mapped[str] = mapped_column(String(12))  # applied | conflict | unknown_claim
    note: Mapped[str | None] = mapped_column(Text)  # why it was not applied


class SubsidyElsewhere(Base):
    """A subsidy of one of this station's trainees, claimed at another station (local only)."""

    __tablename__ = "subsidy_elsewhere"
    claim_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    trainee_uuid: Mapped[str] = mapped_column(String(36), index=True)
    station_code: Mapped[str] = mapped_column(String(40))
    occupation_code: Mapped[str] = mapped_column(String(12))
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[str] = mapped_column(String(32))
