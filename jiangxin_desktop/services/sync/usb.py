"""The USB way: the same sealed files and signed answers as over HTTPS, in a folder.

``DIR/jiangxin-sync/<station>/registration.jwe`` (until the city acknowledged it) and
``batches/<sequence:08d>-<batch_id>.jwe`` go out; the city writes ``receipts/<batch_id>.jws``,
``registered.jws``, ``decisions.jws`` and ``DIR/jiangxin-sync/catalog.jws`` back. Exported batches become 已发送;
only a receipt makes them 已确认 or 失败, exactly as over HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.files import write_private_atomic
from jiangxin_desktop.services.sync.batches import spool_name
from jiangxin_desktop.services.sync.enrolment import City, accept_ack, ack_refused
from jiangxin_desktop.services.sync.model import ExportResult, SyncError
from jiangxin_desktop.services.sync.receipts import apply_receipt, refused
from jiangxin_desktop.services.sync.upload import Tally
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.sync_models import CONFIRMED, READY, REJECTED, REVIEW, SENT, SyncBatch

TOP = "jiangxin-sync"
HOW = "U 盘"


def _folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise SyncError(f"找不到文件夹 {folder}：U 盘是否已插好？请选择 U 盘上的文件夹。")
    return folder


def export(db: Database, city: City, folder: Path, *, station_code: str, now_iso: str, actor: str) -> ExportResult:
    """Write the registration (if not yet acknowledged) and every batch still to go, in order."""
    station = _folder(folder) / TOP / station_code
    try:
        (station / "batches").mkdir(parents=True, exist_ok=True)
        for leftover in (station / "batches").glob(".*.jwe.*"):  # an export cut off mid-write
            leftover.unlink(missing_ok=True)
        registration = city.registered_at is None
        if registration:
            write_private_atomic(station / "registration.jwe", city.registration.encode("ascii"))
        with db.write() as session:
            rows = list(session.scalars(select(SyncBatch).where(
                SyncBatch.status.in_((REVIEW, READY, SENT, CONFIRMED))).order_by(SyncBatch.sequence)))
            written, held = 0, False
            for batch in rows:
                path = station / "batches" / spool_name(batch.sequence, batch.batch_id)
                if batch.status == CONFIRMED:
                    path.unlink(missing_ok=True)  # the city has it: the stick need not carry it again
                    continue
                if held or batch.status == REVIEW:
                    held = True  # a batch waiting for review holds back the ones after it (no gaps)
                    continue
                write_private_atomic(path, batch.envelope.encode("ascii"))
                written += 1
                if batch.status == READY:
                    batch.status, batch.sent_at = SENT, now_iso
            if written or registration:
                audit(session, actor=actor, action="sync.export", object_type="sync", object_id=None,
                      after={"batches": written, "registration": registration, "folder": str(station)})
    except OSError as exc:
        raise SyncError(f"无法写入 U 盘文件夹 {station}：{describe_error(exc)}。") from None
    return ExportResult(str(station), registration, written)


def import_answers(db: Database, city: City, folder: Path, *, station_code: str, tally: Tally,
                   now: Callable[[], str], actor: str, accept_catalog: Callable[[str], Any],
                   accept_decisions: Callable[[str], Any] | None = None) -> None:
    """Apply what the city wrote back: registration ack, receipts, the newest signed catalog, and the
    city's decisions on this station's claims (``<station>/decisions.jws``)."""
    folder = _folder(folder)
    top = folder if folder.name == TOP else folder / TOP
    station = top / station_code
    if not station.is_dir() and not (top / "catalog.jws").is_file():
        raise SyncError(f"文件夹 {folder} 里没有市里给本站（{station_code}）的回执：请确认市里已导入本站的 U 盘文件。")
    ack = station / "registered.jws"
    if ack.is_file() and city.registered_at is None:
        try:
            with db.write() as session:
                tally.registered = accept_ack(session, _read(ack), now_iso=now(), actor=actor, how=HOW)
        except SyncError as exc:
            tally.failed = tally.failed or exc.message
            tally.messages.append(exc.message)
            with db.write() as session:
                ack_refused(session, exc.detail or "invalid", HOW, actor)
    receipts = sorted((station / "receipts").glob("*.jws")) if (station / "receipts").is_dir() else []
    for path in receipts:
        try:
            with db.write() as session:
                batch = session.scalar(select(SyncBatch).where(SyncBatch.batch_id == path.stem))
                if batch is None:
                    tally.messages.append(f"回执 {path.name} 不属于本站的任何批次，已跳过。")
                    continue
                if batch.status in (CONFIRMED, REJECTED):
                    continue
                status = apply_receipt(session, batch, _read(path), city, now_iso=now(), actor=actor, how=HOW)
        except SyncError as exc:
            tally.failed = tally.failed or exc.message
            tally.messages.append(exc.message)
            if exc.detail:
                with db.write() as session:
                    batch = session.scalar(select(SyncBatch).where(SyncBatch.batch_id == path.stem))
                    if batch is not None:
                        refused(session, batch, actor, HOW, exc.detail)
            continue
        if status == REJECTED:
            tally.rejected += 1
        else:
            tally.confirmed += 1
    decisions = station / "decisions.jws"
    if accept_decisions is not None and decisions.is_file():
        try:
            accept_decisions(_read(decisions))
        except KnownError as exc:
            tally.messages.append(exc.message)
    catalog = top / "catalog.jws"
    if catalog.is_file():
        try:
            info = accept_catalog(_read(catalog))
        except KnownError as exc:
            tally.messages.append(exc.message)
        else:
            tally.catalog_version = info.version if info else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncError(f"无法读取 {path.name}：{describe_error(exc)}。") from None
