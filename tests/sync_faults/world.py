"""A real station and a real city for the fault tests, and what each of them holds.

- The **station** is a SQLCipher database made as a demo and turned into a station whose rows
  travel (as tests/services/sync_city.py does), its key wrapped by a passphrase so that a
  ``jiangxin-desktop`` process started by a test can open it as well as this process.
- The **city** is ``jiangxin-desktop city serve`` in its own process (so it can be killed
  with SIGKILL in the middle of a batch and started again), HTTPS with its own certificate,
  on a PostgreSQL database of its own; the station reaches it only through a
  :class:`~tests.sync_faults.fault_proxy.FaultProxy`.
- :func:`station_truth` and :func:`city_truth` say, per (entity, uuid), the version, the
  operation and the data: what the station created and what the city holds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.backends.fail

from jiangxin_desktop.paths import DataPaths
from tests.conftest import DEMO_PASSWORD, FixedClock, use_clock
from tests.integration.cli_runner import PASSPHRASE, cli_env

ROOT = Path(__file__).resolve().parents[2]


def passphrase(new: bool) -> str:
    return PASSPHRASE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the station -------------------------------------------------------------------------------


def make_station_template(folder: Path) -> DataPaths:
    """A station database (5 demo trainees that do not travel; everything made later does),
    its key wrapped by the command line's test passphrase."""
    from sqlalchemy import text

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database

    paths = DataPaths(folder / "data")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the passphrase scheme, as on headless Linux
    try:
        ensure_demo_database(paths, passphrase, 5, user_password=DEMO_PASSWORD, classes=False)
    finally:
        keyring.set_keyring(previous)
    ctx = open_context(paths, passphrase)
    try:
        with ctx.db.write() as session:
            session.execute(text("UPDATE meta SET value = '0' WHERE key = 'demo'"))
    finally:
        ctx.close()
    return paths


def copy_station(template: DataPaths, folder: Path) -> DataPaths:
    shutil.copytree(template.root, folder / "data")
    return DataPaths(folder / "data")


def open_station(paths: DataPaths, clock: FixedClock, user: str = "clerk"):
    from jiangxin_desktop.context import open_context

    ctx = use_clock(open_context(paths, passphrase), clock)
    assert ctx.acting.travels and not ctx.demo
    ctx.login(user, DEMO_PASSWORD)
    ctx.sync.timeout = (3.0, 15.0)  # a fault must not hold a run for the default 30 s
    return ctx


def act(ctx, username: str) -> None:
    ctx.act_as(ctx.users.authenticate(username, DEMO_PASSWORD))


def station_cli(paths: DataPaths, *args: str, user: str = "clerk") -> list[str]:
    return [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(paths.root), "--user", user, *args]


def station_env() -> dict[str, str]:
    return cli_env()


# -- the city ----------------------------------------------------------------------------------


def make_city_template(folder: Path):
    """A city folder with keys and certificate (RSA 3072: made once); each world copies it."""
    from jiangxin_desktop.city.keys import init_city

    return init_city(folder, hosts=["localhost", "127.0.0.1"])


def copy_city(template: Path, folder: Path, *, database: str, url: str):
    """The template's keys in a new folder, with this world's database and address."""
    from jiangxin_desktop.city.keys import load_city

    shutil.copytree(template, folder)
    config = folder / "city.json"
    data = json.loads(config.read_text(encoding="utf-8"))
    data.update(database=database, url=url)
    config.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.chmod(config, 0o600)
    return load_city(folder)


class CityServer:
    """``jiangxin-desktop city serve`` as a process on a fixed loopback port: start, kill -9, start again."""

    def __init__(self, folder: Path, port: int, log: Path) -> None:
        self.folder, self.port, self.log = folder, port, log
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.kills = 0
        self._pinned = ssl.create_default_context(cafile=str(folder / "tls" / "cert.pem"))

    def start(self, timeout: float = 60.0) -> None:
        assert self.process is None or self.process.poll() is not None
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jiangxin_desktop", "city", "serve", "--dir", str(self.folder),
                 "--host", "127.0.0.1", "--port", str(self.port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=ROOT, env=cli_env())
        self.starts += 1
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"the city's receiver stopped at start: {self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the city's receiver did not start: {self.log.read_text()[-3000:]}")
            time.sleep(0.05)

    def healthy(self) -> bool:
        try:
            with httpx.Client(verify=self._pinned, timeout=2, trust_env=False) as client:
                return client.get(f"https://127.0.0.1:{self.port}/v1/health").status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: whatever transaction the receiver had open, PostgreSQL rolls back."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class InProcessCityServer:
    """The same receiver (``build_app`` on uvicorn, the city's TLS) in a thread of this process:
    quicker to start, for the tests that never kill it."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.starts = self.kills = 0
        self._server = self._thread = self._receiver = None

    def start(self, timeout: float = 30.0) -> None:
        import threading

        import uvicorn

        from jiangxin_desktop.city.app import build_app
        from jiangxin_desktop.city.keys import load_city
        from jiangxin_desktop.city.receiver import open_receiver

        city = load_city(self.folder)
        self._receiver = open_receiver(city)
        config = uvicorn.Config(build_app(self._receiver), host="127.0.0.1", port=self.port, lifespan="off",
                                ws="none", log_level="critical", ssl_keyfile=str(city.tls_key_path),
                                ssl_certfile=str(city.tls_cert_path))
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="city-receiver", daemon=True)
        self._thread.start()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the city's receiver did not start")
            time.sleep(0.01)

    def kill(self) -> None:
        raise NotImplementedError("a receiver in this process cannot be killed: use CityServer")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(30)
            self._receiver.close()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None and self._thread.is_alive()


@dataclass
class World:
    """One station and one city, the proxy between them."""

    station_paths: DataPaths
    ctx: Any
    clock: FixedClock
    city: Any  # jiangxin_desktop.city.keys.City
    server: CityServer | InProcessCityServer
    proxy: Any  # FaultProxy
    database: str

    @property
    def station_code(self) -> str:
        return self.ctx.acting.station_code

    def receiver(self):
        """An in-process view of the city's database (the same one the server writes)."""
        from jiangxin_desktop.city.receiver import open_receiver

        return open_receiver(replace(self.city, database=self.database),
                             lambda: self.clock.now().astimezone(UTC))


def enrol_station(world: World, folder: Path) -> None:
    """The city issues an enrolment (in its database, by its own code); the administrator imports it."""
    from jiangxin_desktop.city.registration import issue_enrolment

    receiver = world.receiver()
    try:
        enrolment = issue_enrolment(receiver, world.station_code, days=30, issued_by="test")
    finally:
        receiver.close()
    path = folder / "enrolment.json"
    path.write_bytes(enrolment.document())
    act(world.ctx, "admin")
    world.ctx.sync.enrol(path)
    act(world.ctx, "clerk")


# -- what each side holds ----------------------------------------------------------------------


def station_truth(ctx) -> dict[tuple[str, str], tuple[int, str, dict | None]]:
    """Every travelling row the station ever changed: its newest version and operation, and its
    data as it stands (None once deleted). The outbox is the record of what was created."""
    from sqlalchemy import select

    from jiangxin_desktop.protocol import to_wire
    from jiangxin_desktop.store import outbox
    from jiangxin_desktop.store.models import Base, OutboxEntry

    newest: dict[tuple[str, str], tuple[int, str]] = {}
    with ctx.db.read() as session:
        for entry in session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)):
            newest[(entry.entity, entry.entity_uuid)] = (entry.version, entry.operation)
        truth: dict[tuple[str, str], tuple[int, str, dict | None]] = {}
        for (entity, uuid), (version, operation) in newest.items():
            table = Base.metadata.tables[outbox.TABLES[entity]]
            row = session.execute(select(table).where(table.c.uuid == uuid)).mappings().first()
            if row is None or operation == outbox.DELETE:
                truth[(entity, uuid)] = (version, outbox.DELETE, None)
            else:
                truth[(entity, uuid)] = (row["version"], operation, to_wire(entity, dict(row)))
    return truth


def city_truth(receiver, station_code: str) -> dict[tuple[str, str], tuple[int, str, dict | None]]:
    from sqlalchemy import select

    from jiangxin_desktop.city import schema

    r = schema.city_row
    with receiver.store.reading() as connection:
        rows = connection.execute(select(r.c.entity, r.c.uuid, r.c.version, r.c.op, r.c.data)
                                  .where(r.c.station_code == station_code)).all()
    held: dict[tuple[str, str], tuple[int, str, dict | None]] = {}
    for row in rows:
        assert (row.entity, row.uuid) not in held, f"the city holds {row.entity} {row.uuid} twice"
        held[(row.entity, row.uuid)] = (row.version, row.op, row.data)
    return held


def city_batches(receiver, station_code: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from jiangxin_desktop.city import schema

    b = schema.batch
    with receiver.store.reading() as connection:
        return [dict(row) for row in connection.execute(
            select(b).where(b.c.station_code == station_code).order_by(b.c.sequence)).mappings()]


def station_batches(ctx) -> list[Any]:
    from sqlalchemy import select

    from jiangxin_desktop.store.sync_models import SyncBatch

    with ctx.db.read() as session:
        return list(session.scalars(select(SyncBatch).order_by(SyncBatch.sequence)))


def city_audit(receiver, kind: str | None = None) -> list[dict[str, Any]]:
    entries = receiver.store.audit_log(limit=10_000)
    return [e for e in entries if kind is None or e["kind"] == kind]


def station_audit(ctx, action: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from jiangxin_desktop.store.models import AuditEvent

    with ctx.db.read() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
        return [json.loads(e.after_json or "{}") | {"object_id": e.object_id} for e in rows]


def assert_converged(world: World) -> dict[str, int]:
    """The city holds exactly what the station created, each once at its newest version, and the
    station's statuses say so: every batch 已确认 with the city's receipt, nothing pending."""
    from jiangxin_desktop.store.sync_models import CONFIRMED

    ctx = world.ctx
    truth = station_truth(ctx)
    receiver = world.receiver()
    try:
        held = city_truth(receiver, world.station_code)
        theirs = city_batches(receiver, world.station_code)
    finally:
        receiver.close()
    missing = sorted(set(truth) - set(held))
    extra = sorted(set(held) - set(truth))
    assert not missing and not extra, f"missing at the city: {missing[:5]}…; extra: {extra[:5]}…"
    stale = [(key, held[key][:2], truth[key][:2]) for key in truth if held[key][:2] != truth[key][:2]]
    assert not stale, f"versions differ (city, station): {stale[:5]}"
    different = [key for key in truth if held[key][2] != truth[key][2]]
    assert not different, f"data differs for {different[:5]}"
    mine = station_batches(ctx)
    assert [b.status for b in mine] == [CONFIRMED] * len(mine), \
        [(b.sequence, b.status, b.last_error) for b in mine]
    assert [b.sequence for b in mine] == list(range(1, len(mine) + 1))
    assert [(b["sequence"], b["batch_id"], b["document_hash"], b["status"]) for b in theirs] == \
        [(b.sequence, b.batch_id, b.document_hash, "accepted") for b in mine]
    status = ctx.sync.status()
    assert (status.pending_records, status.unconfirmed_records) == (0, 0), status
    assert status.registered, status
    return {"rows": len(truth), "batches": len(mine)}
