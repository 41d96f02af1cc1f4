"""Every keystroke in the trainee search box finds its rows through an index.

SQLite's query plans (EXPLAIN QUERY PLAN) of the list page, its count and the hint's count
are checked for each kind of input a clerk types or scans. Without statistics (the program
never runs ANALYZE) the planner decides from the schema alone, so the plans of this small
database are the plans of one with 200,000 trainees. Migration 0009 dropped the
(active, id_number) index; the count then read every active trainee through the
(active, name) index: 2 s per keystroke from an ID's 10th digit on.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry import search as trainee_search
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.registry.search import plan_search
from tests.conftest import no_passphrase

COUNT_CAP = 500  # what the trainee list's model asks for a non-empty query


@pytest.fixture
def person(demo_context):
    # Born on the 21st: the ID's last six digits start with "21", a province code (辽宁).
    return demo_context.registry.register(
        TraineeInput(
            name="欧阳敏",
            id_number=id_with_check("32070619900121123"),
            phone="13912340001",
            target_group="31",
            consent=True,
        )
    )


def id_index(ctx) -> str:
    """The name of the unique index on trainee.id_number (SQLite names it itself)."""
    with ctx.db.read() as session:
        for _seq, name, unique, *_ in session.execute(text("PRAGMA index_list('trainee')")).all():
            columns = [r[2] for r in session.execute(text(f"PRAGMA index_info('{name}')")).all()]
            if unique and columns == ["id_number"]:
                return name
    raise AssertionError("trainee.id_number has no unique index")


# Kind of input → (what the clerk types, given the person's ID and phone; how it must be found).
INPUTS = {
    "1 Chinese character": (lambda iid, phone: "欧", "grams"),
    "2 Chinese characters": (lambda iid, phone: "欧阳", "grams"),
    "3+ characters name": (lambda iid, phone: "欧阳敏", "trigram"),
    "full ID": (lambda iid, phone: iid, "exact"),
    "full ID, lower-case x and spaces": (
        lambda iid, phone: f"{iid[:6]} {iid[6:14]} {iid[14:]}".lower(),
        "exact",
    ),
    "ID prefix 6": (lambda iid, phone: iid[:6], "id_prefix"),
    "ID prefix 10": (lambda iid, phone: iid[:10], "id_prefix"),
    "ID prefix 14": (lambda iid, phone: iid[:14], "id_prefix"),
    "ID prefix 17": (lambda iid, phone: iid[:17], "id_prefix"),
    "ID tail 4": (lambda iid, phone: iid[-4:], "trigram"),
    "ID tail 5": (lambda iid, phone: iid[-5:], "trigram"),
    "ID tail 6 (looks like a province)": (lambda iid, phone: iid[-6:], "trigram"),
    "phone prefix": (lambda iid, phone: phone[:7], "trigram"),
    "phone": (lambda iid, phone: phone, "trigram"),
    "phone tail": (lambda iid, phone: phone[-4:], "trigram"),
    "mixed name and digits": (lambda iid, phone: "欧阳敏0001", "trigram"),
    "mixed 2 characters": (lambda iid, phone: "欧1", "grams"),
    "latin letters": (lambda iid, phone: "ouy", "trigram"),
    "too short": (lambda iid, phone: "13", "short"),
    "nothing": (lambda iid, phone: "", "all"),
}


def searches(lines: list[str], index: str, constraint: str) -> bool:
    wanted = {f"SEARCH t USING {how}INDEX {index} {constraint}" for how in ("", "COVERING ")}
    return any(line in wanted for line in lines)


def check_plans(ctx, query: str, kind: str, *, sort: str = "recent", include_inactive: bool = False) -> None:
    """Assert that list, count and hint count find their rows through the index ``kind`` needs."""
    cap = COUNT_CAP if query.strip() else None  # as ui/registry/trainee_model.py asks
    plans = ctx.search.explain(query, sort=sort, cap=cap, include_inactive=include_inactive)
    listed, counted = plans["list"], plans["count"]
    everything = listed + counted
    ids = id_index(ctx)
    # A "SEARCH … (active=?)" on the (active, name) index reads every active trainee.
    if kind != "all" and kind != "short":
        assert not any(line.endswith("(active=?)") for line in everything), plans
        assert not any(line == "SCAN t" or line.startswith("SCAN t ") for line in everything), plans
    if sort == "recent":
        assert not any("TEMP B-TREE" in line for line in listed), plans
    if kind == "exact":
        for lines in (listed, counted):
            assert searches(lines, ids, "(id_number=?)"), plans
    elif kind == "id_prefix":
        for lines in (listed, counted):
            assert searches(lines, ids, "(id_number>? AND id_number<?)"), plans
    elif kind in ("trigram", "grams"):
        table = "trainee_fts" if kind == "trigram" else "trainee_name_grams"
        for lines in (listed, counted):
            assert any(line.startswith(f"SCAN {table} VIRTUAL TABLE INDEX") for line in lines), plans
            assert "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)" in lines, plans
    else:  # the whole list: the table itself in seq order (stops at the page), counted on an index
        if sort == "recent":
            assert listed == ["SCAN t"], plans
        if not include_inactive:
            assert any("COVERING INDEX ix_trainee_active_name (active=?)" in line for line in counted), plans


def test_every_kind_of_input_is_found_through_an_index(demo_context, person):
    # One database for every kind (each takes seconds to make): the label says which failed.
    for label, (typed, kind) in INPUTS.items():
        query = typed(person.id_number, person.phone)
        with demo_context.db.read() as session:
            assert demo_context.search._plan(session, query).kind == kind, label
        for include_inactive in (False, True):
            try:
                check_plans(demo_context, query, kind, include_inactive=include_inactive)
            except AssertionError as exc:
                where = f"{label} ({query!r}, include_inactive={include_inactive})"
                raise AssertionError(f"{where}: {exc}") from exc
        if kind not in ("all", "short") and not label.startswith(("mixed", "latin")):
            assert person.uuid in [r.uuid for r in demo_context.search.page(query, limit=1000)], label
            assert demo_context.search.count(query, cap=COUNT_CAP)[0] >= 1, label


def test_id_input_under_any_sort_uses_the_id_index(demo_context, person):
    """Sorted by a column, an ID or part of one still narrows on the ID index first."""
    for sort in ("name", "id_number", "birth_date", "phone", "sex"):
        check_plans(demo_context, person.id_number, "exact", sort=sort)
        for n in (6, 10, 14):
            check_plans(demo_context, person.id_number[:n], "id_prefix", sort=sort)


def test_an_id_tail_that_looks_like_a_province_finds_the_person(demo_context, person):
    """Digits 13-18 start with the day of birth; "21…" is also 辽宁's province code."""
    tail = person.id_number[-6:]
    assert tail.startswith("21") and plan_search(tail).kind == "id_prefix"  # by its look alone
    assert [r.uuid for r in demo_context.search.page(tail)] == [person.uuid]
    assert demo_context.search.count(tail, cap=COUNT_CAP) == (1, False)
    # An area code a registered ID starts with stays an ID prefix.
    assert person.uuid in [r.uuid for r in demo_context.search.page(person.id_number[:6], limit=1000)]


def test_a_dropped_index_fails_the_plan_check(data_paths, demo_context, person):
    """As a migration dropping it would: the whole list's count no longer uses an index."""
    check_plans(demo_context, "", "all")
    with demo_context.db.write() as session:
        session.execute(text("DROP INDEX ix_trainee_active_name"))
    # The program opens the database after a migration (a connection's prepared EXPLAIN
    # statements would keep the plan of the schema they were compiled against).
    demo_context.close()
    ctx = open_context(data_paths, no_passphrase)
    try:
        with pytest.raises(AssertionError):
            check_plans(ctx, "", "all")
    finally:
        ctx.close()


def test_the_old_count_plan_fails_the_plan_check(demo_context, person):
    """The count as it was before this fix: the (active, name) index served ``active = 1``."""
    ids = id_index(demo_context)
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM trainee t WHERE t.id_number >= :low "
        "AND t.id_number < :high AND t.active = 1 LIMIT 501)"
    )
    with demo_context.db.read() as session:
        params = {"low": "3207061990", "high": "3207061990Z"}
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params)
        lines = [r[3] for r in rows]
    assert not searches(lines, ids, "(id_number>? AND id_number<?)")


def test_sorted_by_name_a_broad_filter_walks_the_name_index(demo_context, person, monkeypatch):
    """Sorting every match of a broad filter by name costs more than walking the name index."""
    ids = id_index(demo_context)
    monkeypatch.setattr(trainee_search, "NAME_WALK_MIN", 10)
    area = person.id_number[:6]  # an area code: some 40 of the 300 demo trainees
    plans = demo_context.search.explain(area, sort="name", cap=COUNT_CAP)
    assert plans["list"] == ["SEARCH t USING INDEX ix_trainee_active_name (active=?)"], plans
    assert searches(plans["count"], ids, "(id_number>? AND id_number<?)"), plans
    rows = demo_context.search.page(area, sort="name", descending=False, limit=1000)
    assert len(rows) > 10 and all(r.id_number.startswith(area) for r in rows)
    assert [(r.name, r.seq) for r in rows] == sorted((r.name, r.seq) for r in rows)
    plans = demo_context.search.explain("13", sort="name")  # too short: the whole list, by name
    assert plans["list"] == ["SEARCH t USING INDEX ix_trainee_active_name (active=?)"], plans
    # A narrow filter: its few matches found on the ID index and sorted.
    plans = demo_context.search.explain(person.id_number[:14], sort="name", cap=COUNT_CAP)
    assert searches(plans["list"], ids, "(id_number>? AND id_number<?)"), plans


def test_the_totals_count_outbox_and_trainees_through_indexes(demo_context):
    """The status bar reads totals() at every refresh: no scan of the outbox or trainee table."""
    import inspect
    import re

    from jiangxin_desktop.services.registry import search as module

    source = inspect.getsource(module.TraineeSearch.totals)
    sql = "".join(re.findall(r'"([^"]*)"', source.split("text(", 1)[1].split(")\n", 1)[0]))
    with demo_context.db.read() as session:
        plan = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    scans = [line for line in plan if line.startswith("SCAN") and "USING" not in line and "CONSTANT ROW" not in line]
    assert not scans, plan
