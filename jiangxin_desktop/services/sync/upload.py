"""One sync run over HTTPS: register if the city has not acknowledged us yet, send the batches in
sequence order (stopping at the first that does not get its receipt), then ask for a newer catalog.

A failed attempt is written on the batch: attempts, when the next may be made (exponential back-off
with full jitter: a random wait between 0 and min(1 hour, 30 s × 2^(attempts−1))), and why, in
plain Chinese. A batch becomes 已发送 only when the whole request went out and no receipt came.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from jiangxin_desktop.services.security import iso_utc, parse_iso
from jiangxin_desktop.services.sync.model import SyncResult
from jiangxin_desktop.store.sync_models import READY, REVIEW, SENT, SyncBatch

BASE_DELAY = 30.0  # seconds before the first retry, at most
MAX_DELAY = 3600.0  # the wait never grows beyond an hour

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass
class Tally:
    """What a run did so far (SyncResult is frozen)."""

    sent: int = 0
    confirmed: int = 0
    rejected: int = 0
    skipped: int = 0
    failed: str | None = None
    catalog_version: str | None = None
    registered: bool = False
    messages: list[str] = field(default_factory=list)
    decisions: dict | None = None  # what the city's decisions on claims did (DecisionSummary.to_json())

    def result(self) -> SyncResult:
        return SyncResult(self.sent, self.confirmed, self.rejected, self.failed, self.catalog_version,
                          self.registered, self.skipped, list(self.messages), self.decisions)


def delay_after(attempts: int, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base × 2^(attempts−1))]."""
    return rng.uniform(0.0, min(MAX_DELAY, BASE_DELAY * 2 ** max(attempts - 1, 0)))


def note_failure(batch: SyncBatch, reason: str, *, now: datetime, rng: random.Random, handed_over: bool) -> None:
    batch.attempts = (batch.attempts or 0) + 1
    batch.last_attempt_at = iso_utc(now)
    batch.next_attempt_at = iso_utc(now + timedelta(seconds=delay_after(batch.attempts, rng)))
    batch.last_error = reason
    if handed_over and batch.status == READY:
        batch.status, batch.sent_at = SENT, iso_utc(now)


@dataclass(frozen=True)
class Queued:
    batch_id: str
    sequence: int
    status: str
    next_attempt_at: str | None
    envelope: str


def queue(session) -> list[Queued]:
    """Batches still to go, in sequence order (a 待审核 one holds back those after it)."""
    rows = session.scalars(
        select(SyncBatch).where(SyncBatch.status.in_((REVIEW, READY, SENT))).order_by(SyncBatch.sequence)
    )
    return [Queued(b.batch_id, b.sequence, b.status, b.next_attempt_at, b.envelope) for b in rows]


def due(item: Queued, now: datetime) -> bool:
    return item.next_attempt_at is None or parse_iso(item.next_attempt_at) <= now
