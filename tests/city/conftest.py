"""The city's tests run on PostgreSQL (pgserver, or JIANGXIN_TEST_PG_URL) and on SQLite.

PostgreSQL that cannot start fails these tests: nothing is skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.city.kit import Clock, Station

@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A server URL (``postgresql+psycopg://…``) whose user may create databases."""
    given = os.environ.get("JIANGXIN_TEST_PG_URL")
    if given:
        yield given.replace("postgresql://", "postgresql+psycopg://", 1)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR on CI
        import pgserver

        # Not under pytest's basetemp: run as root, pgserver starts PostgreSQL as another user,
        # which must be able to reach the data folder (pytest-of-root is 0700).
        folder = tempfile.mkdtemp(prefix="jiangxin-city-pg-")
        server = pgserver.get_server(folder, cleanup_mode="stop")
    yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def _admin(url: str, statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(statement)


def fresh_postgres(url: str) -> str:
    """A new, empty database on the server of ``url``."""
    from sqlalchemy.engine import make_url

    name = f"city_{uuid.uuid4().hex[:16]}"
    _admin(url, f"CREATE DATABASE {name}")
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'city.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_url")
    url = fresh_postgres(server)
    yield url
    _admin(server, f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def city_folder(tmp_path_factory) -> Path:
    """One city's keys for the session (RSA 3072 takes a while); each test brings its own database."""
    from jiangxin_desktop.city.keys import init_city

    folder = tmp_path_factory.mktemp("cities") / "city"
    init_city(folder, hosts=["localhost", "127.0.0.1"])
    return folder


@pytest.fixture
def city(city_folder, database_url):
    from jiangxin_desktop.city.keys import load_city

    return replace(load_city(city_folder), database=database_url)


@pytest.fixture
def receiver(city, clock):
    from jiangxin_desktop.city.receiver import open_receiver

    opened = open_receiver(city, clock)
    yield opened
    opened.close()


@pytest.fixture
def enrol(receiver):
    """``enrol(code)`` → a registered :class:`Station` of this city."""
    from jiangxin_desktop.city.registration import issue_enrolment, register

    def enrol_station(code: str = "320706001", *, registered: bool = True) -> Station:
        station = Station(code, issue_enrolment(receiver, code, days=30, issued_by="test"))
        if registered:
            register(receiver, station.registration())
        return station

    return enrol_station
