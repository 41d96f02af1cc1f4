"""Sync under random faults, end to end: a real station, the fault proxy, a real city receiver
(``city serve`` as its own process, HTTPS, PostgreSQL), killed with SIGKILL in the middle of
batches and started again.

Each run (one seed) makes random changes at the station, sometimes seals batches before more
changes come, sometimes splits them small, sometimes asks for review; then syncs several times
while the proxy refuses, delays, cuts connections (also after the city has answered), answers
5xx, loses whole answers and replays requests; the city's process may be killed right after a
batch has reached it, or its PostgreSQL database cut off (every session ended) at that moment.
After the faults stop, the station syncs on its own schedule (its clock moves past any
back-off) and then: the city holds exactly the rows the station created, each
once at its newest version, and every batch of the station is 已确认 with nothing pending.
Between attempts a safety check holds too: no batch is 已确认 at the station unless the city
holds it with the same hash.

``JIANGXIN_FAULT_RUNS`` (default 24) runs, spread over ``WORLDS`` independent station/city
pairs; ``JIANGXIN_FAULT_SEED`` (default 17) makes the seeds: run *i* of world *w* uses
``seed * 100000 + w * 1000 + i``. A failure names its seed. The faults a seed draws are fixed;
when they strike depends on timing, so a rerun is the same scenario, not byte for byte the same.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import pytest

from tests.sync_faults.activity import Clerk
from tests.sync_faults.fault_proxy import Fault
from tests.sync_faults.world import act, assert_converged, city_batches, station_batches

RUNS = int(os.environ.get("JIANGXIN_FAULT_RUNS", "24"))
SEED = int(os.environ.get("JIANGXIN_FAULT_SEED", "17"))
WORLDS = 3
ATTEMPTS = 3  # syncs under faults in one run
KILL_CHANCE = 0.2  # of a run killing the city's process in the middle of a batch
DB_OUTAGE_CHANCE = 0.15  # of a run cutting the city's database off in the middle of a batch

# A client that meets a TCP reset just before its TLS handshake can leave an SSLSocket open
# inside Python 3.11.7's ssl module (python/cpython#113280, fixed in later releases); that is
# the interpreter's leak, not the program's, and it surfaces at random as an unraisable
# ResourceWarning. Only that one warning is let through here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <ssl.SSLSocket:pytest.PytestUnraisableExceptionWarning")


def fault(rng: random.Random) -> Fault:
    kind = rng.randrange(9)
    if kind == 0:
        return Fault.refuse(reset=rng.random() < 0.5)
    if kind == 1:
        return Fault.delay(rng.randint(20, 300))
    if kind == 2:
        return Fault.cut_upstream(rng.randint(0, 12_000), reset=rng.random() < 0.5)
    if kind == 3:
        return Fault.cut_downstream(rng.randint(0, 6_000), reset=rng.random() < 0.5)
    if kind == 4:
        return Fault.error(rng.choice([500, 502, 503, 504]))
    if kind == 5:
        return Fault.error_after(rng.choice([502, 503]))
    if kind == 6:
        return Fault.lose_response(rng.choice([0, 0, 12, 100]))
    if kind == 7:
        return Fault.duplicate()
    return Fault.relay()


def policy_for(rng: random.Random, rate: float):
    lock = threading.Lock()

    def draw(connection: int, request: int) -> Fault:
        with lock:
            return fault(rng) if rng.random() < rate else Fault.passthrough()

    return draw


def arm_kill(world, rng: random.Random, stats: Counter) -> None:
    """The next batch that reaches the city kills it: at once, or after up to 150 ms (the batch
    may be stored by then, its answer never sent)."""
    wait = rng.choice([0.0, 0.0, rng.uniform(0.0, 0.15)])

    def hook(event) -> None:
        if event.method != "PUT" or world.proxy.on_request_sent is None:
            return
        world.proxy.on_request_sent = None
        if wait:
            time.sleep(wait)
        world.server.kill()
        stats["city killed mid-batch"] += 1

    world.proxy.on_request_sent = hook
    world.proxy.plan([Fault.relay()])  # terminated, so the proxy sees the batch arrive


def database_access(world, allowed: bool) -> None:
    """Open or close the city's database to connections; closing also ends every open session."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(world.database)
    name = url.database
    dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {'true' if allowed else 'false'}")
        if not allowed:
            connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                               (name,))


def arm_database_outage(world, rng: random.Random, stats: Counter, closed: list[bool]) -> None:
    """The next batch that reaches the city finds its PostgreSQL gone: every session of the
    city's database is ended (the batch's transaction with it, or just after it committed) and
    no new one is let in until the attempt is over."""
    wait = rng.choice([0.0, rng.uniform(0.0, 0.05)])

    def hook(event) -> None:
        if event.method != "PUT" or world.proxy.on_request_sent is None:
            return
        world.proxy.on_request_sent = None
        if wait:
            time.sleep(wait)
        database_access(world, False)
        closed.append(True)
        stats["city database cut off mid-batch"] += 1

    world.proxy.on_request_sent = hook
    world.proxy.plan([Fault.relay()])


def check_safety(world, receiver, stats: Counter | None = None) -> None:
    """Nothing is 已确认 at the station that the city does not hold with the same hash.

    Counted, not failed: a batch the city holds while the station still says 待发送 (the city
    stored it, then its answer turned into a 5xx on the way: the station cannot know better)."""
    theirs = {b["batch_id"]: b["document_hash"] for b in city_batches(receiver, world.station_code)}
    for batch in station_batches(world.ctx):
        if batch.status == "confirmed":
            assert theirs.get(batch.batch_id) == batch.document_hash, (batch.sequence, batch.batch_id)
        elif batch.status == "ready" and batch.batch_id in theirs and stats is not None:
            stats["batches at the city while the station said 待发送"] += 1


def one_run(world, clerk: Clerk, seed: int, stats: Counter) -> None:
    rng = random.Random(seed)
    ctx = world.ctx
    review = rng.random() < 0.15
    act(ctx, "admin")
    ctx.settings.set(ctx.user, "sync.batch_records", rng.choice([4, 25, 5000]))
    ctx.settings.set(ctx.user, "sync.require_review", review)
    act(ctx, "clerk")
    clerk.rng = rng
    clerk.work(rng.randint(1, 20))
    if rng.random() < 0.5:
        ctx.sync.build_batches()  # sealed now; the rows may change again before they leave
        clerk.work(rng.randint(0, 8))
    world.proxy.policy = policy_for(random.Random(rng.random()), rng.choice([0.3, 0.6, 0.9]))
    outage = rng.random()
    kill_on = rng.randrange(1, ATTEMPTS + 1) if outage < KILL_CHANCE else None
    cut_off = KILL_CHANCE <= outage < KILL_CHANCE + DB_OUTAGE_CHANCE
    cut_on = rng.randrange(1, ATTEMPTS + 1) if cut_off else None
    closed: list[bool] = []
    receiver = world.receiver()
    try:
        for attempt in range(1, ATTEMPTS + 1):
            if attempt == kill_on:
                arm_kill(world, rng, stats)
            if attempt == cut_on:
                arm_database_outage(world, rng, stats, closed)
            if rng.random() < 0.3:
                clerk.work(rng.randint(1, 4))  # the clerk goes on working between syncs
            world.clock.advance(hours=2)  # past any back-off: the station retries by itself
            result = ctx.sync.sync_now()
            stats["attempts"] += 1
            stats["attempts failed"] += result.failed is not None
            left_sent = any(b.status == "sent" for b in station_batches(ctx))
            stats["attempts leaving a batch 已发送 (no receipt)"] += left_sent
            if not world.server.running:
                world.server.start()
                stats["city restarted"] += 1
            if closed:
                database_access(world, True)
                closed.clear()
            check_safety(world, receiver, stats)
        # the faults stop; what a reviewer has not approved waits for one
        world.proxy.policy, world.proxy.on_request_sent = None, None
        world.proxy.clear()
        if review:
            act(ctx, "reviewer")
            for batch in station_batches(ctx):
                if batch.status == "review":
                    ctx.sync.approve(batch.batch_id)
            act(ctx, "clerk")
        for _ in range(3):
            world.clock.advance(hours=2)
            if ctx.sync.sync_now().failed is None and ctx.sync.status().unconfirmed_records == 0:
                break
        check_safety(world, receiver)
    finally:
        receiver.close()
    if review:
        act(ctx, "admin")
        ctx.settings.set(ctx.user, "sync.require_review", False)
        act(ctx, "clerk")
    totals = assert_converged(world)
    stats["rows"], stats["batches"] = totals["rows"], totals["batches"]


@pytest.mark.parametrize("world_number", range(WORLDS))
def test_random_faults_leave_the_city_exact_and_the_station_truthful(make_world, world_number, capsys):
    world = make_world()
    clerk = Clerk(world.ctx, random.Random(SEED), start=world_number * 100_000)
    stats: Counter = Counter()
    runs = [SEED * 100_000 + world_number * 1000 + i for i in range(world_number, RUNS, WORLDS)]
    for seed in runs:
        try:
            one_run(world, clerk, seed, stats)
        except BaseException as exc:
            raise AssertionError(f"run with seed {seed} failed (JIANGXIN_FAULT_SEED={SEED}): {exc!r}") \
                from exc
    faults = Counter(world.proxy.faults_seen())
    stats["batches replayed to the city"] = sum(
        e.fault.kind == "duplicate" and e.method == "PUT" for e in world.proxy.events)
    stats["rows the city counted as duplicates"] = sum(b["duplicates"] for b in city_batches_of(world))
    answers = Counter(e.upstream_status for e in world.proxy.events if e.method == "PUT")
    with capsys.disabled():
        print(f"\n[sync faults] world {world_number}: seeds {runs}; changes {clerk.changes}; "
              f"{dict(stats)}; faults drawn {dict(faults)}; the city's answers to batches the proxy "
              f"saw (None: none came) {dict(answers)}")
    assert stats["attempts"] == len(runs) * ATTEMPTS
    assert sum(n for kind, n in faults.items() if kind != "pass") > 0
    assert set(answers) <= {200, 409, 503, None}, answers  # never a 500: a database gone is a 503


def city_batches_of(world):
    receiver = world.receiver()
    try:
        return city_batches(receiver, world.station_code)
    finally:
        receiver.close()
