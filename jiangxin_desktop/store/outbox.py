"""The outbox: what travels to the city, and the only code that writes the ``outbox`` table.

An entry is a reference (entity, row uuid, version the change made, operation); the batch
serialises the row as it stands when the batch is made. Every change to a travelling row
writes its entry in the change's own transaction, through :func:`enqueue` (one row) or
:func:`enqueue_span` (the rows a bulk insert just wrote). Demo data does not travel: the
callers skip the write when ``Acting.travels`` is false.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

# The entities that travel and the operations an entry names: defined once, by the wire format
# (protocol/ imports nothing of ours, so the store may lean on it); services take them from here.
from jiangxin_desktop.protocol.entities import (
    ANONYMISE,
    ASSESSMENT,
    ATTENDANCE,
    CERTIFICATE,
    CLASS_SESSION,
    DEACTIVATE,
    DELETE,
    ENROLLMENT,
    TRAINEE,
    TRAINING_CLASS,
    UPSERT,
)
from jiangxin_desktop.store.models import OutboxEntry
from jiangxin_desktop.store import sync_models  # noqa: F401  (sync tables in Base.metadata wherever the outbox is used)

# entity → the table its rows live in (today each entity is named after its table).
TABLES: dict[str, str] = {
    TRAINEE: "trainee",
    TRAINING_CLASS: "training_class",
    CLASS_SESSION: "class_session",
    ENROLLMENT: "enrollment",
    ATTENDANCE: "attendance",
    ASSESSMENT: "assessment",
    CERTIFICATE: "certificate",
}
TRAVELLING: frozenset[str] = frozenset(TABLES)

__all__ = [
    "ANONYMISE", "ASSESSMENT", "ATTENDANCE", "CERTIFICATE", "CLASS_SESSION", "DEACTIVATE", "DELETE",
    "ENROLLMENT", "TABLES", "TRAINEE", "TRAINING_CLASS", "TRAVELLING", "UPSERT", "enqueue", "enqueue_span",
]


def enqueue(
    session: Session,
    *,
    entity: str,
    entity_uuid: str,
    version: int,
    operation: str = UPSERT,
    at: str,
) -> OutboxEntry:
    """Queue one changed row for the city, in the caller's transaction; ``at`` is UTC ISO text."""
    if entity not in TRAVELLING:
        raise ValueError(f"{entity!r} does not travel")
    entry = OutboxEntry(
        created_at=at,
        entity=entity,
        entity_uuid=entity_uuid,
        version=version,
        operation=operation,
    )
    session.add(entry)
    return entry


def _span_sql(entity: str) -> str:
    return (
        "INSERT INTO outbox (created_at, entity, entity_uuid, version, operation) "
        f"SELECT :now, '{entity}', uuid, version, '{UPSERT}' FROM {TABLES[entity]} "
        "WHERE seq > :after AND seq <= :upto ORDER BY seq"
    )


_SPAN_SQL = {entity: _span_sql(entity) for entity in TRAVELLING}


def enqueue_span(cursor: Any, *, entity: str, at: str, after: int, upto: int) -> None:
    """Queue the rows with ``after < seq <= upto`` (a bulk insert's), one ``INSERT … SELECT``.

    ``cursor`` is a DB-API cursor inside the writer's transaction (roster import writes
    through the driver's own connection, without SQLAlchemy, for speed).
    """
    cursor.execute(_SPAN_SQL[entity], {"now": at, "after": after, "upto": upto})
