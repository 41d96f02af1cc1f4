"""The city's database: engine set-up for PostgreSQL (psycopg 3) or SQLite, and the audit log.

Every batch is written in one transaction (:meth:`Store.transaction`). On PostgreSQL the
station's row is locked first (``FOR UPDATE``), so that two uploads of one station queue
while other stations' uploads run alongside; on SQLite every write transaction begins
``IMMEDIATE`` (the whole database is the lock; enough for a one-machine pilot).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, make_url, select
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError


READ_ONLY = "city_read_only"


def wire_time(moment: datetime) -> str:
    """``2026-12-01T00:30:00.000Z``: UTC with milliseconds, as records carry their times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:" and not os.path.exists(path):
        # Every station's personal data lands here: owner-only from the start (SQLite gives
        # its -wal and -shm files the same permissions as the database file).
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin below, not the driver's
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # Writers take the lock at once (no deadlock upgrading a read lock); readers never wait for it.
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def _engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url)
        return create_engine(url, pool_size=10, max_overflow=30, pool_timeout=120, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise CityError("bad_database_url", 500, f"cannot use database URL: {exc}",
                        "city.json 里的数据库地址无法识别。PostgreSQL 应写成 "
                        "postgresql+psycopg://用户:密码@主机/数据库（需要 pip install '.[city]'）。") from None


class Store:
    """The city's database. ``transaction()`` gives a connection inside one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"
        try:
            schema.metadata.create_all(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            raise CityError("database_unavailable", 503, f"cannot open the database: {exc.orig}",
                            f"无法连接市级数据库（{self.engine.url.render_as_string(hide_password=True)}）。"
                            "请确认 PostgreSQL 已启动、数据库和用户已建立、密码正确。") from None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            yield connection

    def audit(self, now: datetime, kind: str, detail: str, *, station_code: str | None = None,
              batch_id: str | None = None, code: str | None = None, remote: str | None = None,
              connection: Connection | None = None) -> None:
        """One line of the city's log; in ``connection``'s transaction, else in its own."""
        values = {"at": wire_time(now), "kind": kind, "detail": detail[:2000], "code": code,
                  "station_code": station_code[:40] if station_code else None,
                  "batch_id": batch_id if batch_id and len(batch_id) <= 36 else None,
                  "remote": remote[:100] if remote else None}
        if connection is not None:
            connection.execute(insert(schema.audit).values(**values))
            return
        with self.transaction() as own:
            own.execute(insert(schema.audit).values(**values))

    def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.reading() as connection:
            rows = connection.execute(
                select(schema.audit).order_by(schema.audit.c.id.desc()).limit(limit)).mappings()
            return [dict(row) for row in rows]

    def batches(self, station_code: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """What the stations sent, newest first (without the receipts' text)."""
        b = schema.batch
        query = select(b.c.batch_id, b.c.station_code, b.c.sequence, b.c.received_at, b.c.status,
                       b.c.error_code, b.c.records, b.c.accepted, b.c.duplicates, b.c.document_hash)
        if station_code is not None:
            query = query.where(b.c.station_code == station_code)
        with self.reading() as connection:
            rows = connection.execute(query.order_by(b.c.received_at.desc(), b.c.sequence.desc()).limit(limit))
            return [dict(row) for row in rows.mappings()]

    def station_summaries(self) -> list[dict[str, Any]]:
        """Per station: where its chain stands, what it sent, how much the city holds of it."""
        s, b, r, k = schema.station, schema.batch, schema.city_row, schema.station_key
        with self.reading() as connection:
            batches = dict(connection.execute(
                select(b.c.station_code, func.count()).group_by(b.c.station_code)).all())
            rejected = dict(connection.execute(
                select(b.c.station_code, func.count()).where(b.c.status == "rejected")
                .group_by(b.c.station_code)).all())
            rows = dict(connection.execute(
                select(r.c.station_code, func.count()).group_by(r.c.station_code)).all())
            keys = dict(connection.execute(
                select(k.c.station_code, func.count()).group_by(k.c.station_code)).all())
            stations = connection.execute(select(s).order_by(s.c.code)).mappings().all()
        return [{
            "station_code": row["code"],
            "registered": bool(keys.get(row["code"])),
            "keys": keys.get(row["code"], 0),
            "last_sequence": row["last_sequence"],
            "last_hash": row["last_hash"],
            "last_received_at": row["last_received_at"],
            "batches": batches.get(row["code"], 0),
            "rejected_batches": rejected.get(row["code"], 0),
            "rows": rows.get(row["code"], 0),
        } for row in stations]
