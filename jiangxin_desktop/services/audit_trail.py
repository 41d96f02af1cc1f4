"""Checking the audit trail: walk the hash chain and name the first event that breaks it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import text

from jiangxin_desktop.domain.audit_chain import ChainedEvent, first_broken_link
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
        return {"ok": self.ok, "events": self.events, "first_broken": first}


def verify_chain(db: Database) -> ChainReport:
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
