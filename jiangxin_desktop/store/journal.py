"""Audit events, and a change's audit event with its outbox entry, in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.audit_chain import GENESIS, ChainedEvent, event_hash
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import AUDIT_TAIL
from jiangxin_desktop.store.models import AuditEvent


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    before: dict | None = None,
    after: dict | None = None,
    at: str | None = None,
) -> AuditEvent:
    """Append one event to the hash chain (inside the single writer's transaction)."""
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    chained = ChainedEvent(
        seq=(last.seq + 1) if last else 1,
        at=at or utc_now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before_json=_dump(before),
        after_json=_dump(after),
    )
    prev_hash = (last.hash or GENESIS) if last else GENESIS
    event = AuditEvent(
        seq=chained.seq,
        at=chained.at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before_json=chained.before_json,
        after_json=chained.after_json,
        prev_hash=prev_hash,
        hash=event_hash(chained, prev_hash),
    )
    session.add(event)
    session.flush()  # the next event in this transaction chains onto this one
    session.info[AUDIT_TAIL] = (event.seq, event.hash)  # anchored once the transaction commits
    return event


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_uuid: str,
    version: int,
    before: dict | None,
    after: dict,
    operation: str = outbox.UPSERT,
    travels: bool = True,
    seal: Callable[[dict | None], dict | None] | None = None,
) -> None:
    """A change to a travelling row: one audit event and, unless demo data, one outbox entry.

    ``seal`` rewrites the records for the audit event (identifying fields sealed under the
    row's own key); the outbox entry names the row and its version, for the city.
    """
    audit(
        session,
        actor=actor,
        action=action,
        object_type=entity,
        object_id=entity_uuid,
        before=seal(before) if seal else before,
        after=seal(after) if seal else after,
    )
    if travels:
        outbox.enqueue(
            session,
            entity=entity,
            entity_uuid=entity_uuid,
            version=version,
            operation=operation,
            at=utc_now(),
        )
