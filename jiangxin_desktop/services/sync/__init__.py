"""Sync to the city (issue 17), the station's side: enrolment, sealed batches from the outbox,
upload over pinned HTTPS or a USB folder, the city's signed receipts, and signed catalogs down.

Public API (``SyncService``, built by ``context.py`` as ``ctx.sync``):

- ``enrol(path_or_text)`` → ``EnrolmentInfo``: import the city's enrolment file (a path or its
  text pasted), build the sealed registration; replaces the active enrolment (audited).
- ``enrolment()`` → ``EnrolmentInfo | None``: the active enrolment.
- ``build_batches()`` → ``list[BatchInfo]``: seal the pending outbox entries into numbered batches.
- ``approve(batch_id)`` → ``BatchInfo``: a reviewer lets a 待审核 batch leave (``sync.require_review``).
- ``export_to(folder)`` → ``ExportResult``: USB: registration + ready batches into
  ``folder/jiangxin-sync/<station>/``; exported batches become 已发送.
- ``import_receipts(folder)`` → ``SyncResult``: USB: the city's receipts, ack and catalog.
- ``sync_now(progress=None, cancelled=None, force=False)`` → ``SyncResult``: HTTPS: register, send
  batches in order, fetch a newer catalog. ``progress(done, total, text)``; ``cancelled()`` → bool.
- ``status()`` → ``SyncStatus``; ``batches(limit=50)`` → ``list[BatchInfo]`` newest first;
  ``log(limit=100)`` → ``list[LogEntry]`` (the sync audit events, newest first).
- ``retry_failed()`` → int: entries of 失败 (rejected) batches go back to the outbox.
- ``record_statuses(entity, uuids)`` → ``{uuid: 待发送/待审核/已发送/已确认/失败}`` per record.
- ``import_catalog(path)`` → ``CatalogInfo``: a signed catalog file (catalog.jws) from the city.

May import: ``domain``, ``store``, ``protocol``, ``envelope`` and the public names of every other
feature package. Nothing imports it but ``context``, ``cli`` and ``ui``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

_EXPORTS = {
    "BatchInfo": "model",
    "CatalogInfo": "model",
    "EnrolmentInfo": "model",
    "ExportResult": "model",
    "LogEntry": "model",
    "STATUS_LABELS": "model",
    "SyncError": "model",
    "SyncResult": "model",
    "SyncStatus": "model",
    "SyncService": "service",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.sync.model import (
        STATUS_LABELS,
        BatchInfo,
        CatalogInfo,
        EnrolmentInfo,
        ExportResult,
        LogEntry,
        SyncError,
        SyncResult,
        SyncStatus,
    )
    from jiangxin_desktop.services.sync.service import SyncService


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
