"""Dashboard benchmark: ``ctx.stats.summary()`` after login on a station of 200,000 trainees and
400,000 enrolments.

    JIANGXIN_PASSPHRASE=bench-passphrase .venv/bin/python tests/benchmarks/stats_bench.py \\
        --data /tmp/stats-bench-400k [--seed-from /tmp/bench-200k] --runs 9

Builds the station once into ``--data`` and reuses it on later runs: the demo's trainees
(``--trainees``; or a copy of an existing demo data directory, ``--seed-from``), then, in SQL,
``--classes`` classes of 40 enrolments each (5 sessions of 8 class hours, sign-in and sign-out
times, about one session in ten missed), 95 % of them finished, certificates, follow-ups, subsidy
claims in every state; then the dashboard's summary is filled as migration 0016 fills it
(``store/outcome_summary.rebuild``, timed). Each run opens the database, logs in as the clerk and
times ``summary()`` of the plan's whole period (the worst case) and of one month; prints the
median and p95 over ``--runs`` runs, never a single run, and the time of each main query.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PASSPHRASE = os.environ.get("JIANGXIN_PASSPHRASE") or "bench-passphrase"
PASSWORD = "Demo-pass-2025"
PER_CLASS = 40
SESSIONS = 5


def passphrase(_new: bool) -> str:
    return PASSPHRASE


def build(paths, trainees: int, classes: int, seed_from: Path | None) -> None:
    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database

    started = time.perf_counter()
    if seed_from:
        shutil.copytree(seed_from, paths.root)
    else:
        ensure_demo_database(paths, passphrase, trainees, user_password=PASSWORD, classes=False)
    print(f"trainees ready in {time.perf_counter() - started:.0f} s", flush=True)
    ctx = open_context(paths, passphrase)
    try:
        started = time.perf_counter()
        fill(ctx, classes)
        print(f"{classes} classes, {classes * PER_CLASS} enrolments written in {time.perf_counter() - started:.0f} s",
              flush=True)
        from jiangxin_desktop.store.outcome_summary import rebuild

        started = time.perf_counter()
        with ctx.db.write() as s:
            rows = rebuild(s)
        print(f"summary filled (as migration 0016 does): {rows} rows in {time.perf_counter() - started:.1f} s",
              flush=True)
        ctx.login("clerk", PASSWORD)
        started = time.perf_counter()
        ctx.stats.bring_up_to_date()
        print(f"day and month tallies made (the first look after the migration): "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    finally:
        ctx.close()


def fill(ctx, classes: int) -> None:  # noqa: PLR0915 — one straight script of inserts
    from sqlalchemy import text

    rng = random.Random(19)
    catalog = ctx.catalogs.active()
    projects = [(p.code, p.name) for p in catalog.projects.values()]
    occupations = [(o.code, o.name) for o in catalog.occupations.values()]
    station = ctx.station.code
    now = "2026-12-01T00:00:00.000Z"
    travel = "station_code, version, created_at, updated_at"
    with ctx.db.write() as s:
        people = [tuple(r) for r in s.execute(text("SELECT uuid, target_group FROM trainee ORDER BY seq"))]
        class_rows, session_rows, times = [], [], []
        first = date(2025, 1, 6)
        for i in range(classes):
            end = first + timedelta(days=(i * 690) // classes)
            start = end - timedelta(days=SESSIONS - 1)
            status = "training" if i % 20 == 19 else ("archived" if i % 3 == 0 else "finished")
            project, occupation = projects[i % len(projects)], occupations[(i * 7) % len(occupations)]
            uuid = f"bench-class-{i:06d}"
            class_rows.append({
                "uuid": uuid, "code": f"{station}-B{i:06d}", "name": f"{occupation[1]}（基准）第{i}期",
                "status": status, "project_code": project[0], "project_name": project[1],
                "occupation_code": occupation[0], "occupation_name": occupation[1], "start": start, "end": end,
            })
            for n in range(SESSIONS):
                day = start + timedelta(days=n)
                sign_in = datetime.combine(day, datetime.min.time().replace(hour=8, minute=25)).astimezone()
                sign_out = sign_in + timedelta(hours=8, minutes=40)
                session_rows.append({"uuid": f"{uuid}-s{n}", "class_uuid": uuid, "number": n + 1, "day": day})
                times.append({"session_uuid": f"{uuid}-s{n}", "in_at": _iso(sign_in), "out_at": _iso(sign_out)})
        s.execute(text(
            f"INSERT INTO training_class (uuid, {travel}, code, name, status, catalog_version, project_code, "
            "project_name, occupation_code, occupation_name, level, certificate_type, institution_code, "
            "institution_name, institution_uscc, site, start_date, end_date, class_hours, capacity, teachers_json, "
            "fee_fen, government_fen, employer_fen, personal_fen, created_by) VALUES (:uuid, :st, 1, :now, :now, "
            ":code, :name, :status, 'bench', :project_code, :project_name, :occupation_code, :occupation_name, '5', "
            "'1', 'JG001', '基准培训机构', '91320700MA1234567X', '基准教室', :start, :end, 40, 50, '[]', 100000, "
            "80000, 0, 20000, 'bench')"),
            [{**r, "st": station, "now": now, "start": r["start"].isoformat(), "end": r["end"].isoformat()}
             for r in class_rows])
        s.execute(text(
            f"INSERT INTO class_session (uuid, {travel}, class_uuid, number, day, start_time, end_time, hours) "
            "VALUES (:uuid, :st, 1, :now, :now, :class_uuid, :number, :day, '08:30', '17:00', 8)"),
            [{**r, "st": station, "now": now, "day": r["day"].isoformat()} for r in session_rows])
        s.execute(text("CREATE TEMP TABLE bench_times (session_uuid TEXT PRIMARY KEY, in_at TEXT, out_at TEXT)"))
        s.execute(text("INSERT INTO bench_times VALUES (:session_uuid, :in_at, :out_at)"), times)
        enrolments = []
        for i, klass in enumerate(class_rows):
            for k in range(PER_CLASS):
                person, group = people[(i * PER_CLASS + k * 7919) % len(people)]
                enrolments.append({
                    "uuid": f"{klass['uuid']}-e{k:02d}", "class_uuid": klass["uuid"], "trainee_uuid": person,
                    "group": group or "99", "subsidised": int(rng.random() < 0.9),
                    "status": "withdrawn" if rng.random() < 0.03 else "enrolled",
                })
        s.execute(text(
            f"INSERT OR IGNORE INTO enrollment (uuid, {travel}, class_uuid, trainee_uuid, target_group, target_flags, "
            "subsidised, status, warnings_json, created_by) VALUES (:uuid, :st, 1, :now, :now, :class_uuid, "
            ":trainee_uuid, :group, '[]', :subsidised, :status, '[]', 'bench')"),
            [{**e, "st": station, "now": now} for e in enrolments])
        # one session in ten missed (about 41 % of people miss one of five: 80 % still counts)
        s.execute(text(
            f"INSERT INTO attendance (uuid, {travel}, session_uuid, enrollment_uuid, status, sign_in_at, "
            "sign_out_at, recorded_by) SELECT e.uuid || '-' || cs.number, :st, 1, :now, :now, cs.uuid, e.uuid, "
            "CASE WHEN abs(random()) % 10 = 0 THEN 'absent' ELSE 'present' END, t.in_at, t.out_at, 'bench' "
            "FROM enrollment e JOIN class_session cs ON cs.class_uuid = e.class_uuid "
            "JOIN bench_times t ON t.session_uuid = cs.uuid WHERE e.uuid LIKE 'bench-%'"),
            {"st": station, "now": now})
        s.execute(text("UPDATE attendance SET sign_in_at = NULL, sign_out_at = NULL WHERE status = 'absent'"))
        s.execute(text(
            f"INSERT INTO certificate (uuid, {travel}, number, year, serial, class_uuid, enrollment_uuid, "
            "trainee_uuid, certificate_type, occupation_code, occupation_name, level, issue_date, status, "
            "reissue_count, issued_by) SELECT e.uuid || '-c', :st, 1, :now, :now, :st || '-B-' || e.seq, 2099, "
            "e.seq, c.uuid, e.uuid, e.trainee_uuid, CASE WHEN e.seq % 4 = 0 THEN '3' ELSE '1' END, "
            "c.occupation_code, c.occupation_name, CASE WHEN e.seq % 9 = 0 THEN '3' ELSE '5' END, "
            "date(c.end_date, '+10 days'), CASE WHEN e.seq % 50 = 0 THEN 'revoked' ELSE 'valid' END, 0, 'bench' "
            "FROM enrollment e JOIN training_class c ON c.uuid = e.class_uuid "
            "WHERE e.uuid LIKE 'bench-%' AND c.status != 'training' AND e.status = 'enrolled' AND e.seq % 10 < 7"),
            {"st": station, "now": now})
        outcomes = ["employed", "self_employed", "flexible", "not_employed", "unreachable"]
        for months in (3, 6):
            s.execute(text(
                f"INSERT INTO follow_up (uuid, {travel}, enrollment_uuid, trainee_uuid, class_uuid, period_months, "
                "due_on, outcome, contacted_on, recorded_by) SELECT e.uuid || '-f' || :m, :st, 1, :now, :now, e.uuid, "
                "e.trainee_uuid, c.uuid, :m, date(c.end_date, '+' || :m || ' months'), "
                "CASE abs(random()) % 5 WHEN 0 THEN :o0 WHEN 1 THEN :o1 WHEN 2 THEN :o2 WHEN 3 THEN :o3 ELSE :o4 END, "
                "date(c.end_date, '+' || :m || ' months'), 'bench' "
                "FROM enrollment e JOIN training_class c ON c.uuid = e.class_uuid "
                "WHERE e.uuid LIKE 'bench-%' AND c.status != 'training' AND e.status = 'enrolled' "
                "AND e.seq % 10 < :share AND c.end_date < '2026-08-01'"),
                {"st": station, "now": now, "m": months, "share": 5 if months == 3 else 3,
                 **{f"o{i}": o for i, o in enumerate(outcomes)}})
        statuses = ["reviewed", "approved", "paid", "paid", "returned", "draft", "withdrawn"]
        s.execute(text(
            f"INSERT INTO subsidy_claim (uuid, {travel}, number, year, serial, revision, enrollment_uuid, trainee_uuid, "
            "class_uuid, certificate_uuid, status, kind, standard_fen, amount_fen, fee_fen, government_fen, "
            "employer_fen, personal_fen, payee_kind, payee_name, payee_account, catalog_version, inputs_json, "
            "inputs_hash, explanation_json, created_by, reviewed_at, decided_amount_fen, decided_at, paid_on) "
            "SELECT x.uuid || '-b', :st, 1, :now, :now, :st || '-BT-' || x.seq, 2099, x.seq, 1, x.enrollment_uuid, "
            "x.trainee_uuid, x.class_uuid, x.uuid, x.st2, 'certificate', 80000, 80000, 100000, 80000, 0, 20000, "
            "'person', '基准', '6222020200112233445', 'bench', '{}', 'sha256:0', '[]', 'bench', "
            "CASE WHEN x.st2 IN ('draft') THEN NULL ELSE x.issue_date || 'T02:00:00.000Z' END, "
            "CASE WHEN x.st2 IN ('approved', 'paid') THEN 76000 END, "
            "CASE WHEN x.st2 IN ('approved', 'paid', 'returned') THEN date(x.issue_date, '+20 days') || 'T03:00:00.000Z' END, "
            "CASE WHEN x.st2 = 'paid' THEN date(x.issue_date, '+40 days') END "
            "FROM (SELECT c.*, CASE c.seq % 7 WHEN 0 THEN :s0 WHEN 1 THEN :s1 WHEN 2 THEN :s2 WHEN 3 THEN :s3 "
            "WHEN 4 THEN :s4 WHEN 5 THEN :s5 ELSE :s6 END AS st2 FROM certificate c WHERE c.uuid LIKE 'bench-%' "
            "AND c.seq % 3 != 0) x"),
            {"st": station, "now": now, **{f"s{i}": v for i, v in enumerate(statuses)}})
        counts = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("trainee", "training_class", "enrollment", "attendance", "certificate", "follow_up",
                            "subsidy_claim")}
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()), flush=True)


def _iso(moment: datetime) -> str:
    """As the attendance service stores a moment (UTC, milliseconds, Z)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(paths, runs: int) -> None:
    from jiangxin_desktop.context import open_context

    periods = {"whole plan 2025-01-01..2027-12-31": (date(2025, 1, 1), date(2027, 12, 31)),
               "one month 2026-03": (date(2026, 3, 1), date(2026, 3, 31))}
    results: dict[str, list[float]] = {name: [] for name in periods}
    first_after_login: list[float] = []
    opened: list[float] = []
    for _ in range(runs):
        wall = time.perf_counter()
        ctx = open_context(paths, passphrase)
        ctx.login("clerk", PASSWORD)
        opened.append(time.perf_counter() - wall)
        try:
            for i, (name, (start, end)) in enumerate(periods.items()):
                wall = time.perf_counter()
                ctx.stats.summary(start, end)
                took = time.perf_counter() - wall
                results[name].append(took)
                if i == 0:
                    first_after_login.append(took)
        finally:
            ctx.close()
    print(f"open + login: median {statistics.median(opened) * 1000:.0f} ms")
    for i, (name, values) in enumerate(results.items()):
        when = "the first call after login" if i == 0 else "the second call"
        print(f"summary(), {name}: median {statistics.median(values) * 1000:.0f} ms, "
              f"p95 {pct(values, 0.95) * 1000:.0f} ms ({runs} runs, each {when})")
    queries(paths, runs)


def queries(paths, runs: int) -> None:
    """The main queries of summary() one by one (median over ``runs``), on one open context."""
    from sqlalchemy import text

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.services.stats import tally
    from jiangxin_desktop.services.stats.counting import catalog_facts
    from jiangxin_desktop.services.stats.service import StatsService

    ctx = open_context(paths, passphrase)
    ctx.login("clerk", PASSWORD)
    start, end = date(2025, 1, 1), date(2027, 12, 31)
    stats: StatsService = ctx.stats
    odd_start, odd_end = date(2025, 1, 17), date(2027, 12, 12)  # partial months at both ends
    steps = {
        "up to date? (nothing changed)": lambda s: stats.bring_up_to_date(),
        "catalog facts": lambda s: catalog_facts(s),
        "person-time tallies, whole plan": lambda s: tally.read(s, "pt", start, end),
        "person-time tallies, 2025-01-17..2027-12-12": lambda s: tally.read(s, "pt", odd_start, odd_end),
        "certificate tallies": lambda s: tally.read(s, "cert", start, end),
        "claim tallies": lambda s: tally.read(s, "claim", start, end),
    }
    try:
        summary = stats.summary(start, end)
        print(f"whole plan: {summary.person_times:,} person-times, {summary.certificates:,} certificates, "
              f"employment {summary.employed:,}/{summary.followed_up:,}, claimed {summary.claimed.count:,}")
        for name, step in steps.items():
            values = []
            for _ in range(runs):
                with ctx.db.read() as s:
                    wall = time.perf_counter()
                    step(s)
                    values.append(time.perf_counter() - wall)
            print(f"  {name}: median {statistics.median(values) * 1000:.1f} ms")
        values = []
        for n in range(runs):  # a class finished on that day: its day and month tallies are made again
            with ctx.db.write() as s:
                s.execute(text("INSERT OR IGNORE INTO stats_dirty (kind, day) VALUES ('pt', :d)"),
                          {"d": (date(2025, 3, 3) + timedelta(days=7 * n)).isoformat()})
            wall = time.perf_counter()
            stats.summary(start, end)
            values.append(time.perf_counter() - wall)
        print(f"  summary() after a class finished (one day's tallies made again): "
              f"median {statistics.median(values) * 1000:.0f} ms")
        wall = time.perf_counter()
        rows = stats.people("targets", "care", start, end, limit=500)
        print(f"  people('targets', 'care', limit=500): {(time.perf_counter() - wall) * 1000:.0f} ms, {len(rows)} rows")
    finally:
        ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/stats-bench-400k"))
    parser.add_argument("--seed-from", type=Path, help="copy this demo data directory instead of seeding")
    parser.add_argument("--trainees", type=int, default=200000)
    parser.add_argument("--classes", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from jiangxin_desktop.paths import DataPaths

    paths = DataPaths(args.data)
    if not paths.database.exists():
        build(paths, args.trainees, args.classes, args.seed_from)
    print(f"station {args.data}; load average {os.getloadavg()[0]:.2f}", flush=True)
    measure(paths, args.runs)


if __name__ == "__main__":
    main()
