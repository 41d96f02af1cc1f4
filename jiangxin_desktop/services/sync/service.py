"""The sync service: the one object the command line and the 同步 page use (see the package note)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jiangxin_desktop.services.sync.model import (
    BatchInfo,
    CatalogInfo,
    EnrolmentInfo,
    ExportResult,
    LogEntry,
    SyncResult,
    SyncStatus,
)

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class SyncService:
    """Skeleton: the methods' signatures are final; bodies land in the next commits."""

    def enrol(self, path_or_text: str | Path) -> EnrolmentInfo:
        raise NotImplementedError

    def enrolment(self) -> EnrolmentInfo | None:
        return None

    def build_batches(self) -> list[BatchInfo]:
        return []

    def approve(self, batch_id: str) -> BatchInfo:
        raise NotImplementedError

    def export_to(self, folder: str | Path) -> ExportResult:
        raise NotImplementedError

    def import_receipts(self, folder: str | Path) -> SyncResult:
        raise NotImplementedError

    def import_catalog(self, path: str | Path) -> CatalogInfo:
        raise NotImplementedError

    def sync_now(self, progress: Progress | None = None, cancelled: Cancelled | None = None,
                 *, force: bool = False) -> SyncResult:
        raise NotImplementedError

    def status(self) -> SyncStatus:
        return SyncStatus(False, False, 0, 0, {}, None, None, ["尚未加入市里的同步，请先导入市里发来的加入文件。"])

    def batches(self, limit: int = 50) -> list[BatchInfo]:
        return []

    def log(self, limit: int = 100) -> list[LogEntry]:
        return []

    def retry_failed(self) -> int:
        return 0
