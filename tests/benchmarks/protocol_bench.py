"""Wire-format benchmark: real stored rows → wire form → canonical JSON, and back.

    .venv/bin/python tests/benchmarks/protocol_bench.py --rows 50000

The rows are read from a fresh demo database with its classes (every travelling table),
then repeated in the proportions the database holds them until there are ``--rows``.
Prints the median of ``--runs`` runs per step, never a single run.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def demo_rows() -> list[tuple[str, dict]]:
    import keyring
    from sqlalchemy import select

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database
    from jiangxin_desktop.paths import DataPaths
    from jiangxin_desktop.protocol import SCHEMAS
    from jiangxin_desktop.store.models import Base
    from tests.conftest import DEMO_PASSWORD, FIXED_NOW, MemoryKeyring, no_passphrase

    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder) / "data")
        ensure_demo_database(paths, no_passphrase, 60, user_password=DEMO_PASSWORD, today=FIXED_NOW.date())
        ctx = open_context(paths, no_passphrase)
        try:
            with ctx.db.read() as session:
                return [
                    (entity, dict(row))
                    for entity in SCHEMAS
                    for row in session.execute(select(Base.metadata.tables[entity])).mappings()
                ]
        finally:
            ctx.close()


def median_seconds(step: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from jiangxin_desktop.protocol import canonical_json, from_wire, to_wire

    sample = demo_rows()
    rows = list(itertools.islice(itertools.cycle(sample), args.rows))
    wires = [(entity, to_wire(entity, row)) for entity, row in rows]
    batch = {"rows": [{"entity": entity, "row": wire} for entity, wire in wires]}
    data = canonical_json(batch)
    steps = {
        "to_wire": lambda: [to_wire(entity, row) for entity, row in rows],
        "canonical_json": lambda: canonical_json(batch),
        "gzip (level 6)": lambda: gzip.compress(data, 6),
        "from_wire": lambda: [from_wire(entity, wire) for entity, wire in wires],
    }
    by_entity = {e: sum(1 for x, _ in sample if x == e) for e in dict.fromkeys(e for e, _ in sample)}
    print(f"{args.rows} rows cycled from {len(sample)} demo rows {by_entity}")
    print(f"canonical JSON {len(data) / 1e6:.1f} MB, gzip {len(gzip.compress(data, 6)) / 1e6:.2f} MB")
    for name, step in steps.items():
        print(f"{name:>16}: {median_seconds(step, args.runs):.2f} s (median of {args.runs})")


if __name__ == "__main__":
    main()
