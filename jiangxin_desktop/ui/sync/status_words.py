"""What the 同步 page and the status bar say about the sync state: words, times, counts.

Plain functions of the service's records, so that the page and the status-bar label say the
same thing in the same words (UI.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from PySide6.QtCore import QCoreApplication

# Kinds of record as the clerk names them (the wire format's entity names).
ENTITY_LABELS = {
    "trainee": "学员",
    "training_class": "培训班",
    "class_session": "课次",
    "enrollment": "报名",
    "attendance": "考勤",
    "assessment": "考核",
    "certificate": "证书",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncWords", text)


def local_time(iso: str | None) -> str:
    """"2026-12-03 14:05" in the computer's time zone, or "" for none (and the text itself when
    it is not a time, so nothing is lost)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def counts_text(counts: Mapping[str, int], separator: str = "，") -> str:
    """"学员 12 条，考勤 40 条" in the wire format's order (parents first)."""
    order = list(ENTITY_LABELS)
    kinds = sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
    return separator.join(
        _tr("{kind} {n:,} 条").format(kind=_tr(ENTITY_LABELS.get(kind, kind)), n=counts[kind])
        for kind in kinds
        if counts[kind]
    )


def status_bar_words(
    status,
    last_confirmed_sequence: int | None,
    failure: str | None = None,
    running: bool = False,
    demo: bool = False,
) -> tuple[str, str, bool]:
    """(label, tooltip, is_a_problem) for the status bar.

    同步：未注册 / 同步：失败（原因） / 同步：N 条待发送 / 同步：已确认至 第N批 / 同步：同步中…
    ``status`` is a ``services.sync.SyncStatus``; ``last_confirmed_sequence`` the newest batch the
    city confirmed; ``failure`` why the last run stopped or the newest refused batch's reason.
    """
    hint = _tr("点击打开“同步”页。")
    last = local_time(status.last_success_at)
    when = _tr("上次成功同步：{when}。").format(when=last) if last else _tr("还没有成功同步过。")
    if running:
        return _tr("同步：同步中…"), _tr("正在与市级系统同步。") + hint, False
    if demo and not status.enrolled:
        return _tr("同步：演示数据不上传"), _tr("这是演示数据库，其中的记录不会发送到市里。") + hint, False
    if failure and status.enrolled:
        return _tr("同步：失败（{reason}）").format(reason=_short(failure)), failure + "\n" + when + hint, True
    if not status.enrolled or not status.registered:
        why = (
            _tr("本站还没有导入市里发来的注册文件，记录暂存在本机。")
            if not status.enrolled
            else _tr("注册文件已导入，等市里确认本站的注册（立即同步或用U盘交换）。")
        )
        return _tr("同步：未注册"), why + hint, True
    waiting = status.unconfirmed_records
    if waiting:
        detail = "\n".join(status.warnings)
        text = _tr("同步：{n:,} 条待发送").format(n=waiting)
        return text, "\n".join(x for x in (detail, when + hint) if x), bool(status.warnings)
    if last_confirmed_sequence:
        return _tr("同步：已确认至 第{n}批").format(n=last_confirmed_sequence), when + hint, False
    return _tr("同步：没有待发送的记录"), when + hint, False


def stuck_batch(batches) -> object | None:
    """The first batch in line (待发送 or 已发送) when its last try failed: it holds the others back."""
    line = [b for b in batches if b.status in ("ready", "sent")]
    first = min(line, key=lambda b: b.sequence, default=None)
    return first if first is not None and first.last_error else None


def _short(reason: str, limit: int = 16) -> str:
    """The gist of a reason for the status bar: without "第 n 批：", up to its first pause."""
    reason = re.sub(r"^第\s*\d+\s*批[：:]", "", reason.strip())
    reason = re.split(r"[，。；\n]", reason, maxsplit=1)[0].strip()
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def result_summary(result) -> str:
    """One line for the status bar after 立即同步 or 导入回执 (``services.sync.SyncResult``)."""
    parts = []
    if result.registered:
        parts.append(_tr("市里已确认本站的注册"))
    if result.sent:
        parts.append(_tr("已发送 {n} 批").format(n=result.sent))
    if result.confirmed:
        parts.append(_tr("市里已确认 {n} 批").format(n=result.confirmed))
    if result.rejected:
        parts.append(_tr("市里拒收 {n} 批").format(n=result.rejected))
    if result.catalog_version:
        parts.append(_tr("已收到新的培训目录 {v}").format(v=result.catalog_version))
    if result.skipped:
        parts.append(_tr("{n} 批稍后自动重试").format(n=result.skipped))
    if not parts:
        parts.append(_tr("没有需要发送的记录"))
    text = "，".join(parts) + "。"
    if result.failed:
        text += _tr("没有完成：{why}").format(why=result.failed)
    return text
