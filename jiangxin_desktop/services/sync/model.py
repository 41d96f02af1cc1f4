"""What the sync service hands to the command line and the 同步 page: plain frozen records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.store.sync_models import CONFIRMED, READY, REJECTED, REVIEW, SENT

# The words the clerk sees for a batch's status (UI.md).
STATUS_LABELS: dict[str, str] = {
    REVIEW: "待审核",
    READY: "待发送",
    SENT: "已发送",
    CONFIRMED: "已确认",
    REJECTED: "失败",
}


class SyncError(KnownError):
    """A sync step that could not be done; ``message`` says in Chinese what and what to do."""


@dataclass(frozen=True)
class EnrolmentInfo:
    """The active enrolment: which city, where, and since when this station is registered there."""

    enrolment_id: str
    city_name: str
    url: str
    station_code: str
    imported_at: str
    expires_at: str
    registered_at: str | None  # set when the city's signed acknowledgement arrived (HTTPS or USB)
    imported_by: str = ""

    @property
    def registered(self) -> bool:
        return self.registered_at is not None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BatchInfo:
    """One sealed batch as the clerk sees it."""

    batch_id: str
    sequence: int
    created_at: str
    record_count: int
    counts: dict[str, int]
    status: str  # review | ready | sent | confirmed | rejected
    status_label: str  # 待审核 / 待发送 / 已发送 / 已确认 / 失败
    attempts: int = 0
    last_error: str | None = None  # plain Chinese: 网络不通 / 证书不符 / 市里拒收：…
    sent_at: str | None = None
    confirmed_at: str | None = None
    next_attempt_at: str | None = None
    approved_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SyncStatus:
    """The overview of the 同步 page and ``sync status``."""

    enrolled: bool
    registered: bool
    pending_records: int  # outbox entries not in a batch yet
    unconfirmed_records: int  # outbox entries not confirmed by the city (in no batch, or in one not 已确认)
    batches: dict[str, int]  # status → number of batches
    last_success_at: str | None  # when the city last confirmed a batch
    catalog_version: str | None  # the newest signed catalog accepted from the city
    warnings: list[str] = field(default_factory=list)  # Chinese sentences
    enrolment: EnrolmentInfo | None = None
    failed_records: int = 0  # outbox entries in batches the city refused (重新发送失败记录 puts them back)
    decisions_last: int | None = None  # the highest city sequence of a decision on claims recorded here
    decision_conflicts: int = 0  # decisions of the city not applied (conflict / unknown claim)

    def to_json(self) -> dict[str, Any]:
        return {
            "enrolled": self.enrolled,
            "registered": self.registered,
            "pending": self.unconfirmed_records,
            "pending_unbatched": self.pending_records,
            "batches": dict(self.batches),
            "last_success_at": self.last_success_at,
            "catalog_version": self.catalog_version,
            "warnings": list(self.warnings),
            "enrolment": None if self.enrolment is None else self.enrolment.to_json(),
            "failed_records": self.failed_records,
            "decisions_last": self.decisions_last,
            "decision_conflicts": self.decision_conflicts,
        }


@dataclass(frozen=True)
class SyncResult:
    """What one ``sync_now`` or ``import_receipts`` did."""

    sent: int = 0  # batches handed over
    confirmed: int = 0  # batches the city's receipts accepted
    rejected: int = 0  # batches the city's receipts refused
    failed: str | None = None  # why it stopped early, Chinese (None: nothing went wrong)
    catalog_version: str | None = None  # a newer signed catalog accepted, or None
    registered: bool = False  # the registration was acknowledged in this run
    skipped: int = 0  # batches whose next attempt is not due yet (back-off)
    messages: list[str] = field(default_factory=list)  # Chinese lines, e.g. a refused catalog
    decisions: dict | None = None  # the city's decisions on claims applied in this run (counts, notes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ExportResult:
    """What ``export_to`` wrote to the USB folder."""

    folder: str  # <dir>/jiangxin-sync/<station>
    registration: bool  # registration.jwe written (not registered yet)
    batches: int  # batch files written

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CatalogInfo:
    """A signed catalog accepted from the city."""

    version: str
    published_at: str
    accepted_at: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LogEntry:
    """One line of the sync log (an audit event of the sync service)."""

    at: str
    actor: str
    action: str
    summary: str  # Chinese

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
