"""Keeping ``enrollment_outcome`` (store/stats_models.py) in step with the travelling rows.

One function per occasion, all in SQL over a connection or session the caller holds (so the
summary changes in the caller's transaction): :func:`refresh_classes` when a class finishes or
an enrolment of a finished class changes (services/training), :func:`rebuild` at migration
0016 (every finished class), :func:`apply_followups` for follow-ups recorded since the last
look (services/stats, before it counts). The counted hours are the attendance service's
(domain.attendance_rules.hours_by_enrollment); the planned hours are the timetable's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, text

from jiangxin_desktop.domain.attendance_rules import AttendanceRules, hours_by_enrollment, parse_attendance_rules

FINISHED_STATES = ("finished", "archived")  # 已结业, 已归档: the class reached 结业
FOLLOWUP_MARK = "stats.followups_seen"  # meta key: the latest follow_up.updated_at applied
COUNTING_MARK = "stats.counting"  # meta key: the counting the person-time tallies were made under
CHUNK = 500

_INSERT = text(
    "INSERT INTO enrollment_outcome (enrollment_uuid, class_uuid, trainee_uuid, class_end, enrolled, subsidised, "
    "target_group, project_code, occupation_code, attended_hours, planned_hours, followup_period, followup_outcome) "
    "VALUES (:enrollment_uuid, :class_uuid, :trainee_uuid, :class_end, :enrolled, :subsidised, :target_group, "
    ":project_code, :occupation_code, :attended_hours, :planned_hours, :followup_period, :followup_outcome)"
)


def active_attendance_rules(conn: Any) -> AttendanceRules:
    """``rules.attendance`` of the active catalog (the defaults without one)."""
    row = conn.execute(text("SELECT content_json FROM catalog WHERE active = 1")).first()
    raw = json.loads(row[0]).get("rules", {}).get("attendance") if row else None
    return parse_attendance_rules(raw, lambda where, what: None)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def refresh_classes(conn: Any, class_uuids: Iterable[str], rules: AttendanceRules) -> int:
    """Rewrite the rows of these classes: one per enrolment when the class reached 结业, none
    otherwise. Returns the number of rows written."""
    written = 0
    for uuid in dict.fromkeys(class_uuids):
        _dirty(conn, [r[0] for r in conn.execute(
            text("SELECT DISTINCT class_end FROM enrollment_outcome WHERE class_uuid = :c"), {"c": uuid})])
        conn.execute(text("DELETE FROM enrollment_outcome WHERE class_uuid = :c"), {"c": uuid})
        klass = conn.execute(
            text("SELECT status, end_date, project_code, occupation_code FROM training_class WHERE uuid = :c"),
            {"c": uuid},
        ).first()
        if klass is None or klass[0] not in FINISHED_STATES:
            continue
        rows = _class_rows(conn, uuid, _as_date(klass[1]), klass[2], klass[3], rules)
        if rows:
            conn.execute(_INSERT, rows)
            written += len(rows)
            _dirty(conn, [rows[0]["class_end"]])
    return written


def _class_rows(conn: Any, uuid: str, end: date, project: str, occupation: str, rules: AttendanceRules) -> list[dict]:
    sessions = {
        r[0]: (_as_date(r[1]), r[2], r[3], int(r[4]))
        for r in conn.execute(
            text("SELECT uuid, day, start_time, end_time, hours FROM class_session WHERE class_uuid = :c"), {"c": uuid}
        )
    }
    recorded = conn.execute(
        text(
            "SELECT a.session_uuid, a.enrollment_uuid, a.status, a.sign_in_at, a.sign_out_at FROM attendance a "
            "JOIN class_session s ON s.uuid = a.session_uuid WHERE s.class_uuid = :c"
        ),
        {"c": uuid},
    ).all()
    hours = hours_by_enrollment(sessions, [tuple(r) for r in recorded], rules)
    planned = sum(x[3] for x in sessions.values())
    enrolments = conn.execute(
        text(
            "SELECT uuid, trainee_uuid, status, subsidised, target_group FROM enrollment WHERE class_uuid = :c"
        ),
        {"c": uuid},
    ).all()
    latest = _latest_followups(conn, [e[0] for e in enrolments])
    return [
        {
            "enrollment_uuid": e[0], "class_uuid": uuid, "trainee_uuid": e[1], "class_end": end.isoformat(),
            "enrolled": int(e[2] == "enrolled"), "subsidised": int(bool(e[3])), "target_group": e[4] or "",
            "project_code": project, "occupation_code": occupation,
            "attended_hours": hours.get(e[0], 0), "planned_hours": planned,
            "followup_period": latest.get(e[0], (None, None))[0],
            "followup_outcome": latest.get(e[0], (None, None))[1],
        }
        for e in enrolments
    ]  # fmt: skip


def _latest_followups(conn: Any, enrollment_uuids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """Each enrolment's follow-up at its last recorded period: (period_months, outcome)."""
    latest: dict[str, tuple[int, str]] = {}
    query = text(
        "SELECT enrollment_uuid, period_months, outcome FROM follow_up WHERE enrollment_uuid IN :u"
    ).bindparams(bindparam("u", expanding=True))
    for i in range(0, len(enrollment_uuids), CHUNK):
        for uuid, period, outcome in conn.execute(query, {"u": list(enrollment_uuids[i : i + CHUNK])}):
            if uuid not in latest or period > latest[uuid][0]:
                latest[uuid] = (int(period), outcome)
    return latest


def rebuild(conn: Any, rules: AttendanceRules | None = None) -> int:
    """Every finished class's rows, from scratch (migration 0016; a repair)."""
    rules = rules or active_attendance_rules(conn)
    conn.execute(text("DELETE FROM enrollment_outcome"))
    classes = [
        r[0]
        for r in conn.execute(
            text("SELECT uuid FROM training_class WHERE status IN ('finished', 'archived') ORDER BY seq")
        )
    ]
    written = refresh_classes(conn, classes, rules)
    # every tally (services/stats/tally.py) is made again at the next look: forget what was seen
    conn.execute(text("DELETE FROM stats_dirty"))
    conn.execute(text("DELETE FROM meta WHERE key LIKE 'stats.%'"))
    mark = conn.execute(text("SELECT max(updated_at) FROM follow_up")).scalar()
    _set_mark(conn, mark)
    return written


def pending_followups(conn: Any) -> list[str]:
    """Enrolments whose follow-ups changed since the summary last took them in."""
    mark = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": FOLLOWUP_MARK}).scalar()
    newest = conn.execute(text("SELECT max(updated_at) FROM follow_up")).scalar()
    if newest is None or (mark is not None and newest <= mark):
        return []
    query = "SELECT enrollment_uuid FROM follow_up" + (" WHERE updated_at >= :m" if mark else "")
    return list(dict.fromkeys(r[0] for r in conn.execute(text(query), {"m": mark} if mark else {})))


def apply_followups(conn: Any, enrollment_uuids: Sequence[str]) -> None:
    """Take in the follow-ups of these enrolments (their last recorded period) and move the mark."""
    latest = _latest_followups(conn, enrollment_uuids)
    update = text(
        "UPDATE enrollment_outcome SET followup_period = :p, followup_outcome = :o WHERE enrollment_uuid = :u"
    )
    rows = [{"u": u, "p": p, "o": o} for u, (p, o) in latest.items()]
    if rows:
        conn.execute(update, rows)
        query = text("SELECT DISTINCT class_end FROM enrollment_outcome WHERE enrollment_uuid IN :u").bindparams(
            bindparam("u", expanding=True))
        for i in range(0, len(rows), CHUNK):
            _dirty(conn, [r[0] for r in conn.execute(query, {"u": [r["u"] for r in rows[i : i + CHUNK]]})])
    _set_mark(conn, conn.execute(text("SELECT max(updated_at) FROM follow_up")).scalar())


def _dirty(conn: Any, days: Iterable[Any]) -> None:
    """The person-time tallies of these days (services/stats/tally.py) are out of date."""
    rows = [{"d": str(day)[:10]} for day in dict.fromkeys(days)]
    if rows:
        conn.execute(text("INSERT OR IGNORE INTO stats_dirty (kind, day) VALUES ('pt', :d)"), rows)


def _set_mark(conn: Any, mark: str | None) -> None:
    if mark is None:
        return
    conn.execute(
        text("INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
        {"k": FOLLOWUP_MARK, "v": mark},
    )
