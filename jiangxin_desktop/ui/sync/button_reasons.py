"""Why a button of the 同步 page cannot be pressed now (empty: it can), and what it does.

One function of the state, the user's role and whether a background run is under way, so that the
reasons are the same wherever they are asked and can be read in one place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

# 立即同步, 导出到U盘, 导入回执, 重新发送失败记录: anyone logged in, as the service allows
SYNC_ROLES = ("clerk", "reviewer", "admin")
REVIEW_ROLES = ("reviewer", "admin")  # 批准发送
ENROL_ROLES = ("admin",)  # 导入注册文件


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncPage", text)


def button_reasons(status: Any, role: str | None, busy: bool, demo: bool = False) -> dict[str, str]:
    """{"sync" | "export" | "receipts" | "retry" | "enrol": why not, or ""}; ``status`` is a SyncStatus."""
    may_sync = role in SYNC_ROLES
    no_role = _tr("请先登录")
    not_enrolled = _tr("本站还没有导入市里的注册文件，请管理员先点“导入注册文件…”")
    running = _tr("正在后台自动同步，完成后再点")
    batches = status.batches
    waiting = status.pending_records + batches.get("ready", 0) + batches.get("sent", 0)
    to_send = waiting > 0 or (status.enrolled and not status.registered)

    def send() -> str:
        if not may_sync:
            return no_role
        if not status.enrolled:
            return not_enrolled
        if busy:
            return running
        if not to_send:
            if batches.get("review", 0):
                return _tr("有 {n} 批等待审核人批准后才能发送").format(n=batches["review"])
            if demo:
                return _tr("演示数据库的记录不发送到市里")
            return _tr("没有待发送的记录")
        return ""

    def receipts() -> str:
        if not may_sync:
            return no_role
        if not status.enrolled:
            return not_enrolled
        return running if busy else ""

    def retry() -> str:
        if not may_sync:
            return no_role
        if not batches.get("rejected", 0):
            return _tr("没有失败的批次")
        held = getattr(status, "failed_records", None)  # records still in 失败 batches, when the service says
        if held == 0:
            return _tr("失败批次中的记录已经放回待发送")
        return ""

    return {
        "sync": send(),
        "export": send(),
        "receipts": receipts(),
        "retry": retry(),
        "enrol": "" if role in ENROL_ROLES else _tr("只有管理员可以导入注册文件"),
    }


def button_help() -> dict[str, str]:
    return {
        "sync": _tr("现在把待发送的记录发送到市级系统，并取回市里的回执"),
        "export": _tr("没有网络时，把待发送的批次写到U盘，交给市里导入"),
        "receipts": _tr("市里导入U盘后，把U盘上的回执读回本站"),
        "retry": _tr("把市里拒收的批次中的记录放回待发送，重新编批发送"),
        "enrol": _tr("导入市人社局发来的本站注册文件（或粘贴注册码）"),
    }
