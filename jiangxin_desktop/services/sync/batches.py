"""Making batches: pending outbox entries → one record per row as it stands now → the canonical
batch document → signed by the station, sealed to the city → one transaction that stores the
batch and marks its entries → a copy in ``<data dir>/sync/outgoing/`` for upload and USB.

Several entries of one row collapse into one record (the row's current version; the operation of
its newest entry; a delete carries no data). The rows are read in the transaction that takes the
entries, so a batch is one consistent snapshot; batches are numbered without gaps and each holds
the hash of the one before (the city checks both).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop import envelope
from jiangxin_desktop.files import write_private_atomic
from jiangxin_desktop.protocol import to_wire
from jiangxin_desktop.protocol.batch import BATCH, Record, batch_document, document_hash
from jiangxin_desktop.services.sync.enrolment import City
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.sync_models import READY, REVIEW, SyncBatch

def newest_of(entries: list[Any]) -> dict[tuple[str, str], tuple[int, str]]:
    """Per row, the (version, operation) of its newest entry (entries come oldest first)."""
    return {(entity, entity_uuid): (version, operation) for entity, entity_uuid, version, operation in entries}


def records_of(cursor: Any, newest: dict[tuple[str, str], tuple[int, str]], batch_id: str) -> list[Record]:
    """Each row the batch took, as it stands now, in wire form; a removed row is a delete.

    Read through the driver (dates as text, flags as 0/1: ``to_wire`` takes both) after the
    entries are marked, so the rows come by the batch's own entries, not by long lists of ids.
    """
    records: list[Record] = []
    for entity in sorted({entity for entity, _ in newest}):
        cursor.execute(
            f"SELECT * FROM {outbox.TABLES[entity]} WHERE uuid IN "
            "(SELECT entity_uuid FROM outbox WHERE batch_id = :b AND entity = :e)", {"b": batch_id, "e": entity})
        names = [column[0] for column in cursor.description]
        rows = {row["uuid"]: row for row in (dict(zip(names, values)) for values in cursor.fetchall())}
        for (kind, entity_uuid), (version, operation) in newest.items():
            if kind != entity:
                continue
            row = rows.get(entity_uuid)
            if row is None or operation == outbox.DELETE:
                records.append(Record(entity, entity_uuid, version, outbox.DELETE, None))
            else:
                records.append(Record(entity, entity_uuid, row["version"], operation, to_wire(entity, row)))
    return records


def last_batch(session: Session) -> SyncBatch | None:
    return session.scalar(select(SyncBatch).order_by(SyncBatch.sequence.desc()).limit(1))


def make_batch(session: Session, city: City, *, station_code: str, signer: Any, max_records: int,
               review: bool, now_iso: str, actor: str) -> SyncBatch | None:
    """One batch from the oldest pending entries, stored with its entries marked, in ``session``."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        batch_id = uuid7()
        entries = outbox.take_for_batch(cursor, batch_id, max_records)
        if not entries:
            return None
        records = records_of(cursor, newest_of(entries), batch_id)
    finally:
        cursor.close()
    previous = last_batch(session)
    sequence = 1 if previous is None else previous.sequence + 1
    document = batch_document(
        batch_id=batch_id, station_code=station_code, sequence=sequence, created_at=now_iso,
        previous_hash=None if previous is None else previous.document_hash, records=records,
    )
    sealed = envelope.seal(document, signer=signer.private_key, kid=signer.key_id, typ=BATCH,
                           recipient=city.encryption_key, recipient_kid=city.encryption_kid)
    counts: dict[str, int] = {}
    for record in records:
        counts[record.entity] = counts.get(record.entity, 0) + 1
    batch = SyncBatch(
        batch_id=batch_id, sequence=sequence, station_code=station_code, enrolment_id=city.enrolment_id,
        created_at=now_iso, created_by=actor, document_hash=document_hash(document),
        previous_hash=None if previous is None else previous.document_hash, record_count=len(records),
        counts=json.dumps(counts, sort_keys=True), envelope=sealed, status=REVIEW if review else READY,
        attempts=0,
    )
    session.add(batch)
    audit(session, actor=actor, action="sync.batch", object_type="sync_batch", object_id=batch_id,
          after={"sequence": sequence, "records": len(records), "counts": counts, "status": batch.status,
                 "hash": batch.document_hash})
    return batch


# -- the copies on disk -----------------------------------------------------------------------


def spool_name(sequence: int, batch_id: str) -> str:
    return f"{sequence:08d}-{batch_id}.jwe"


def write_spool(folder: Path, sequence: int, batch_id: str, sealed: str) -> Path:
    """The batch's file, written atomically (temp, fsync, rename), owner-only."""
    path = folder / spool_name(sequence, batch_id)
    write_private_atomic(path, sealed.encode("ascii"))
    return path


def ensure_spool(folder: Path, batches: Iterator[tuple[int, str, str]]) -> int:
    """Rewrite from the rows the files that are missing or differ; how many were written."""
    written = 0
    for sequence, batch_id, sealed in batches:
        path = folder / spool_name(sequence, batch_id)
        try:
            if path.read_bytes() == sealed.encode("ascii"):
                continue
        except OSError:
            pass
        write_spool(folder, sequence, batch_id, sealed)
        written += 1
    return written


def prune_spool(folder: Path, confirmed: set[str]) -> int:
    """Remove the files of batches the city confirmed (their receipt is kept; the row keeps the batch)."""
    removed = 0
    for path in folder.glob("*.jwe") if folder.is_dir() else ():
        if path.stem.split("-", 1)[-1] in confirmed:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
