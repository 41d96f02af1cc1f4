"""What the 同步 page and ``sync status / log`` show: counts, batches, warnings, the sync log."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.services.security import parse_iso
from jiangxin_desktop.services.sync.catalogs import last_version
from jiangxin_desktop.services.sync.enrolment import active_row, info_of
from jiangxin_desktop.services.subsidies import conflict_count, last_sequence
from jiangxin_desktop.services.sync.model import STATUS_LABELS, BatchInfo, LogEntry, SyncStatus
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.models import AuditEvent, OutboxEntry
from jiangxin_desktop.store.sync_models import BATCH_STATUSES, CONFIRMED, REJECTED, REVIEW, SyncBatch


def batch_info(batch: SyncBatch) -> BatchInfo:
    return BatchInfo(
        batch_id=batch.batch_id, sequence=batch.sequence, created_at=batch.created_at,
        record_count=batch.record_count, counts=json.loads(batch.counts), status=batch.status,
        status_label=STATUS_LABELS.get(batch.status, batch.status), attempts=batch.attempts or 0,
        last_error=batch.last_error, sent_at=batch.sent_at, confirmed_at=batch.confirmed_at,
        next_attempt_at=batch.next_attempt_at, approved_by=batch.approved_by,
    )


def sync_status(session: Session, *, now: datetime, warn_days: int, warn_backlog: int,
                station_key_id: str | None) -> SyncStatus:
    row = active_row(session)
    pending = outbox.count_pending(session)
    unconfirmed = outbox.count_pending(session, unless_batch_status=(CONFIRMED,))
    counts = dict.fromkeys(BATCH_STATUSES, 0)
    for status, number in session.execute(select(SyncBatch.status, func.count()).group_by(SyncBatch.status)):
        counts[status] = number
    last_success = session.scalar(select(func.max(SyncBatch.confirmed_at)))
    failed, failed_records = session.execute(
        select(func.count(func.distinct(OutboxEntry.batch_id)), func.count())
        .join(SyncBatch, SyncBatch.batch_id == OutboxEntry.batch_id).where(SyncBatch.status == REJECTED)
    ).one()
    warnings: list[str] = []
    if row is None:
        warnings.append("本站尚未注册到市里：请管理员导入市里发来的注册文件（同步 → 导入注册文件…）。")
    else:
        if row.registered_at is None:
            warnings.append(f"已导入{row.city_name}的注册文件，但市里还没有确认本站注册：请立即同步，或用 U 盘交换一次。")
        if station_key_id is not None and row.station_key_id != station_key_id:
            warnings.append("本站签名密钥已更换，市里认不出新密钥：请向市里索取新的注册文件并重新导入。")
        since = last_success or row.imported_at
        if unconfirmed and since and now - parse_iso(since) > timedelta(days=warn_days):
            days = (now - parse_iso(since)).days
            what = "上次同步成功" if last_success else "导入注册文件"
            warnings.append(f"距{what}已有 {days} 天，还有 {unconfirmed} 条记录没有送达市里：请立即同步或用 U 盘交换。")
    if unconfirmed > warn_backlog:
        warnings.append(f"待送达市里的记录有 {unconfirmed} 条，超过提醒线 {warn_backlog} 条：请尽快同步。")
    if failed:
        warnings.append(f"有 {failed} 个批次被市里拒收，原因见批次列表；改正后可点“重新发送失败记录”。")
    if counts[REVIEW]:
        warnings.append(f"有 {counts[REVIEW]} 个批次等待审核人批准后才能发出。")
    conflicts = conflict_count(session)
    if conflicts:
        warnings.append(f"市里的补贴决定有 {conflicts} 条未能采用（与本站的申请对不上），请在补贴申请里查看原因并与市里核对。")
    return SyncStatus(
        enrolled=row is not None, registered=row is not None and row.registered_at is not None,
        pending_records=pending, unconfirmed_records=unconfirmed, batches=counts,
        last_success_at=last_success, catalog_version=last_version(session), warnings=warnings,
        enrolment=None if row is None else info_of(row), failed_records=failed_records or 0,
        decisions_last=last_sequence(session) or None, decision_conflicts=conflicts,
    )


def recent_batches(session: Session, limit: int) -> list[BatchInfo]:
    rows = session.scalars(select(SyncBatch).order_by(SyncBatch.sequence.desc()).limit(limit))
    return [batch_info(b) for b in rows]


_SUMMARIES = {
    "sync.enrol": "导入注册文件（{city}）",
    "sync.reenrol": "重新导入注册文件（{city}）",
    "sync.registered": "市里确认本站注册（{how}）",
    "sync.ack_refused": "市里的注册回执未通过验证，未采用（{code}）",
    "sync.batch": "生成第 {sequence} 批，{records} 条记录",
    "sync.approve": "批准第 {sequence} 批发出",
    "sync.confirmed": "第 {sequence} 批已确认：新收 {accepted} 条，重复 {duplicates} 条（{how}）",
    "sync.rejected": "第 {sequence} 批被市里拒收：{error_message}",
    "sync.receipt_refused": "第 {sequence} 批的回执未通过验证，未采用（{code}）",
    "sync.failed": "同步未完成：{reason}",
    "sync.retry": "失败批次的 {records} 条记录放回待发送",
    "sync.catalog": "采用市里签名的培训目录 {version}",
    "sync.catalog_refused": "拒收市里的培训目录（{code}）",
    "sync.export": "导出到 U 盘：{batches} 个批次",
    "sync.decisions_refused": "拒收市里的补贴决定（{code}）",
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def sync_log(session: Session, limit: int) -> list[LogEntry]:
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("sync.%")).order_by(AuditEvent.seq.desc()).limit(limit)
    )
    out = []
    for event in rows:
        data = _Blank(json.loads(event.after_json) if event.after_json else {})
        template = _SUMMARIES.get(event.action, event.action)
        out.append(LogEntry(event.at, event.actor, event.action, template.format_map(data)))
    return out


def record_statuses(session: Session, entity: str, uuids: list[str]) -> dict[str, str]:
    """uuid → where its newest change stands (待发送 / 待审核 / 已发送 / 已确认 / 失败); absent: nothing to send."""
    out: dict[str, str] = {}
    for start in range(0, len(uuids), 500):
        chunk = uuids[start:start + 500]
        rows = session.execute(
            select(OutboxEntry.entity_uuid, OutboxEntry.batch_id, SyncBatch.status)
            .outerjoin(SyncBatch, SyncBatch.batch_id == OutboxEntry.batch_id)
            .where(OutboxEntry.entity == entity, OutboxEntry.entity_uuid.in_(chunk))
            .order_by(OutboxEntry.seq)
        )
        for entity_uuid, batch_id, status in rows:  # oldest first: the newest entry decides
            out[entity_uuid] = STATUS_LABELS["ready"] if batch_id is None else STATUS_LABELS.get(status, "待发送")
    return out
