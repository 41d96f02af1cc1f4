"""Bulk loading next to the trainee search index.

The trigram index is kept in step by an AFTER INSERT trigger, which costs ~80 µs a row
in a bulk load; indexing the new rows with one INSERT … SELECT afterwards costs ~12 µs.
``deferred_trainee_index`` swaps the trigger out for the length of one transaction; a
bulk load that writes in chunks indexes each chunk itself (``index_trainees``).

FTS5 writes each statement's new entries as a new segment of the index and, by default,
merges segments as they pile up (``automerge``), inside the statement that adds one. A
bulk load in chunks pauses that for its transaction (``pause_index_merging``: a 10,000-row
roster import then wrote ~10% less log and took ~70 ms less, in paired runs) and leaves
the merging to ``merge_index_step`` on the database's upkeep thread once it has
committed. Searches are right either way; many segments only make them slower, and FTS5
merges at once by itself should 16 ever pile up on one level (its ``crisismerge``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

from jiangxin_desktop.store.database import Database

SEARCH_INDEXES = ("trainee_fts", "trainee_name_grams")
_AUTOMERGE = 4  # FTS5's default
MERGE_PAGES = 500  # index pages one merge step writes, about (~10–30 ms)

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


def pause_index_merging(session: Session) -> None:
    """Inside one write transaction: FTS5 adds segments without merging them.

    Call :func:`resume_index_merging` before committing (a rollback undoes both), and
    queue :func:`merge_index_step` after the commit.
    """
    _set_automerge(session, 0)


def resume_index_merging(session: Session) -> None:
    _set_automerge(session, _AUTOMERGE)


def _set_automerge(session: Session, value: int) -> None:
    for table in SEARCH_INDEXES:
        _command(session, table, "automerge", value)


def optimize_search_indexes(session: Session) -> None:
    """Merge every segment of both search indexes into one, so deleted entries are really gone."""
    for table in SEARCH_INDEXES:
        _command(session, table, "optimize")


def merge_index_step(db: Database, pages: int = MERGE_PAGES) -> bool:
    """Merge some piled-up segments of the search indexes in one short write; True if it did.

    FTS5's ``merge`` with a positive page count merges only where segments have piled up
    on one level (``usermerge``, 4) or a merge is under way, and writes about ``pages``
    pages; it changes the database (two or more rows) exactly when it did some work.
    """
    with db.write() as session:
        raw = session.connection().connection.driver_connection
        assert raw is not None
        for table in SEARCH_INDEXES:
            before = raw.total_changes
            _command(session, table, "merge", pages)
            if raw.total_changes - before >= 2:
                return True
    return False


def _command(session: Session, table: str, command: str, value: int | None = None) -> None:
    """One of FTS5's special commands (an INSERT naming the table itself), with its number."""
    if value is None:
        session.execute(text(f"INSERT INTO {table}({table}) VALUES ('{command}')"))
    else:
        session.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('{command}', {int(value)})"))
