"""The sync service: the one object the command line and the 同步 page use (see the package note)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.security import StationSigner, all_public_keys, iso_utc
from jiangxin_desktop.services.sync import batches as batching
from jiangxin_desktop.services.sync import catalogs, decisions, enrolment, overview, upload, usb
from jiangxin_desktop.services.sync.model import (
    BatchInfo,
    CatalogInfo,
    EnrolmentInfo,
    ExportResult,
    LogEntry,
    SyncError,
    SyncResult,
    SyncStatus,
)
from jiangxin_desktop.services.sync import receipts
from jiangxin_desktop.services.sync.receipts import apply_receipt
from jiangxin_desktop.services.sync.transport import Receiver, TransportError
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.models import AuditEvent
from jiangxin_desktop.store.sync_models import CONFIRMED, READY, REJECTED, REVIEW, SENT, SyncBatch

# Settings (declared with validators and labels in services/station/settings.py).
WARN_DAYS, WARN_BACKLOG = "sync.warn_days", "sync.warn_backlog"
BATCH_RECORDS, REQUIRE_REVIEW = "sync.batch_records", "sync.require_review"
ANYONE = ("clerk", "reviewer", "admin")
SPOOL_KEEP_DAYS = 7  # a confirmed batch's file stays this long (its row and receipt stay for good)


class SyncService:
    """Enrolment, batches, upload (HTTPS or USB), receipts and signed catalogs, for one station.

    ``now`` (aware datetime) and ``rng`` are injectable for tests; ``spool`` is the folder the
    batch files are copied to (``<data dir>/sync/outgoing``).
    """

    def __init__(self, db: Database, acting: Any, settings: Any, catalogs: Any, spool: Path, *,
                 now: Callable[[], datetime] | None = None, rng: random.Random | None = None,
                 timeout: Any = None) -> None:
        self.db, self.acting, self.settings, self.catalogs, self.spool = db, acting, settings, catalogs, spool
        self._now = now or (lambda: acting.now())
        self.rng = rng or random.Random()
        self.timeout = timeout

    # -- enrolment ------------------------------------------------------------------------
    def enrol(self, path_or_text: str | Path) -> EnrolmentInfo:
        """Import the city's enrolment file (path or pasted text); administrator; audited."""
        user = self.acting.require("admin", action="导入市里的注册文件")
        data, source = enrolment.read_source(path_or_text)
        now = self._now()
        checked = enrolment.check_enrolment(data, source, station_code=self.acting.station_code, now=now)
        signer = StationSigner.load(self.db)
        with self.db.write() as session:
            current = enrolment.active_row(session)
            if current is not None and current.enrolment_id == checked.enrolment_id \
                    and current.station_key_id == signer.key_id:
                return enrolment.info_of(current)  # the same file again: nothing to do
            row = enrolment.store_enrolment(session, checked, signer=signer, now_iso=iso_utc(now),
                                            actor=user.username)
            return enrolment.info_of(row)

    def enrolment(self) -> EnrolmentInfo | None:
        with self.db.read() as session:
            row = enrolment.active_row(session)
            return None if row is None else enrolment.info_of(row)

    def _city(self) -> enrolment.City:
        with self.db.read() as session:
            row = enrolment.active_row(session)
            if row is None:
                raise SyncError("本站尚未注册到市里：请管理员先导入市里发来的注册文件（sync enroll 文件）。")
            return enrolment.city_of(row)

    # -- batches ----------------------------------------------------------------------------
    def build_batches(self) -> list[BatchInfo]:
        """Seal every pending outbox entry into batches (bounded by ``sync.batch_records``)."""
        self.acting.require(*ANYONE, action="生成同步批次")
        city = self._city()
        signer = StationSigner.load(self.db)
        limit = int(self.settings.get(BATCH_RECORDS) or 5000)
        review = bool(self.settings.get(REQUIRE_REVIEW))
        made: list[BatchInfo] = []
        while True:
            with self.db.write() as session:
                batch = batching.make_batch(
                    session, city, station_code=self.acting.station_code, signer=signer, max_records=limit,
                    review=review, now_iso=iso_utc(self._now()), actor=self.acting.actor)
                if batch is None:
                    break
                info, sealed = overview.batch_info(batch), batch.envelope
            batching.write_spool(self.spool, info.sequence, info.batch_id, sealed)
            made.append(info)
        return made

    def approve(self, batch_id: str) -> BatchInfo:
        """A reviewer lets a 待审核 batch leave."""
        user = self.acting.require("reviewer", "admin", action="批准同步批次发出")
        with self.db.write() as session:
            batch = self._batch(session, batch_id)
            if batch.status != REVIEW:
                raise SyncError(f"第 {batch.sequence} 批不在待审核状态（现为{overview.batch_info(batch).status_label}），无须批准。")
            batch.status, batch.approved_by, batch.approved_at = READY, user.username, iso_utc(self._now())
            audit(session, actor=user.username, action="sync.approve", object_type="sync_batch",
                  object_id=batch.batch_id, after={"sequence": batch.sequence, "records": batch.record_count})
            return overview.batch_info(batch)

    def retry_failed(self) -> int:
        """Entries of 失败 batches go back to the outbox, for the next batch; how many."""
        self.acting.require(*ANYONE, action="重试失败的同步记录")
        released = 0
        with self.db.write() as session:
            for batch in list(session.scalars(select(SyncBatch).where(SyncBatch.status == REJECTED))):
                count = outbox.release_batch(session, batch.batch_id)
                if count:
                    released += count
                    audit(session, actor=self.acting.actor, action="sync.retry", object_type="sync_batch",
                          object_id=batch.batch_id, after={"sequence": batch.sequence, "records": count})
        return released

    def _batch(self, session: Any, batch_id: str) -> SyncBatch:
        batch = session.scalar(select(SyncBatch).where(SyncBatch.batch_id == batch_id.strip()))
        if batch is None and batch_id.strip().isdigit():
            batch = session.scalar(select(SyncBatch).where(SyncBatch.sequence == int(batch_id)))
        if batch is None:
            raise SyncError(f"没有编号为 {batch_id} 的同步批次（可填批次编号或第几批的数字）。")
        return batch

    def _ensure_spool(self) -> None:
        """The files of batches still to go are whole again; a week after its receipt a file goes."""
        before = iso_utc(self._now() - timedelta(days=SPOOL_KEEP_DAYS))
        with self.db.read() as session:
            rows = [(b.sequence, b.batch_id, b.envelope) for b in session.scalars(
                select(SyncBatch).where(SyncBatch.status.in_((REVIEW, READY, SENT))))]
            confirmed = set(session.scalars(select(SyncBatch.batch_id).where(
                SyncBatch.status == CONFIRMED, SyncBatch.confirmed_at < before)))
        batching.ensure_spool(self.spool, iter(rows))
        batching.prune_spool(self.spool, confirmed)

    # -- HTTPS -----------------------------------------------------------------------------
    def sync_now(self, progress: upload.Progress | None = None, cancelled: upload.Cancelled | None = None,
                 *, force: bool = False) -> SyncResult:
        """Register if needed, send due batches in order, fetch a newer catalog (see upload.py)."""
        self.acting.require(*ANYONE, action="同步")
        city = self._city()
        self.build_batches()
        self._ensure_spool()
        tally = upload.Tally()
        report = progress or (lambda done, total, text: None)
        kwargs = {} if self.timeout is None else {"timeout": self.timeout}
        with Receiver(city.url, city.tls_certificate, **kwargs) as receiver:
            if city.registered_at is None:
                self._register(receiver, tally)
            if tally.failed is None:
                self._send(receiver, city, tally, report, cancelled, force)
            if tally.failed is None and not (cancelled and cancelled()):
                self._fetch_catalog(receiver, city, tally)
            if tally.failed is None and not (cancelled and cancelled()):
                self._fetch_decisions(receiver, city, tally)
        if tally.failed is not None:
            self._log_failure(tally.failed)
        self._ensure_spool()
        return tally.result()

    def _log_failure(self, reason: str) -> None:
        """One log line per failure, not one per retry: the same reason again is not written again."""
        with self.db.write() as session:
            last = session.scalar(select(AuditEvent).where(AuditEvent.action.like("sync.%"))
                                  .order_by(AuditEvent.seq.desc()).limit(1))
            if last is not None and last.action == "sync.failed" \
                    and json.loads(last.after_json or "{}").get("reason") == reason:
                return
            audit(session, actor=self.acting.actor, action="sync.failed", object_type="sync",
                  object_id=None, after={"reason": reason})

    def _register(self, receiver: Receiver, tally: upload.Tally) -> None:
        city = self._city()
        try:
            answer = receiver.register(city.registration)
        except TransportError as exc:
            tally.failed = exc.user_message
            return
        if not answer.ok:
            tally.failed = "市里没有接受本站的注册：" + answer.refusal()
            return
        try:
            with self.db.write() as session:
                tally.registered = enrolment.accept_ack(session, answer.text, now_iso=iso_utc(self._now()),
                                                        actor=self.acting.actor, how="https")
        except SyncError as exc:
            tally.failed = exc.message
            with self.db.write() as session:
                enrolment.ack_refused(session, exc.detail or "invalid", "https", self.acting.actor)

    def _send(self, receiver: Receiver, city: enrolment.City, tally: upload.Tally,
              report: upload.Progress, cancelled: upload.Cancelled | None, force: bool) -> None:
        with self.db.read() as session:
            items = upload.queue(session)
        total = len(items)
        for done, item in enumerate(items):
            if cancelled and cancelled():
                tally.failed = "已取消：其余批次下次同步时再发。"
                return
            if item.status == REVIEW:
                tally.messages.append(f"第 {item.sequence} 批等待审核人批准，它和之后的批次暂不发出。")
                return
            now = self._now()
            if not force and not upload.due(item, now):
                tally.skipped = total - done
                tally.messages.append(f"第 {item.sequence} 批上次未发成功，按计划 {item.next_attempt_at} 后再试。")
                return
            report(done, total, f"正在发送第 {item.sequence} 批（本次第 {done + 1} 批，共 {total} 批）…")
            try:
                answer = receiver.put_batch(item.batch_id, item.envelope)
            except TransportError as exc:
                self._note(item.batch_id, exc.user_message, handed_over=exc.handed_over, tally=tally)
                return
            if not answer.ok:
                self._note(item.batch_id, answer.refusal(), handed_over=False, tally=tally)
                return
            try:
                with self.db.write() as session:
                    batch = self._batch(session, item.batch_id)
                    status = apply_receipt(session, batch, answer.text, city, now_iso=iso_utc(self._now()),
                                           actor=self.acting.actor, how="https")
            except SyncError as exc:
                self._note(item.batch_id, exc.message, handed_over=True, tally=tally, refused=exc.detail)
                return
            tally.sent += 1
            if status == REJECTED:
                tally.rejected += 1
            else:
                tally.confirmed += 1
        report(total, total, "批次已全部送达。")

    def _note(self, batch_id: str, reason: str, *, handed_over: bool, tally: upload.Tally,
              refused: str | None = None) -> None:
        with self.db.write() as session:
            batch = self._batch(session, batch_id)
            upload.note_failure(batch, reason, now=self._now(), rng=self.rng, handed_over=handed_over)
            if refused:
                receipts.refused(session, batch, self.acting.actor, "https", refused)
            tally.failed = f"第 {batch.sequence} 批：{reason}"

    def _fetch_catalog(self, receiver: Receiver, city: enrolment.City, tally: upload.Tally) -> None:
        with self.db.read() as session:
            after = catalogs.last_version(session)
        try:
            answer = receiver.catalog(after)
        except TransportError as exc:
            tally.messages.append(f"培训目录：{exc.user_message}")
            return
        if answer.status == 204:
            return
        if not answer.ok:
            tally.messages.append("取培训目录时" + answer.refusal())
            return
        try:
            info = self._accept_catalog(answer.text, city, how="https")
        except KnownError as exc:
            tally.messages.append(exc.message)
            return
        tally.catalog_version = info.version if info else None

    def _fetch_decisions(self, receiver: Receiver, city: enrolment.City, tally: upload.Tally) -> None:
        """The city's decisions on this station's claims since the last one recorded here."""
        signed = decisions.request(self.db, station_code=self.acting.station_code, at_iso=iso_utc(self._now()))
        try:
            answer = receiver.decisions(signed)
        except TransportError as exc:
            tally.messages.append(f"补贴决定：{exc.user_message}")
            return
        if not answer.ok:
            tally.messages.append("取补贴决定时" + answer.refusal())
            return
        self._accept_decisions(answer.text, city, tally, how="https")

    def _accept_decisions(self, token: str, city: enrolment.City, tally: upload.Tally, *, how: str,
                          quiet_if_same: bool = False) -> None:
        try:
            summary = decisions.accept(self.db, self.acting, token, city, how=how, quiet_if_same=quiet_if_same)
        except KnownError as exc:
            tally.messages.append(exc.message)
            return
        if summary is not None:
            tally.decisions = summary.to_json()
            tally.messages.extend(summary.notes)

    def _accept_catalog(self, token: str, city: enrolment.City, *, how: str, quiet_if_same: bool = False):
        try:
            return catalogs.accept(self.db, self.catalogs, token, city, now_iso=iso_utc(self._now()),
                                   actor=self.acting.actor, how=how, quiet_if_same=quiet_if_same)
        except SyncError:
            raise
        except KnownError as exc:  # a signed catalog the catalog service cannot use
            with self.db.write() as session:
                audit(session, actor=self.acting.actor, action="sync.catalog_refused", object_type="catalog",
                      object_id=None, after={"code": "invalid_catalog", "how": how})
            raise SyncError(f"市里发来的培训目录有误，未导入：{exc.message}") from None

    # -- USB and files ----------------------------------------------------------------------
    def export_to(self, folder: str | Path) -> ExportResult:
        self.acting.require(*ANYONE, action="导出同步文件")
        city = self._city()
        self.build_batches()
        return usb.export(self.db, city, Path(folder), station_code=self.acting.station_code,
                          now_iso=iso_utc(self._now()), actor=self.acting.actor)

    def import_receipts(self, folder: str | Path) -> SyncResult:
        self.acting.require(*ANYONE, action="导入市里的回执")
        city = self._city()
        tally = upload.Tally()
        usb.import_answers(self.db, city, Path(folder), station_code=self.acting.station_code, tally=tally,
                           now=lambda: iso_utc(self._now()), actor=self.acting.actor,
                           accept_catalog=lambda token: self._accept_catalog(token, city, how="U 盘",
                                                                             quiet_if_same=True),
                           accept_decisions=lambda token: self._accept_decisions(token, city, tally, how="U 盘",
                                                                                 quiet_if_same=True))
        return tally.result()

    def import_catalog(self, path: str | Path) -> CatalogInfo:
        """A signed catalog file (catalog.jws) from the city."""
        self.acting.require(*ANYONE, action="导入市里签名的培训目录")
        city = self._city()
        try:
            token = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise SyncError(f"无法读取培训目录文件 {path}：{exc.__class__.__name__}。请确认是市里发来的 catalog.jws。") from None
        info = self._accept_catalog(token, city, how="文件")
        assert info is not None
        return info

    # -- overview ---------------------------------------------------------------------------
    def status(self) -> SyncStatus:
        keys = all_public_keys(self.db)
        with self.db.read() as session:
            return overview.sync_status(
                session, now=self._now(), warn_days=int(self.settings.get(WARN_DAYS) or 3),
                warn_backlog=int(self.settings.get(WARN_BACKLOG) or 2000),
                station_key_id=keys[-1].key_id if keys else None)

    def batches(self, limit: int = 50) -> list[BatchInfo]:
        with self.db.read() as session:
            return overview.recent_batches(session, limit)

    def record_statuses(self, entity: str, uuids: list[str]) -> dict[str, str]:
        """Per record: uuid → 待发送 / 待审核 / 已发送 / 已确认 / 失败 of its newest change (absent: none)."""
        with self.db.read() as session:
            return overview.record_statuses(session, entity, list(uuids))

    def log(self, limit: int = 100) -> list[LogEntry]:
        with self.db.read() as session:
            return overview.sync_log(session, limit)
