"""Checking the audit trail: walk the hash chain and name the first event that breaks it; with
the anchor file (``services/audit/anchor.py``) also whether the newest events were removed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.audit_chain import ChainedEvent, first_broken_link
from jiangxin_desktop.services.audit.anchor import AnchorCheck, check_anchor
from jiangxin_desktop.services.security import SEALED, unseal
from jiangxin_desktop.store.database import Database

_COLUMNS = "seq, at, actor, action, object_type, object_id, before_json, after_json, prev_hash, hash"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int  # events checked (up to and including the first broken one)
    broken_seq: int | None = None
    broken_at: str | None = None
    broken_actor: str | None = None
    broken_action: str | None = None
    reason: str | None = None
    anchor: AnchorCheck | None = None  # the chain's tail against the signed anchor, when checked

    @property
    def ok_overall(self) -> bool:
        """The chain is unbroken and (when checked) extends the signed anchor."""
        return self.ok and (self.anchor is None or self.anchor.ok)

    def to_json(self) -> dict:
        first = None
        if not self.ok:
            first = {
                "seq": self.broken_seq,
                "at": self.broken_at,
                "actor": self.broken_actor,
                "action": self.broken_action,
                "reason": self.reason,
            }
        result = {"ok": self.ok_overall, "events": self.events, "first_broken": first}
        if self.anchor is not None:
            result["anchor"] = self.anchor.to_json()
        return result


def verify_chain(db: Database, anchor: Path | None = None) -> ChainReport:
    """The chain, and with ``anchor`` (the data directory's ``audit-anchor.json``) its tail."""
    report = _walk_chain(db)
    return report if anchor is None else replace(report, anchor=check_anchor(db, anchor))


def _walk_chain(db: Database) -> ChainReport:
    with db.read() as session:
        rows = session.execute(text(f"SELECT {_COLUMNS} FROM audit_event ORDER BY seq")).yield_per(5000)
        seen: dict[int, tuple] = {}

        def events() -> Iterator[tuple[ChainedEvent, str | None, str | None]]:
            for row in rows:
                seen.clear()
                seen[row[0]] = row
                yield ChainedEvent(*row[:8]), row[8], row[9]

        checked, broken = first_broken_link(events())
    if broken is None:
        return ChainReport(ok=True, events=checked)
    row = seen[broken.seq]
    return ChainReport(
        ok=False,
        events=checked,
        broken_seq=broken.seq,
        broken_at=row[1],
        broken_actor=row[2],
        broken_action=row[3],
        reason=broken.reason,
    )


def describe_report(report: ChainReport) -> str:
    """The result in words (the command line; the window says the same through tr())."""
    if report.ok:
        lines = [f"操作日志完整：共 {report.events} 条，哈希链无断点。"]
    else:
        lines = [
            f"操作日志在第 {report.broken_seq} 号事件处断开（{report.broken_at}，{report.broken_actor}，"
            f"{report.broken_action}）：{report.reason}"
        ]
    anchor = report.anchor
    if anchor is not None and anchor.ok and anchor.anchored_at:
        lines.append(
            f"最近一次锚定：{anchor.anchored_at_shown}（共 {anchor.anchored_events} 条），"
            "此后的日志末尾没有被删除。"
        )
    elif anchor is not None and not anchor.ok:
        when = f"最近一次锚定：{anchor.anchored_at_shown}。" if anchor.anchored_at else ""
        lines.append(f"{anchor.problem}。{when}请立即报告管理员，并与最近的备份核对。".replace("。。", "。"))
    return "\n".join(lines)


AuditRow = ChainedEvent  # a listed event carries exactly the columns the chain covers


def list_events(
    db: Database,
    *,
    action: str | None = None,
    actor: str | None = None,
    text_filter: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditRow]:
    """Newest first. ``since``/``until`` are ISO dates (inclusive); ``text_filter`` searches the details."""
    clauses: list[str] = ["1"]
    params: dict[str, object] = {"limit": limit, "offset": offset}
    if action:
        clauses.append("action = :action")
        params["action"] = action
    if actor:
        clauses.append("actor = :actor")
        params["actor"] = actor
    if since:
        clauses.append("at >= :since")
        params["since"] = since
    if until:
        clauses.append("at < :until")
        params["until"] = until + "T99"  # the whole last day
    if text_filter:
        clauses.append(
            "(instr(coalesce(object_id, ''), :q) OR instr(coalesce(before_json, ''), :q) "
            "OR instr(coalesce(after_json, ''), :q) "
            # a trainee's name and number are sealed inside events: find the person instead
            "OR object_id IN (SELECT uuid FROM trainee WHERE name = :q OR id_number = :q))"
        )
        params["q"] = text_filter
    sql = (
        "SELECT seq, at, actor, action, object_type, object_id, before_json, after_json FROM audit_event "
        f"WHERE {' AND '.join(clauses)} ORDER BY seq DESC LIMIT :limit OFFSET :offset"
    )
    with db.read() as session:
        return [_opened(session, AuditRow(*row)) for row in session.execute(text(sql), params)]


def _opened(session: Session, row: AuditRow) -> AuditRow:
    """The event with a person's sealed fields opened (or marked erased) for display."""
    if row.object_type != "trainee" or not any(
        SEALED in (raw or "") for raw in (row.before_json, row.after_json)
    ):
        return row

    def open_json(raw: str | None) -> str | None:
        if raw is None:
            return None
        return json.dumps(unseal(session, json.loads(raw)), ensure_ascii=False, sort_keys=True)

    return replace(row, before_json=open_json(row.before_json), after_json=open_json(row.after_json))


def distinct_values(db: Database, column: str) -> list[str]:
    if column not in ("action", "actor"):
        raise ValueError(column)
    with db.read() as session:
        return list(session.execute(text(f"SELECT DISTINCT {column} FROM audit_event ORDER BY 1")).scalars())
