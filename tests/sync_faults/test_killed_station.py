"""kill -9 of the station's ``jiangxin-desktop sync now`` while it builds batches and while it
uploads them; started again, it finishes the job, and the city holds exactly what was created.

The station is a real process on its real database (the passphrase path, as on a headless
machine); the city is ``city serve`` on PostgreSQL behind the fault proxy, which here only
relays (terminating TLS so that it sees each request arrive). The moments of the kills are drawn
from ``JIANGXIN_FAULT_SEED``: right after the city registered the station (its acknowledgement
not yet home), while the batch files are being written (building, after a random number of
them, the clerk having worked in between), and right after a random batch reached the city
but before its receipt came back (uploading).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from datetime import date, timedelta

from sqlalchemy import select

from jiangxin_desktop.store.sync_models import SyncBatch

from tests.services.classes_helpers import class_input
from tests.sync_faults.activity import Clerk
from tests.sync_faults.fault_proxy import Fault
from tests.sync_faults.world import (
    ROOT,
    act,
    assert_converged,
    open_station,
    station_cli,
    station_env,
)

SEED = int(os.environ.get("JIANGXIN_FAULT_SEED", "17"))


def spool_files(world) -> list[str]:
    folder = world.station_paths.root / "sync" / "outgoing"
    return sorted(p.name for p in folder.glob("*.jwe")) if folder.exists() else []


def start_sync(world, log) -> subprocess.Popen:
    return subprocess.Popen(station_cli(world.station_paths, "sync", "now", "--json"), cwd=ROOT,
                            env=station_env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def kill_when(process: subprocess.Popen, ready, timeout: float = 90.0) -> bool:
    """SIGKILL once ``ready()``; False when the process ended first (nothing left to interrupt)."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    return process.returncode == -signal.SIGKILL


def more_work(world, clerk: Clerk, steps: int) -> int:
    """The clerk opens the program between two syncs and changes things; how many rows wait."""
    clerk.ctx = open_station(world.station_paths, world.clock)
    try:
        clerk.work(steps)
        return clerk.ctx.sync.status().pending_records
    finally:
        clerk.ctx.close()


def test_sync_now_killed_while_building_and_uploading_then_run_again(make_world, tmp_path):
    rng = random.Random(SEED)
    world = make_world()
    ctx = world.ctx
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.batch_records", 4)  # many small batches: long enough to hit
    act(ctx, "clerk")
    for week in range(6):  # 6 classes of 9 sessions: 60 rows, cheaply
        ctx.classes.create(class_input(start=date(2027, 1, 4) + timedelta(days=7 * week), sessions=9))
    clerk = Clerk(ctx, rng)
    clerk.work(20)
    ctx.close()  # from here on the station's database is the command line's, between clerk's visits

    arrived: list[tuple[str, str]] = []  # requests that reached the city, in order
    world.proxy.policy = lambda connection, request: Fault.relay()
    world.proxy.on_request_sent = lambda event: arrived.append((event.method, event.target))
    puts = lambda: sum(method == "PUT" for method, _ in arrived)  # noqa: E731
    kills: list[str] = []
    log = open(tmp_path / "station-sync.log", "ab")
    try:
        for phase in ("registering", "uploading", "building", "uploading", "building"):
            files, sent = len(spool_files(world)), puts()
            if phase == "registering":  # the city registered the station; its answer never comes home
                ready = lambda: ("POST", "/v1/registrations") in arrived  # noqa: E731
            elif phase == "building":
                waiting = more_work(world, clerk, rng.randint(12, 25))  # something new to build
                k = rng.randint(1, max(1, waiting // 4 - 1))
                ready = lambda: len(spool_files(world)) >= files + k  # noqa: E731
            else:  # a batch reached the city, its receipt never comes home
                k = rng.randint(1, 3)
                ready = lambda: puts() >= sent + k  # noqa: E731
            if kill_when(start_sync(world, log), ready):
                kills.append(phase)
        for _ in range(3):  # started again, and nobody kills it: it finishes the job
            again = subprocess.run(station_cli(world.station_paths, "sync", "now", "--force", "--json"),
                                   cwd=ROOT, env=station_env(), stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True, timeout=300)
            if again.returncode == 0:
                break
        assert again.returncode == 0, again.stdout + again.stderr
        status = subprocess.run(station_cli(world.station_paths, "sync", "status", "--json"), cwd=ROOT,
                                env=station_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=120)
        assert status.returncode == 0, status.stderr
        shown = json.loads(status.stdout)
        assert (shown["pending"], shown["pending_unbatched"]) == (0, 0), shown
        assert {k for k, v in shown["batches"].items() if v} == {"confirmed"}, shown["batches"]
        assert shown["registered"] is True
    finally:
        log.close()
        world.proxy.policy = world.proxy.on_request_sent = None
    world.ctx = open_station(world.station_paths, world.clock)
    totals = assert_converged(world)
    assert kills == ["registering", "uploading", "building", "uploading", "building"], kills
    # every batch file in the spool is whole: the envelope its row holds
    with world.ctx.db.read() as session:
        envelopes = {f"{b.sequence:08d}-{b.batch_id}.jwe": b.envelope
                     for b in session.scalars(select(SyncBatch))}
    folder = world.station_paths.root / "sync" / "outgoing"
    for name in spool_files(world):
        assert (folder / name).read_text(encoding="ascii") == envelopes[name], name
    leftovers = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    print(f"\n[sync faults] kill -9 of sync now (seed {SEED}): killed {kills}; {totals}; "
          f"batch PUTs that reached the city {puts()}; "
          f"temporary files left in the spool {len(leftovers)}")
