"""City receiver benchmark: N stations upload sealed batches at once over HTTPS into PostgreSQL.

    .venv/bin/python tests/benchmarks/city_ingest_bench.py [--stations 20 --batches 5 --rows 1000 --workers 1]
                                                           [--database postgresql+psycopg://…]

The receiver runs as ``jiangxin-desktop city serve`` in its own process (as a county runs it) on
a PostgreSQL from pgserver unless ``--database`` names one. Every batch is sealed before the clock
starts; each station's thread then sends its batches in order (``PUT /v1/batches/{id}``), so
the figures are the receiver's: rows per second over the whole run, and the median and p95 time
from sending a batch to holding its signed receipt.
"""

from __future__ import annotations

import argparse
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="city serve --workers")
    parser.add_argument("--database", help="PostgreSQL URL (default: a pgserver in a temporary folder)")
    args = parser.parse_args()

    import httpx

    from jiangxin_desktop.city import init_city, issue_enrolment, open_receiver
    from tests.city.kit import Station, session_record

    server = None
    database = args.database
    if database is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

            server = pgserver.get_server(tempfile.mkdtemp(prefix="jiangxin-bench-pg-"), cleanup_mode="stop")
        database = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    folder = Path(tempfile.mkdtemp(prefix="jiangxin-bench-city-")) / "city"
    city = init_city(folder, database=database)
    receiver = open_receiver(city)
    stations = [Station(f"3207{n:05d}", issue_enrolment(receiver, f"3207{n:05d}", issued_by="bench"))
                for n in range(1, args.stations + 1)]
    receiver.close()
    started = time.perf_counter()
    sealed: dict[str, list[tuple[str, str]]] = {}
    for station in stations:
        sealed[station.code] = []
        for _ in range(args.batches):
            batch_id, document, body = station.next_batch(
                [session_record(station.code, number=n % 50) for n in range(args.rows)])
            station.advance(document)
            sealed[station.code].append((batch_id, body))
    print(f"sealed {args.stations * args.batches} batches in {time.perf_counter() - started:.1f} s")

    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "jiangxin_desktop", "city", "serve", "--dir", str(folder),
                                "--port", str(port), "--workers", str(args.workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base, pinned = f"https://127.0.0.1:{port}", ssl.create_default_context(cafile=str(city.tls_cert_path))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/v1/health", verify=pinned, timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the receiver did not start") from None
                time.sleep(0.2)
        timings: list[float] = []
        lock = threading.Lock()

        def upload(station: Station) -> None:
            with httpx.Client(base_url=base, verify=pinned, timeout=300) as client:
                answer = client.post("/v1/registrations", content=station.registration())
                assert answer.status_code == 200, answer.text
                for batch_id, body in sealed[station.code]:
                    begun = time.perf_counter()
                    answer = client.put(f"/v1/batches/{batch_id}", content=body,
                                        headers={"Content-Type": "application/jose"})
                    assert answer.status_code == 200, answer.text
                    with lock:
                        timings.append(time.perf_counter() - begun)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.stations) as pool:
            list(pool.map(upload, stations))
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(60)
        if server is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                server.cleanup()
    total = args.stations * args.batches * args.rows
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{args.workers} worker(s); {args.stations} stations × {args.batches} batches × {args.rows} rows = {total} rows "
          f"in {elapsed:.1f} s: {total / elapsed:.0f} rows/s; receipt median "
          f"{statistics.median(timings) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
