"""Sync packing benchmark: changed rows → wire form → batch document → gzip → JWS → JWE.

    .venv/bin/python tests/benchmarks/sync_bench.py --rows 50000

The rows are read from a fresh demo database with its classes (every travelling table, as
tests/benchmarks/protocol_bench.py does), then repeated in the proportions the database
holds them, each copy with a uuid of its own, until there are ``--rows``. They are packed
as one batch and as batches of ``--batch`` rows (chained by sequence and previous hash), and
sealed with an Ed25519 station key to an RSA 3072 city key, as the station does
(services/sync/batches.py). Prints the median of ``--runs`` runs, never a single run, as
wall time and as this process's CPU time (the machine is shared: under load the wall time
grows, the CPU time much less), with its parts and the load average. Target: 50,000 rows
in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PARTS = ("to_wire", "batch_document", "canonical_json", "seal", "gzip", "sign+encrypt")


def changed_rows(count: int) -> list[tuple[str, dict]]:
    from tests.benchmarks.protocol_bench import demo_rows

    sample = demo_rows()
    rows = []
    for index, (entity, row) in enumerate(itertools.islice(itertools.cycle(sample), count)):
        copy = dict(row)
        copy["uuid"] = row["uuid"][:24] + f"{index:012x}"  # one row, one uuid: a batch holds each once
        rows.append((entity, copy))
    return rows


class Clock:
    """Wall and CPU seconds of named steps."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def time(self, name: str, step: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = time.process_time() - cpu
        return result


def pack(rows, *, sequence: int, previous_hash: str | None, keys, clock: Clock) -> tuple[str, str]:
    """One batch of ``rows`` as the station makes it: the JWE and the document hash."""
    from jiangxin_desktop.envelope import seal
    from jiangxin_desktop.protocol import to_wire
    from jiangxin_desktop.protocol.batch import BATCH, Record, batch_document, document_hash

    signer, kid, recipient, recipient_kid = keys

    def wire() -> list:
        records = []
        for entity, row in rows:
            data = to_wire(entity, row)
            records.append(Record(entity, data["uuid"], data["version"], "upsert", data))  # type: ignore[arg-type]
        return records

    records = clock.time("to_wire", wire)
    document = clock.time("batch_document", lambda: batch_document(
        batch_id=f"0193a4c2-5b1e-7c3d-8e4f-{sequence:012x}", station_code="320706001", sequence=sequence,
        created_at="2026-12-01T09:00:00.000Z", previous_hash=previous_hash, records=records))
    token = clock.time("seal", lambda: seal(document, signer=signer, kid=kid, typ=BATCH, recipient=recipient,
                                            recipient_kid=recipient_kid))
    return token, document_hash(document)  # type: ignore[arg-type]


def parts_alone(document: bytes, keys, clock: Clock) -> None:
    """canonical_json, gzip and sign+encrypt timed alone on the run's own document."""
    import json

    from jiangxin_desktop.envelope import jose, seal
    from jiangxin_desktop.protocol import canonical_json
    from jiangxin_desktop.protocol.batch import BATCH

    value = json.loads(document)
    clock.time("canonical_json", lambda: canonical_json(value))
    payload = clock.time("gzip", lambda: jose._gzip(document))
    signer, kid, recipient, recipient_kid = keys
    original = jose._gzip
    jose._gzip = lambda _document: payload  # type: ignore[assignment,return-value]
    try:
        clock.time("sign+encrypt", lambda: seal(document, signer=signer, kid=kid, typ=BATCH, recipient=recipient,
                                                recipient_kid=recipient_kid))
    finally:
        jose._gzip = original  # type: ignore[assignment]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _line(name: str, wall: list[float], cpu: list[float]) -> str:
    return f"{name:>16}: {statistics.median(wall):.3f} s  (CPU {statistics.median(cpu):.3f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=5_000, help="rows per batch in the split run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    from jiangxin_desktop.envelope import decrypt, jose, rsa_jwk, unverified

    rows = changed_rows(args.rows)
    signer, city = ed25519.Ed25519PrivateKey.generate(), rsa.generate_private_key(65537, 3072)
    keys = (signer, "bench-station-key", city.public_key(), rsa_jwk(city)["kid"])
    print(f"load average before: {_load()}")

    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(args.runs):
        clock = Clock()
        token, _hash = clock.time("total", lambda: pack(rows, sequence=1, previous_hash=None, keys=keys,
                                                        clock=clock))  # type: ignore[misc]
        document = unverified(decrypt(token, recipient=city)).document
        parts_alone(document, keys, clock)
        for name in clock.wall:
            wall.setdefault(name, []).append(clock.wall[name])
            cpu.setdefault(name, []).append(clock.cpu[name])
    print(f"{args.rows} rows; canonical JSON {len(document) / 1e6:.1f} MB, "
          f"gzip (level {jose.GZIP_LEVEL}) {len(jose._gzip(document)) / 1e6:.2f} MB, JWE {len(token) / 1e6:.2f} MB")
    print(f"one batch of {args.rows}, median of {args.runs}:")
    print(_line("total", wall["total"], cpu["total"]))
    for name in PARTS:
        print(_line(name, wall[name], cpu[name]))

    split_wall, split_cpu = [], []
    for _ in range(args.runs):
        started, used = time.perf_counter(), time.process_time()
        previous = None
        for sequence, first in enumerate(range(0, len(rows), args.batch), start=1):
            _token, previous = pack(rows[first:first + args.batch], sequence=sequence, previous_hash=previous,
                                    keys=keys, clock=Clock())
        split_wall.append(time.perf_counter() - started)
        split_cpu.append(time.process_time() - used)
    print(f"{-(-len(rows) // args.batch)} batches of {args.batch}, median of {args.runs}:")
    print(_line("total", split_wall, split_cpu))
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
