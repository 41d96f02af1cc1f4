"""Station-side sync benchmark: the whole of ``sync`` building batches from a real backlog.

    JIANGXIN_PASSPHRASE=bench-passphrase .venv/bin/python tests/benchmarks/sync_build_bench.py --rows 50000

What ``sync_bench.py`` leaves out is measured here: a real encrypted station database whose
outbox holds ``--rows`` changed rows (trainees, then the demo classes' rows), read in the
batch's transaction, packed, signed, sealed, stored with the outbox entries marked, audited,
and written to the spool folder — ``SyncService.build_batches()`` as 立即同步 and ``sync now``
call it, in batches of ``sync.batch_records`` (5,000). Each run starts from the same backlog
(the batches of the run before are taken back). Prints the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PASSPHRASE = os.environ.get("JIANGXIN_PASSPHRASE") or "bench-passphrase"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from sqlalchemy import text

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database
    from jiangxin_desktop.paths import DataPaths
    from tests.services.sync_city import enrolment_document, make_keys

    def passphrase(_new: bool) -> str:
        return PASSPHRASE

    folder = Path(tempfile.mkdtemp(prefix="sync-build-bench-"))
    try:
        paths = DataPaths(folder / "data")
        started = time.perf_counter()
        ensure_demo_database(paths, passphrase, args.rows, user_password="Demo-pass-2025", classes=True)
        ctx = open_context(paths, passphrase)
        with ctx.db.write() as session:  # a real station's rows travel; put them all in the outbox
            session.execute(text("UPDATE meta SET value = '0' WHERE key = 'demo'"))
            remaining = args.rows
            for table in ("trainee", "training_class", "class_session", "enrollment", "attendance"):
                session.execute(text(
                    "INSERT INTO outbox (created_at, entity, entity_uuid, version, operation) "
                    f"SELECT '2026-12-01T09:00:00.000Z', '{table}', uuid, version, 'upsert' FROM {table} "
                    "ORDER BY seq LIMIT :n"), {"n": remaining})
                remaining = args.rows - session.execute(text("SELECT count(*) FROM outbox")).scalar_one()
                if remaining <= 0:
                    break
            backlog = session.execute(text("SELECT count(*) FROM outbox")).scalar_one()
        ctx.close()
        ctx = open_context(paths, passphrase)
        ctx.login("admin", "Demo-pass-2025")
        enrolment = folder / "enrolment.json"
        enrolment.write_bytes(enrolment_document(make_keys(), url="https://127.0.0.1:9", station=ctx.station.code))
        ctx.sync.enrol(enrolment)
        print(f"station with {backlog} outbox rows ready in {time.perf_counter() - started:.0f} s; "
              f"load average {os.getloadavg()[0]:.2f}")
        times, made = [], 0
        for _ in range(args.runs):
            wall = time.perf_counter()
            made = len(ctx.sync.build_batches())
            times.append(time.perf_counter() - wall)
            with ctx.db.write() as session:  # take the batches back for the next run
                session.execute(text("UPDATE outbox SET batch_id = NULL"))
                session.execute(text("DELETE FROM sync_batch"))
            shutil.rmtree(paths.root / "sync" / "outgoing", ignore_errors=True)
        ctx.close()
        print(f"build_batches of {backlog} rows into {made} batches: median {statistics.median(times):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)}); load average after {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
