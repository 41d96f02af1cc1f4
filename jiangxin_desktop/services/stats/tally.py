"""Day and month tallies of the dashboard (``stats_tally``, local), kept up to date lazily.

A period of three years at a station with 400,000 enrolments is read from a few thousand rows:
whole months from the month tallies, the days at either end from the day tallies. Person-times
(``pt``) are tallied from ``enrollment_outcome`` under the counting of counting.py — the same
condition the lists of people use — by target group, project, occupation and (target group,
follow-up outcome); valid certificates (``cert``) by (type, level) on their issue date.

Before reading, :func:`bring_up_to_date` redoes what changed: the days store/outcome_summary.py
marked in ``stats_dirty`` (a class finished, an enrolment or a follow-up changed), the issue
days of certificates changed since the last look (``certificate.updated_at``), and everything
when the counting itself changed (another threshold in the catalog; the first look after
migration 0016). Subsidy claims: claim_tally.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, delete, func, insert, literal, select, text, type_coerce
from sqlalchemy.orm import Session

from jiangxin_desktop.services.stats import claim_tally
from jiangxin_desktop.store.models import Certificate
from jiangxin_desktop.store.outcome_summary import COUNTING_MARK
from jiangxin_desktop.store.stats_models import EnrollmentOutcome as O
from jiangxin_desktop.store.stats_models import StatsDirty, StatsTally as T

CERT_MARK = "stats.certificates_seen"  # meta key: the latest certificate.updated_at tallied
CHUNK = 400


def _meta(s: Session, key: str) -> str | None:
    return s.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()


def _set_meta(s: Session, key: str, value: str | None) -> None:
    if value is not None:
        s.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"), {"k": key, "v": value})


def _pt_dims() -> list[tuple[str, Any]]:
    return [("g", O.target_group), ("p", O.project_code), ("o", O.occupation_code),
            ("f", O.target_group + "|" + func.coalesce(O.followup_outcome, ""))]


def _write_days(s: Session, kind: str, days: list[date] | None, condition: Any) -> None:
    """Day tallies of ``days`` (None: every day) made again from the rows."""
    if kind == "pt":
        day_col, dims, where = O.class_end, _pt_dims(), condition
    else:
        day_col = Certificate.issue_date
        dims = [("k", Certificate.certificate_type + "|" + Certificate.level)]
        where = Certificate.status == "valid"
    chunks = [None] if days is None else [days[i : i + CHUNK] for i in range(0, len(days), CHUNK)]
    for chunk in chunks:
        gone = delete(T).where(T.kind == kind, T.grain == "d")
        part = where if chunk is None else and_(where, day_col.in_(chunk))
        s.execute(gone if chunk is None else gone.where(T.day.in_(chunk)))
        for dim, column in dims:
            query = (select(literal(kind), literal("d"), day_col, literal(dim), column, func.count())
                     .where(part).group_by(day_col, column))
            s.execute(insert(T).from_select(["kind", "grain", "day", "dim", "value", "n"], query))


def _write_months(s: Session, kind: str, months: Iterable[date] | None) -> None:
    """Month tallies summed from the day tallies (None: every month)."""
    first = func.date(T.day, "start of month")
    gone = delete(T).where(T.kind == kind, T.grain == "m")
    wanted = None if months is None else sorted({m.replace(day=1) for m in months})
    if wanted is None:
        s.execute(gone)
        ranges = [None]
    else:
        s.execute(gone.where(T.day.in_(wanted)))
        ranges = [(m, _next_month(m)) for m in wanted]
    for bounds in ranges:
        where = and_(T.kind == kind, T.grain == "d")
        if bounds is not None:
            where = and_(where, T.day >= bounds[0], T.day < bounds[1])
        query = (select(literal(kind), literal("m"), type_coerce(first, Date), T.dim, T.value, func.sum(T.n))
                 .where(where).group_by(first, T.dim, T.value))
        s.execute(insert(T).from_select(["kind", "grain", "day", "dim", "value", "n"], query))


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def bring_up_to_date(db: Any, signature: str, condition: Any) -> None:
    """Redo the tallies that changed since the last look (a write only when something did)."""
    with db.read() as s:
        stale = (_meta(s, COUNTING_MARK) != signature
                 or s.execute(select(StatsDirty.day).limit(1)).first() is not None
                 or _certificates_changed(s) or claim_tally.stale(s))
    if not stale:
        return
    with db.write() as s:
        if _meta(s, COUNTING_MARK) != signature:
            _write_days(s, "pt", None, condition)
            _write_months(s, "pt", None)
            s.execute(delete(StatsDirty).where(StatsDirty.kind == "pt"))
            _set_meta(s, COUNTING_MARK, signature)
        else:
            days = sorted({_as_date(d) for d in s.execute(select(StatsDirty.day)).scalars()})
            if days:
                _write_days(s, "pt", days, condition)
                _write_months(s, "pt", days)
                s.execute(delete(StatsDirty).where(StatsDirty.kind == "pt"))
        mark = _meta(s, CERT_MARK)
        newest = s.execute(select(func.max(Certificate.updated_at))).scalar()
        if mark is None:
            _write_days(s, "cert", None, None)
            _write_months(s, "cert", None)
        elif newest is not None and newest > mark:
            days = sorted({_as_date(d) for d in s.execute(
                select(Certificate.issue_date).where(Certificate.updated_at >= mark)).scalars()})
            _write_days(s, "cert", days, None)
            _write_months(s, "cert", days)
        _set_meta(s, CERT_MARK, newest or "")
        claim_tally.bring_up_to_date(s)


def _certificates_changed(s: Session) -> bool:
    mark = _meta(s, CERT_MARK)
    if mark is None:
        return True
    newest = s.execute(select(func.max(Certificate.updated_at))).scalar()
    return newest is not None and newest > mark


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def pieces(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The whole months inside [start, end] and the day ranges left at either end."""
    months: list[date] = []
    days: list[tuple[date, date]] = []
    day = start
    while day <= end:
        following = _next_month(day)
        if day.day == 1 and following - timedelta(days=1) <= end:
            months.append(day)
        else:
            days.append((day, min(end, following - timedelta(days=1))))
        day = following
    return months, days


def read(s: Session, kind: str, start: date, end: date) -> list[tuple[str, str, int]]:
    """(dim, value, count) of the period, summed: one query per piece, each a range of the primary key."""
    months, days = pieces(start, end)
    parts = [and_(T.grain == "m", T.day.in_(months))] if months else []
    parts.extend(and_(T.grain == "d", T.day.between(a, b)) for a, b in days)
    sums: dict[tuple[str, str], int] = {}
    for part in parts:
        query = select(T.dim, T.value, func.sum(T.n)).where(T.kind == kind, part).group_by(T.dim, T.value)
        for dim, value, n in s.execute(query):
            sums[(dim, value)] = sums.get((dim, value), 0) + int(n)
    return [(dim, value, n) for (dim, value), n in sums.items()]
