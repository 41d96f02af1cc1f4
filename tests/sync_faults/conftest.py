"""Fixtures of the fault tests: a real station, a real city on PostgreSQL, the fault proxy between.

PostgreSQL comes as the city's tests get it (pgserver, or JIANGXIN_TEST_PG_URL); when it
cannot start, these tests fail: nothing is skipped.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.city.conftest import _admin, fresh_postgres, postgres_url  # noqa: F401  (a fixture)
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.world import (
    CityServer,
    InProcessCityServer,
    World,
    copy_city,
    copy_station,
    enrol_station,
    free_port,
    make_city_template,
    make_station_template,
    open_station,
)


@pytest.fixture(scope="session")
def station_template(tmp_path_factory):
    return make_station_template(tmp_path_factory.mktemp("station-template"))


@pytest.fixture(scope="session")
def city_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("city-template") / "city"
    make_city_template(folder)
    return folder


@pytest.fixture
def city_database(postgres_url):  # noqa: F811
    url = fresh_postgres(postgres_url)
    yield url
    _admin(postgres_url, f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


@pytest.fixture
def make_world(tmp_path, clock, station_template, city_template, city_database):
    """``make_world(enrolled=True)`` → a :class:`World`: station, city server, proxy; torn down after."""
    made: list[World] = []

    def build(*, enrolled: bool = True, policy=None, killable: bool = True) -> World:
        """``killable=False``: the receiver runs in this process (starts faster; cannot be killed)."""
        assert not made, "one world per test"
        port = free_port()
        folder = tmp_path / "city"
        proxy_port = free_port()
        city = copy_city(city_template, folder, database=city_database,
                         url=f"https://127.0.0.1:{proxy_port}")
        proxy = FaultProxy(("127.0.0.1", port), cert=city.tls_cert_path, key=city.tls_key_path, policy=policy)
        proxy.port = proxy_port
        server = (CityServer(folder, port, tmp_path / "city-serve.log") if killable
                  else InProcessCityServer(folder, port))
        paths = copy_station(station_template, tmp_path / "station")
        ctx = open_station(paths, clock)
        world = World(paths, ctx, clock, city, server, proxy, city_database)
        made.append(world)
        proxy.start()
        server.start()
        if enrolled:
            enrol_station(world, tmp_path)
        return world

    yield build
    for world in made:
        with contextlib.suppress(Exception):
            world.ctx.close()
        world.server.stop()
        world.proxy.stop()
