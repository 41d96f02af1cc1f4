"""Outbox entries for rows written in bulk, built by SQLite from the rows themselves.

A roster import writes 10,000 trainees and 10,000 enrolments in one transaction; each
needs its outbox entry carrying the record as it is. One ``INSERT … SELECT json_object(…)``
per entity does that inside SQLite, instead of a Python dict, ``json.dumps`` and a bound
row per record (about a quarter of the import's time). The payloads hold exactly the keys
and values that the single-record path sends (``TraineeRecord.to_json`` and
``EnrollmentRecord.to_json``, keys sorted as ``journal.enqueue`` sorts them): the SQL is
generated from those dataclasses, and tests compare the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from jiangxin_desktop.services.enrollment import EnrollmentRecord
from jiangxin_desktop.services.records import TraineeRecord


def _json_object(record_type: type, alias: str, columns: Mapping[str, str]) -> str:
    """``json_object('key', value, …)`` for the fields of ``record_type``, keys sorted."""
    parts = []
    for f in sorted(fields(record_type), key=lambda f: f.name):
        column = columns.get(f.name, f"{alias}.{f.name}")
        kind = str(f.type)
        if kind == "bool":
            value = f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"
        elif kind.startswith("tuple["):  # stored as a JSON array in a text column
            value = f"json({column})"
        elif kind in ("str", "str | None", "int", "date"):
            value = column
        else:  # a new field of a type this module does not know: fail loudly, not silently
            raise TypeError(f"{record_type.__name__}.{f.name}: no SQL for a field of type {kind}")
        parts.append(f"'{f.name}', {value}")
    return f"json_object({', '.join(parts)})"


_COLUMNS = "created_at, entity, entity_uuid, version, operation, payload_json"

# Trainees with ``:after < seq <= :upto`` (ones this transaction inserted), in insertion order.
TRAINEES_SQL = (
    f"INSERT INTO outbox ({_COLUMNS}) "
    f"SELECT :now, 'trainee', t.uuid, t.version, 'upsert', {_json_object(TraineeRecord, 't', {})} "
    "FROM trainee t WHERE t.seq > :after AND t.seq <= :upto ORDER BY t.seq"
)

# Enrolments of class ``:class_uuid`` with ``:after < seq <= :upto``, in insertion order.
ENROLMENTS_SQL = (
    f"INSERT INTO outbox ({_COLUMNS}) "
    "SELECT :now, 'enrollment', e.uuid, e.version, 'upsert', "
    + _json_object(
        EnrollmentRecord,
        "e",
        {"trainee_name": "t.name", "trainee_id_number": "t.id_number", "warnings": "e.warnings_json"},
    )
    + " FROM enrollment e JOIN trainee t ON t.uuid = e.trainee_uuid "
    "WHERE e.class_uuid = :class_uuid AND e.seq > :after AND e.seq <= :upto ORDER BY e.seq"
)
