"""The dashboard reads its figures through indexes: no statement of summary() or people() scans a
large table.

Every SELECT, INSERT … SELECT and DELETE that ``summary()`` runs — when nothing changed, and when
a class has just finished (its day's tallies are made again) — is explained (EXPLAIN QUERY PLAN);
a SCAN of a table that grows with the station (enrolments, attendance, certificates, claims,
follow-ups, the summary and its tallies) fails, and the indexes of migration 0016 must be the ones
used. Without statistics (the program never runs ANALYZE) SQLite plans from the schema alone, so
the plans of this small database are those of a station with 400,000 enrolments: dropping an
index makes this test fail instead of the page taking seconds (tests/benchmarks/stats_bench.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from tests.services.subsidy_helpers import claimable_class

LARGE = ("enrollment_outcome", "stats_tally", "certificate", "subsidy_claim", "follow_up", "enrollment",
         "attendance", "trainee", "training_class")
PERIODS = ((date(2025, 1, 1), date(2027, 12, 31)), (date(2026, 3, 11), date(2026, 4, 30)))


@contextmanager
def statements(ctx):
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "DELETE", "UPDATE")) and not executemany:
            seen.append((statement, parameters))

    engines = (ctx.db.read_engine, ctx.db.write_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", grab)


def plans(ctx, seen) -> list[tuple[str, list[str]]]:
    out = []
    raw = ctx.db.read_engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in seen:
            if statement.lstrip().upper().startswith(("INSERT INTO STATS_DIRTY", "INSERT INTO META")):
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            out.append((statement, [row[-1] for row in cursor.fetchall()]))
    finally:
        raw.close()
    return out


def check(found: list[tuple[str, list[str]]]) -> set[str]:
    used = set()
    for statement, lines in found:
        for line in lines:
            words = line.split()
            if words[:1] == ["SCAN"] and words[1] in LARGE:
                raise AssertionError(f"{line}\n  in: {statement}")
            if words[:2] == ["SEARCH", "stats_tally"] and "(kind=? AND grain=?" not in line:
                raise AssertionError(f"tallies read by kind alone: {line}\n  in: {statement}")
            if " INDEX " in line:
                used.add(line.split(" INDEX ")[1].split()[0])
    return used


def test_summary_reads_through_indexes(demo_context, clock):
    ctx = demo_context
    claimable_class(ctx, clock, "甲乙")
    ctx.stats.summary(*PERIODS[0])  # the first look makes every tally (reads every row, once)
    claimable_class(ctx, clock, "丙丁", first_seq=231, start=date(2026, 4, 6))  # one more day to redo
    with statements(ctx) as seen:
        for start, end in PERIODS:
            ctx.stats.summary(start, end)
    used = check(plans(ctx, seen))
    assert {"ix_enrollment_outcome_end", "ix_certificate_issued", "ix_certificate_updated", "ix_follow_up_updated",
            "ix_subsidy_claim_updated"} <= used, used


def test_the_people_behind_a_figure_are_found_through_indexes(demo_context, clock):
    ctx = demo_context
    claimable_class(ctx, clock, "甲乙")
    start, end = PERIODS[0]
    ctx.stats.summary(start, end)  # the first look makes every tally (reads every row, once)
    with statements(ctx) as seen:
        for figure, key in (("person_times", None), ("person_times", "失业人员"), ("targets", "care"),
                            ("employment", "employed"), ("certificates", None), ("targets", "new_skilled"),
                            ("subsidies", "claimed"), ("subsidies", "approved"), ("subsidies", "paid")):
            ctx.stats.people(figure, key, start, end, limit=100)
    used = check(plans(ctx, seen))
    assert {"ix_enrollment_outcome_end", "ix_certificate_issued", "ix_subsidy_claim_reviewed",
            "ix_subsidy_claim_decided", "ix_subsidy_claim_paid"} <= used, used


def test_class_finish_writes_the_summary_through_indexes(demo_context, clock):
    ctx = demo_context
    with statements(ctx) as seen:
        claimable_class(ctx, clock, "甲乙")
    summary_statements = [(s, p) for s, p in seen if "enrollment_outcome" in s or "stats_dirty" in s]
    assert summary_statements
    used = check(plans(ctx, summary_statements))
    assert "ix_enrollment_outcome_class" in used, used
