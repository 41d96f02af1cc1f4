"""Find trainees as the clerk types: filtering, sorting and paging all happen in SQLite.

- a complete ID number: the unique index (a scanned ID card acts at once);
- 6+ digits that start like an ID (province + area code): a range on the ID index, in ID
  order. The trigram index would have to intersect the doclists of "320", "207", … which
  nearly every local trainee shares (15-20 ms at 200,000 rows; the range costs 0.2 ms).
  Six such digits that begin no registered ID are an ID tail (the trigram index);
- 3 or more characters: the trigram FTS5 index over name, ID and phone;
- 1-2 characters of a name: the name-gram index (see name_grams);
- 1-2 digits: too short to mean anything; the list stays unfiltered and says so.

The list, its count and the hint's count each find their rows through an index for every
kind of input (``TraineeSearch.explain`` shows the plans; tests/services/test_search_plans.py
checks them, so that a migration dropping an index the plans need fails a test).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.idnumber import PROVINCES
from jiangxin_desktop.store.database import Database

_FULL_ID = re.compile(r"^\d{17}[\dX]$")
_DIGITS = re.compile(r"^[\d\sX-]+$")
_PHONE_START = re.compile(r"^1[3-9]")  # 13/14/15 are also province codes: keep the trigram path
_TAIL_LENGTH = 6  # the ID tail clerks read off a card
# Sorted by name, a filter matching more rows than this walks the (active, name) index instead
# of sorting its matches: a page of 200 is then found within ~200/5,000 of the index, and
# sorting up to 5,000 matches costs about as much (200,000 trainees: ~10 ms either way).
NAME_WALK_MIN = 5000

# Sort keys a caller may ask for → SQL (always ending on seq so paging is stable).
SORT_KEYS = {
    "recent": "t.seq",
    "name": "t.name, t.seq",
    "id_number": "t.id_number",
    "birth_date": "t.birth_date, t.seq",
    "phone": "t.phone, t.seq",
    "target_group": "t.target_group, t.seq",
    "sex": "t.sex, t.seq",
}
_COLUMNS = (
    "t.seq, t.uuid, t.name, t.sex, t.birth_date, t.id_number, t.phone, t.target_group, t.created_at, t.active"
)


@dataclass(frozen=True)
class TraineeRow:
    seq: int
    uuid: str
    name: str
    sex: str
    birth_date: str
    id_number: str
    phone: str
    target_group: str | None
    created_at: str
    active: bool


@dataclass(frozen=True)
class SearchPlan:
    kind: str  # all | exact | trigram | grams | short
    term: str
    hint: str | None = None


def plan_search(raw: str) -> SearchPlan:
    q = unicodedata.normalize("NFKC", raw or "").strip()
    if not q:
        return SearchPlan("all", "")
    if _DIGITS.match(q.upper()):
        q = re.sub(r"[\s-]", "", q.upper())
        if _FULL_ID.match(q):
            return SearchPlan("exact", q)
        if len(q) < 3:
            return SearchPlan("short", q, "请至少输入 3 位数字")
        if len(q) >= 6 and q[:2] in PROVINCES and not _PHONE_START.match(q):
            return SearchPlan("id_prefix", q)
        return SearchPlan("trigram", q)
    q = " ".join(q.split())
    if len(q) >= 3:
        return SearchPlan("trigram", q)
    return SearchPlan("grams", q.replace("·", ""))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


_FTS_TABLE = {"trigram": "trainee_fts", "grams": "trainee_name_grams"}
# Kinds whose rows are found through an index on what was typed (ID index, FTS tables).
# Their ``active`` filter is written ``+t.active`` so that the planner can never serve it
# from the (active, name) index instead: that "SEARCH t USING INDEX ix_trainee_active_name
# (active=?)" reads every active trainee (2 s per keystroke at 200,000 once migration 0009
# had dropped the (active, id_number) index the planner used to pick).
_SELECTIVE = ("exact", "id_prefix", *_FTS_TABLE)


def _source(
    plan: SearchPlan,
    include_inactive: bool,
    *,
    fts_order: bool,
    by_active_index: bool = True,
    broad: bool = False,
) -> tuple[str, dict]:
    """FROM/WHERE for a plan. With ``fts_order`` the FTS table drives (rows in rowid order).

    ``by_active_index``: for an unfiltered list, the (active, name) index may serve the
    ``active`` filter (counts and the list by name); otherwise ``+t.active`` keeps the
    planner from using it, so that the table (in seq order) gives the order without a sort.
    ``broad``: so many rows match that walking the (active, name) index in name order finds
    a page sooner than sorting every match (the list sorted by name).
    """
    use_active_index = by_active_index and (plan.kind not in _SELECTIVE or broad)
    active = "" if include_inactive else f" AND {'' if use_active_index else '+'}t.active = 1"
    if plan.kind == "exact":
        return f"trainee t WHERE t.id_number = :term{active}", {"term": plan.term}
    if plan.kind == "id_prefix":
        # "Z" sorts after every digit and "X": the range holds exactly the IDs with this prefix.
        params = {"low": plan.term, "high": plan.term + "Z"}
        return f"trainee t WHERE t.id_number >= :low AND t.id_number < :high{active}", params
    fts = _FTS_TABLE.get(plan.kind)
    if fts is None:
        return f"trainee t WHERE 1{active}", {}
    params = {"term": _phrase(plan.term)}
    if fts_order:
        return f"{fts} JOIN trainee t ON t.seq = {fts}.rowid WHERE {fts} MATCH :term{active}", params
    return f"trainee t WHERE t.seq IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :term){active}", params


class TraineeSearch:
    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self,
        query: str,
        *,
        sort: str = "recent",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
        include_inactive: bool = False,
    ) -> list[TraineeRow]:
        with self.db.read() as session:
            sql, params = self._page_sql(session, query, sort, descending, include_inactive)
            rows = session.execute(text(sql), {**params, "limit": limit, "offset": offset}).all()
        return [
            TraineeRow(r[0], r[1], r[2], r[3], str(r[4]), r[5], r[6], r[7], r[8], bool(r[9])) for r in rows
        ]

    def count(
        self, query: str, *, cap: int | None = 1000, include_inactive: bool = False
    ) -> tuple[int, bool]:
        """How many rows match, counting at most ``cap`` (True when the cap was reached).

        ``cap=None`` counts every match; with no filter that is one scan of a small index.
        """
        with self.db.read() as session:
            sql, params = self._count_sql(session, query, cap, include_inactive)
            n = session.execute(text(sql), params).scalar_one()
        if cap is None:
            return n, False
        return min(n, cap), n > cap

    def explain(
        self,
        query: str,
        *,
        sort: str = "recent",
        descending: bool = True,
        cap: int | None = 1000,
        include_inactive: bool = False,
    ) -> dict[str, list[str]]:
        """SQLite's query plans (EXPLAIN QUERY PLAN details) of the list page and its count."""
        with self.db.read() as session:
            page_sql, page_params = self._page_sql(session, query, sort, descending, include_inactive)
            count_sql, count_params = self._count_sql(session, query, cap, include_inactive)
            plans = {}
            for name, sql, params in (
                ("list", page_sql, {**page_params, "limit": 200, "offset": 0}),
                ("count", count_sql, count_params),
            ):
                rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params).all()
                plans[name] = [str(r[3]) for r in rows]
        return plans

    # --- SQL ------------------------------------------------------------------------------
    def _page_sql(
        self, session: Session, query: str, sort: str, descending: bool, include_inactive: bool
    ) -> tuple[str, dict]:
        plan = self._plan(session, query)
        direction = "DESC" if descending else "ASC"
        # Newest first over an FTS match: FTS5 walks its doclist in rowid order and stops
        # at LIMIT, so there is no sort step however many rows match.
        fts_order = sort == "recent" and plan.kind in _FTS_TABLE
        broad = (
            sort == "name"
            and not include_inactive
            and plan.kind in ("id_prefix", *_FTS_TABLE)
            and self._matches_more_than(session, plan, NAME_WALK_MIN)
        )
        source, params = _source(
            plan, include_inactive, fts_order=fts_order, by_active_index=sort == "name", broad=broad
        )
        if fts_order:
            order = f"{_FTS_TABLE[plan.kind]}.rowid {direction}"
        elif plan.kind == "id_prefix" and sort == "recent":
            order = "t.id_number ASC"  # the ID index serves filter and order: no sort step
        else:
            order = ", ".join(f"{c} {direction}" for c in SORT_KEYS[sort].split(", "))
        return f"SELECT {_COLUMNS} FROM {source} ORDER BY {order} LIMIT :limit OFFSET :offset", params

    @staticmethod
    def _matches_more_than(session: Session, plan: SearchPlan, n: int) -> bool:
        source, params = _source(plan, False, fts_order=True)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT :cap)"
        return session.execute(text(sql), {**params, "cap": n + 1}).scalar_one() > n

    def _count_sql(
        self, session: Session, query: str, cap: int | None, include_inactive: bool
    ) -> tuple[str, dict]:
        source, params = _source(self._plan(session, query), include_inactive, fts_order=True)
        if cap is None:
            return f"SELECT count(*) FROM {source}", params
        return f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT :cap)", {**params, "cap": cap + 1}

    @staticmethod
    def _plan(session: Session, query: str) -> SearchPlan:
        """plan_search, and a 6-digit ID-like number that begins no registered ID is an ID tail.

        An ID's last six digits start with the day of birth: on 11, 12, 21, 22, 23 and 31
        they look like a province code, yet no ID starts with them (one seek on the ID index).
        """
        plan = plan_search(query)
        if plan.kind == "id_prefix" and len(plan.term) == _TAIL_LENGTH:
            probe = "SELECT 1 FROM trainee WHERE id_number >= :low AND id_number < :high LIMIT 1"
            if session.execute(text(probe), {"low": plan.term, "high": plan.term + "Z"}).first() is None:
                return SearchPlan("trigram", plan.term)
        return plan

    def totals(self) -> dict[str, int]:
        with self.db.read() as session:
            # Each count is answered from an index ((active, name); (batch_id, seq) of the outbox),
            # not a table scan. "outbox": changes the city has not confirmed yet (in no batch, or
            # in a batch without the city's receipt of acceptance).
            active, inactive, pending = session.execute(
                text(
                    "SELECT (SELECT count(*) FROM trainee WHERE active = 1), "
                    "(SELECT count(*) FROM trainee WHERE active = 0), "
                    "(SELECT count(*) FROM outbox WHERE batch_id IS NULL) + (SELECT count(*) FROM outbox "
                    "WHERE batch_id IN (SELECT batch_id FROM sync_batch "
                    "WHERE status IN ('review', 'ready', 'sent', 'rejected')))"
                )
            ).one()
        return {"active": int(active), "inactive": int(inactive), "outbox": int(pending)}
