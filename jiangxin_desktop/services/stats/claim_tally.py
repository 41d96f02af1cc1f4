"""Subsidy claims in the dashboard's tallies (kind ``claim``), kept by differences.

A claim counts 已申请 on the day it was reviewed (status 已审核 or later: reviewed, approved,
paid; the amount claimed), 已核准 on the day of the city's latest decision (approved or paid; the
amount decided) and 已发放 on its ``paid_on`` (paid; the amount decided). Days are this computer's
days, as the attendance windows and the period's bounds (service._bounds). ``stats_claim_days``
remembers where each claim was tallied; a claim changed since the last look (its ``updated_at``
past the mark in ``meta``) takes its old contribution out and puts its new one in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jiangxin_desktop.store.stats_models import StatsClaimDays as D
from jiangxin_desktop.store.subsidy_models import APPROVED, PAID, REVIEWED, SubsidyClaim as C

CLAIM_MARK = "stats.claims_seen"  # meta key: the latest subsidy_claim.updated_at tallied
STAGES = (("c", "claimed"), ("a", "approved"), ("p", "paid"))
_UPSERT = text(
    "INSERT INTO stats_tally (kind, grain, day, dim, value, n) VALUES ('claim', :grain, :day, :dim, :value, :n) "
    "ON CONFLICT (kind, grain, day, dim, value) DO UPDATE SET n = n + excluded.n"
)


def _day(moment: str | None) -> date | None:
    if not moment:
        return None
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone().date()


def _stages(status: str, reviewed_at: str | None, amount: int, decided_at: str | None, decided: int | None,
            paid_on: Any) -> dict[str, tuple[date, int] | None]:
    claimed = _day(reviewed_at) if status in (REVIEWED, APPROVED, PAID) else None
    approved = _day(decided_at) if status in (APPROVED, PAID) else None
    paid = (paid_on if isinstance(paid_on, date) else date.fromisoformat(str(paid_on))) \
        if status == PAID and paid_on else None
    return {"claimed": (claimed, amount or 0) if claimed else None,
            "approved": (approved, decided or 0) if approved else None,
            "paid": (paid, decided or 0) if paid else None}


def stale(s: Session) -> bool:
    mark = s.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": CLAIM_MARK}).scalar()
    newest = s.execute(select(func.max(C.updated_at))).scalar()
    return mark is None if newest is None else (mark is None or newest > mark)


def bring_up_to_date(s: Session) -> None:
    """Move the changed claims' contributions (every claim the first time)."""
    mark = s.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": CLAIM_MARK}).scalar()
    newest = s.execute(select(func.max(C.updated_at))).scalar()
    if mark is not None and (newest is None or newest <= mark):
        return
    query = select(C.uuid, C.status, C.reviewed_at, C.amount_fen, C.decided_at, C.decided_amount_fen, C.paid_on)
    if mark is None:  # the first look: from nothing
        s.execute(text("DELETE FROM stats_tally WHERE kind = 'claim'"))
        s.execute(text("DELETE FROM stats_claim_days"))
    else:
        query = query.where(C.updated_at >= mark)
    changed = s.execute(query).all()
    before = {}
    if mark is not None:
        uuids = [r[0] for r in changed]
        for i in range(0, len(uuids), 500):
            before.update({d.claim_uuid: d for d in s.scalars(select(D).where(D.claim_uuid.in_(uuids[i : i + 500])))})
    deltas: dict[tuple[str, date, str, str], int] = {}

    def add(dim: str, where: tuple[date, int] | None, sign: int) -> None:
        if where is None:
            return
        day, fen = where
        for grain, first in (("d", day), ("m", day.replace(day=1))):
            for value, n in (("count", 1), ("fen", fen)):
                key = (grain, first, dim, value)
                deltas[key] = deltas.get(key, 0) + sign * n

    rows = []
    for uuid, status, reviewed_at, amount, decided_at, decided, paid_on in changed:
        now = _stages(status, reviewed_at, amount, decided_at, decided, paid_on)
        old = before.get(uuid)
        for dim, stage in STAGES:
            if old is not None:
                day = getattr(old, f"{stage}_day")
                add(dim, (day, getattr(old, f"{stage}_fen")) if day else None, -1)
            add(dim, now[stage], +1)
        rows.append({"u": uuid, **{f"{st}_day": (now[st][0].isoformat() if now[st] else None) for _d, st in STAGES},
                     **{f"{st}_fen": (now[st][1] if now[st] else 0) for _d, st in STAGES}})
    if rows:
        s.execute(text(
            "INSERT INTO stats_claim_days (claim_uuid, claimed_day, claimed_fen, approved_day, approved_fen, paid_day, "
            "paid_fen) VALUES (:u, :claimed_day, :claimed_fen, :approved_day, :approved_fen, :paid_day, :paid_fen) "
            "ON CONFLICT (claim_uuid) DO UPDATE SET claimed_day = excluded.claimed_day, claimed_fen = "
            "excluded.claimed_fen, approved_day = excluded.approved_day, approved_fen = excluded.approved_fen, "
            "paid_day = excluded.paid_day, paid_fen = excluded.paid_fen"), rows)
    moves = [{"grain": g, "day": d.isoformat(), "dim": dim, "value": v, "n": n}
             for (g, d, dim, v), n in deltas.items() if n]
    if moves:
        s.execute(_UPSERT, moves)
    s.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value = "
                   "excluded.value"), {"k": CLAIM_MARK, "v": newest or ""})
