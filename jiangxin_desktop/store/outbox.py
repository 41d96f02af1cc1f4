"""The outbox: what travels to the city, and the only code that writes the ``outbox`` table.

An entry is a reference (entity, row uuid, version the change made, operation); the batch
serialises the row as it stands when the batch is made. Every change to a travelling row
writes its entry in the change's own transaction, through :func:`enqueue` (one row) or
:func:`enqueue_span` (the rows a bulk insert just wrote). Demo data does not travel: the
callers skip the write when ``Acting.travels`` is false.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
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
    FOLLOW_UP,
    SERVICE_EVENT,
    SUBSIDY_CLAIM,
    TRAINEE,
    TRAINING_CLASS,
    UPSERT,
)
from jiangxin_desktop.store.models import OutboxEntry
from jiangxin_desktop.store import followup_models, subsidy_models, sync_models  # noqa: F401  (their tables in Base.metadata wherever the outbox is used)

# entity → the table its rows live in (today each entity is named after its table).
TABLES: dict[str, str] = {
    TRAINEE: "trainee",
    TRAINING_CLASS: "training_class",
    CLASS_SESSION: "class_session",
    ENROLLMENT: "enrollment",
    ATTENDANCE: "attendance",
    ASSESSMENT: "assessment",
    CERTIFICATE: "certificate",
    SUBSIDY_CLAIM: "subsidy_claim",
    FOLLOW_UP: "follow_up",
    SERVICE_EVENT: "service_event",
}
TRAVELLING: frozenset[str] = frozenset(TABLES)

__all__ = [
    "ANONYMISE", "ASSESSMENT", "ATTENDANCE", "CERTIFICATE", "CLASS_SESSION", "DEACTIVATE", "DELETE",
    "ENROLLMENT", "FOLLOW_UP", "SERVICE_EVENT", "SUBSIDY_CLAIM", "TABLES", "TRAINEE", "TRAINING_CLASS", "TRAVELLING", "UPSERT", "count_pending", "enqueue",
    "enqueue_span", "release_batch", "take_for_batch",
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


# -- batches (services/sync): which entries a batch took, and giving them back ----------------
# The batch builder reads and marks tens of thousands of entries: through the driver's cursor
# (as ``enqueue_span``), inside the session's transaction.


def take_for_batch(cursor: Any, batch_id: str, max_rows: int) -> list[tuple[str, str, int, str]]:
    """Give ``batch_id`` the oldest pending rows, at most ``max_rows``, with every pending entry of each.

    Reads only as far as the batch reaches (a large backlog is not read again for every batch),
    then one statement takes the later entries of the same rows. Returns the batch's entries,
    oldest first: (entity, entity_uuid, version, operation).
    """
    cursor.execute("SELECT seq, entity, entity_uuid FROM outbox WHERE batch_id IS NULL ORDER BY seq")
    rows: set[tuple[str, str]] = set()
    seqs: list[int] = []
    while len(rows) < max_rows:
        chunk = cursor.fetchmany(2000)
        if not chunk:
            break
        for seq, entity, entity_uuid in chunk:
            if (entity, entity_uuid) not in rows:
                if len(rows) == max_rows:
                    break  # this row and the rest wait for the next batch
                rows.add((entity, entity_uuid))
            seqs.append(seq)
    if not seqs:
        return []
    cursor.executemany("UPDATE outbox SET batch_id = :b WHERE seq = :s AND batch_id IS NULL",
                       [{"b": batch_id, "s": seq} for seq in seqs])
    cursor.execute(
        "UPDATE outbox SET batch_id = :b WHERE batch_id IS NULL AND (entity, entity_uuid) IN "
        "(SELECT entity, entity_uuid FROM outbox WHERE batch_id = :b)", {"b": batch_id})
    # A reviewed claim this batch carries is 已提交 from now on (a local mark: no new version).
    cursor.execute(
        "UPDATE subsidy_claim SET submitted_batch_id = :b WHERE submitted_batch_id IS NULL "
        "AND status = 'reviewed' AND uuid IN "
        f"(SELECT entity_uuid FROM outbox WHERE batch_id = :b AND entity = '{SUBSIDY_CLAIM}')", {"b": batch_id})
    cursor.execute("SELECT entity, entity_uuid, version, operation FROM outbox WHERE batch_id = :b ORDER BY seq",
                   {"b": batch_id})
    return cursor.fetchall()


def release_batch(session: Session, batch_id: str) -> int:
    """Give the entries of ``batch_id`` back to the outbox (the city refused it); how many."""
    session.execute(text("UPDATE subsidy_claim SET submitted_batch_id = NULL WHERE submitted_batch_id = :b"),
                    {"b": batch_id})
    return session.execute(text("UPDATE outbox SET batch_id = NULL WHERE batch_id = :b"), {"b": batch_id}).rowcount


def count_pending(session: Session, *, unless_batch_status: tuple[str, ...] = ()) -> int:
    """Entries in no batch, plus those whose batch has none of ``unless_batch_status``."""
    sql = "SELECT count(*) FROM outbox WHERE batch_id IS NULL"
    params: dict[str, Any] = {}
    if unless_batch_status:
        names = [f"s{i}" for i in range(len(unless_batch_status))]
        sql += (" OR batch_id IN (SELECT batch_id FROM sync_batch WHERE status NOT IN ("
                + ", ".join(f":{n}" for n in names) + "))")
        params = dict(zip(names, unless_batch_status))
    return int(session.execute(text(sql), params).scalar_one())
