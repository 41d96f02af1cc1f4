"""Bulk loading next to the trainee search index.

The trigram index is kept in step by an AFTER INSERT trigger, which costs ~80 µs a row
in a bulk load; indexing the new rows with one INSERT … SELECT afterwards costs ~12 µs.
``deferred_trainee_index`` swaps the trigger out for the length of one transaction; a
bulk load that writes in chunks indexes each chunk itself (``index_trainees``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

# Must match the trigger the current schema defines (migration 0001).
_INSERT_TRIGGER = (
    "CREATE TRIGGER trainee_fts_ai AFTER INSERT ON trainee BEGIN "
    "INSERT INTO trainee_fts(rowid, name, id_number, phone) "
    "VALUES (new.seq, new.name, new.id_number, new.phone); END"
)


_INDEX_SQL = (
    "INSERT INTO trainee_fts(rowid, name, id_number, phone) "
    "SELECT seq, name, id_number, phone FROM trainee WHERE seq > :after AND seq <= :upto"
)


def suspend_trainee_index(session: Session) -> None:
    """Inside one write transaction: trainees inserted from now on are not indexed.

    The caller indexes them with :func:`index_trainees` and calls
    :func:`resume_trainee_index` before committing (a rollback resumes it too).
    """
    session.execute(text("DROP TRIGGER trainee_fts_ai"))


def resume_trainee_index(session: Session) -> None:
    session.execute(text(_INSERT_TRIGGER))


def index_trainees(cursor, after: int, upto: int) -> None:
    """Index the trainees with ``after < seq <= upto`` (on a DBAPI cursor: bulk loads use one)."""
    cursor.execute(_INDEX_SQL, {"after": after, "upto": upto})


@contextlib.contextmanager
def deferred_trainee_index(session: Session) -> Iterator[None]:
    """Inside one write transaction: insert trainees unindexed, then index them at once."""
    start = session.execute(text("SELECT coalesce(max(seq), 0) FROM trainee")).scalar_one()
    suspend_trainee_index(session)
    yield
    upto = session.execute(text("SELECT coalesce(max(seq), 0) FROM trainee")).scalar_one()
    session.execute(text(_INDEX_SQL), {"after": start, "upto": upto})
    resume_trainee_index(session)
