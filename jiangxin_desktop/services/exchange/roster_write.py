"""Writing a roster import: chunk by chunk, in one transaction run beside the checking.

The import checks a chunk of rows (roster_reader), meets it with the database
(roster_plan) and hands it here as a RosterChunk; while the next chunk is checked, a background
transaction (store/background_write.py) writes this one: trainees, their name index and
search index, enrolments, outbox entries. Each kind of row goes in with one
``INSERT … SELECT … FROM jsonb_each(?)`` per chunk, so that SQLite does the work without
Python's lock. The audit event naming every record comes last, then the commit: all
rows or none. The search indexes' segments, one per chunk, are merged afterwards on the
database's upkeep thread (store/fts.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter

import sqlcipher3
from sqlalchemy import text
from sqlalchemy.orm import Session

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_data import RosterChunk
from jiangxin_desktop.services.exchange.roster_fields import ROSTER_FIELDS
from jiangxin_desktop.store.background_write import BackgroundWrite
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.fts import (
    index_trainees,
    merge_index_step,
    pause_index_merging,
    resume_index_merging,
    resume_trainee_index,
    suspend_trainee_index,
)
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.outbox import ENROLLMENT, TRAINEE, enqueue_span


def _insert_from_json(table: str, spec: Sequence[tuple[str, str]]) -> str:
    """``INSERT INTO table (…) SELECT … FROM jsonb_each(:rows)`` for ``(column, value)`` pairs.

    Each row is a JSON array. A value "?" takes the row's next element; "?blank" does too,
    with an empty text stored as NULL; any other value is SQL (a literal, a :parameter
    that is the same for every row, so that it is not repeated in each row's JSON, or an
    expression of ``key``, the row's position in the chunk).
    """
    picked, position = [], 0
    for _column, value in spec:
        if value in ("?", "?blank"):
            element = f"value->>{position}"
            picked.append(element if value == "?" else f"nullif({element}, '')")
            position += 1
        else:
            picked.append(value)
    columns = ", ".join(column for column, _value in spec)
    return f"INSERT INTO {table} ({columns}) SELECT {', '.join(picked)} FROM jsonb_each(:rows)"


# Rows of a RosterChunk, in this order of "?"; :now, :station, :actor, :consent, :class_uuid
# and :first_seq (the chunk's first seq) are bound once per statement.
_NEW_TRAVELLING_ROW = (  # the columns every travelling row has (models.Travelling), version 1
    ("seq", "key + :first_seq"),
    ("uuid", "?"),
    ("station_code", ":station"),
    ("version", "1"),
    ("created_at", ":now"),
    ("updated_at", ":now"),
)
# A new trainee's row (roster_data.trainee_values): uuid, birth date and sex, then the roster
# values in the order of ROSTER_FIELDS, each stored in the trainee column of the same name,
# then the flags (JSON).
_REQUIRED_VALUES = frozenset({"name", "id_number", "phone", "target_group"})
_TRAINEE = (
    *_NEW_TRAVELLING_ROW,
    ("birth_date", "?"),
    ("sex", "?"),
    *((name, "?" if name in _REQUIRED_VALUES else "?blank") for name in ROSTER_FIELDS),
    ("target_flags", "?"),
    ("consent_at", ":now"),
    ("consent_version", ":consent"),
    ("photo_consent", "0"),
    ("active", "1"),
    ("created_by", ":actor"),
)
_ENROLMENT = (
    *_NEW_TRAVELLING_ROW,
    ("class_uuid", ":class_uuid"),
    ("trainee_uuid", "?"),
    ("target_group", "?"),
    ("target_flags", "?"),
    ("evidence_type", "?blank"),
    ("evidence_number", "?blank"),
    ("subsidised", "1"),
    ("status", "'enrolled'"),
    ("warnings_json", "?"),
    ("created_by", ":actor"),
)
INSERT_TRAINEES = _insert_from_json("trainee", _TRAINEE)
INSERT_ENROLMENTS = _insert_from_json("enrollment", _ENROLMENT)
INSERT_NAME_GRAMS = _insert_from_json(
    "trainee_name_grams", (("rowid", "key + :first_seq"), ("grams", "value"))
)

_first = itemgetter(0)
_CONFLICT = "导入期间有学员被登记或报名，名册未导入任何记录。请重新预览后再导入。"


def _dump(rows: list) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


class RosterWriter:
    """Starts the import's write transaction; :meth:`add` chunks; :meth:`commit` or :meth:`rollback`.

    The transaction holds the database's single writer from here on: the import's reads
    meanwhile see the database as it stands, and nobody can change it under them.
    """

    def __init__(
        self,
        db: Database,
        class_uuid: str,
        *,
        station_code: str,
        actor: str,
        consent_version: str,
        travels: bool,
        now: str,
    ) -> None:
        """``now``: the import's instant (UTC, as ``journal.utc_now`` writes it), on every row;
        ``travels``: each row gets its outbox entry for the city."""
        self._now = now
        self._station, self._actor = station_code, actor
        self._consent = consent_version
        self._travels = travels
        self._class_uuid = class_uuid
        self.registered: list[str] = []
        self.enrolled: list[str] = []
        self._db = db
        self._write = BackgroundWrite(db, self._begin, name="roster-import")
        self._trainee_seq, self._enrolment_seq = self._write.began

    @staticmethod
    def _begin(session: Session) -> tuple[int, int]:
        suspend_trainee_index(session)
        pause_index_merging(session)  # each chunk adds a segment; merged after the commit
        trainees, enrolments = session.execute(
            text(
                "SELECT (SELECT coalesce(max(seq), 0) FROM trainee), "
                "(SELECT coalesce(max(seq), 0) FROM enrollment)"
            )
        ).one()
        return int(trainees), int(enrolments)

    def add(self, chunk: RosterChunk) -> None:
        """Queue one chunk of rows to be written."""
        now = self._now
        trainee_from, enrolment_from = self._trainee_seq, self._enrolment_seq
        trainees, enrolments = chunk.trainees, chunk.enrolments
        self.registered.extend(map(_first, trainees))
        self.enrolled.extend(map(_first, enrolments))
        self._trainee_seq += len(trainees)
        self._enrolment_seq += len(enrolments)
        trainee_upto, enrolment_upto = self._trainee_seq, self._enrolment_seq
        trainees_json, grams_json = _dump(trainees), _dump(chunk.grams)
        enrolments_json = _dump(enrolments)
        travels = self._travels
        same = {
            "now": now,
            "station": self._station,
            "actor": self._actor,
            "consent": self._consent,
            "class_uuid": self._class_uuid,
        }

        def write(session: Session) -> None:
            raw = session.connection().connection.driver_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                if trainees:
                    first = trainee_from + 1
                    cursor.execute(INSERT_TRAINEES, {**same, "first_seq": first, "rows": trainees_json})
                    cursor.execute(INSERT_NAME_GRAMS, {"first_seq": first, "rows": grams_json})
                    index_trainees(cursor, trainee_from, trainee_upto)
                first = enrolment_from + 1
                cursor.execute(INSERT_ENROLMENTS, {**same, "first_seq": first, "rows": enrolments_json})
                if travels:  # an outbox entry for each row just written
                    if trainees:
                        enqueue_span(cursor, entity=TRAINEE, at=now, after=trainee_from, upto=trainee_upto)
                    enqueue_span(cursor, entity=ENROLLMENT, at=now, after=enrolment_from, upto=enrolment_upto)
            finally:
                cursor.close()

        self._write.submit(write)

    def commit(self, audit_after: dict, also: Callable[[Session], dict | None] | None = None) -> dict | None:
        """Write the audit event naming every record, and commit. Raises the writer's failure.

        ``also`` writes in the same transaction (the clerk's answers to remember); what it
        returns goes into the audit event as ``mappings``, and is returned."""
        actor, class_uuid = self._actor, self._class_uuid
        after = {**audit_after, "registered": self.registered, "enrolled": self.enrolled}
        added: list[dict | None] = [None]

        def last(session: Session) -> None:
            resume_trainee_index(session)
            resume_index_merging(session)
            if also is not None:
                added[0] = also(session)
                if added[0] is not None:
                    after["mappings"] = added[0]
            audit(
                session,
                actor=actor,
                action="roster.import",
                object_type="training_class",
                object_id=class_uuid,
                after=after,
            )

        self._finish(last)
        db = self._db
        db.when_quiet(lambda: merge_index_step(db))
        return added[0]

    def raise_if_failed(self) -> None:
        """Raise what went wrong on the writer's thread, if anything did (it wrote nothing)."""
        if self._write.failed:
            self._finish(None)

    def _finish(self, last: Callable[[Session], None] | None) -> None:
        try:
            self._write.commit(last)
        except sqlcipher3.dbapi2.IntegrityError as exc:  # not expected: the writer held the database
            raise KnownError(_CONFLICT) from exc

    def rollback(self) -> None:
        self._write.rollback()
