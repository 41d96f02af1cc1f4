"""Shared fixtures. Qt runs offscreen; the keyring is an in-memory backend; scrypt is cheap."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import
# New password hashes and wrapped keys use a tiny scrypt n, here and in every process a test
# starts (they inherit the environment); see services/security/kdf_cost.py. Stored hashes record
# their numbers, so nothing else changes. JIANGXIN_TEST_FAST_KDF=0 runs the suite at full cost.
os.environ.setdefault("JIANGXIN_TEST_FAST_KDF", "1")

import keyring
import keyring.backend
import pytest

from jiangxin_desktop.paths import DataPaths

CHINA = timezone(timedelta(hours=8), "CST")
# Tuesday 1 December 2026, 08:25 in Lianyungang: five minutes before the first session of the
# test classes (classes_helpers.class_input starts on this day at 08:30). Tests never read the
# machine's date or time of day; a test that needs another moment sets it on ``clock``.
FIXED_NOW = datetime(2026, 12, 1, 8, 25, tzinfo=CHINA)
DEMO_DAY = FIXED_NOW.date()  # the day seeded demo classes are dated around (ensure_demo_database today=)


@dataclass
class FixedClock:
    """The clock a context acts with in tests: ``today`` and ``now`` (aware) from one moment."""

    moment: datetime = FIXED_NOW

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def set(self, moment: datetime) -> None:
        self.moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def use_clock(ctx, clock: FixedClock):
    """Make the context's services read ``clock`` (the injection point is ``ctx.acting``)."""
    ctx.acting.today = clock.today
    ctx.acting.now = clock.now
    return ctx


def open_travelling_station(data_paths, clock, trainees: int):
    """A demo database made into a real station's (its rows travel), logged in as the clerk."""
    from sqlalchemy import text

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database

    ensure_demo_database(data_paths, no_passphrase, trainees, user_password=DEMO_PASSWORD, classes=False)
    ctx = open_context(data_paths, no_passphrase)
    with ctx.db.write() as session:
        session.execute(text("UPDATE meta SET value = '0' WHERE key = 'demo'"))
    ctx.close()
    ctx = use_clock(open_context(data_paths, no_passphrase), clock)
    assert ctx.acting.travels and not ctx.demo
    ctx.login("clerk", DEMO_PASSWORD)
    return ctx


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Keeps secrets in a dict: a real backend object, never on disk."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def production_kdf(monkeypatch):
    """The test's hashes and wrapped keys use the shipped scrypt numbers (no test switch)."""
    monkeypatch.delenv("JIANGXIN_TEST_FAST_KDF", raising=False)


@pytest.fixture
def data_paths(tmp_path) -> DataPaths:
    return DataPaths(tmp_path / "data")


def no_passphrase(new: bool) -> str:
    raise AssertionError("the in-memory keyring should make a passphrase unnecessary")


DEMO_PASSWORD = "Demo-pass-2025"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[DataPaths, dict[tuple[str, str], str]]:
    """The demo_context's data directory and keyring entries, seeded once per test session
    (as ensure_demo_database makes them: 300 trainees, three users, no classes); every
    demo_context is a copy of it."""
    from jiangxin_desktop.demo_setup import ensure_demo_database

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        paths = DataPaths(tmp_path_factory.mktemp("demo-template") / "data")
        ensure_demo_database(paths, no_passphrase, 300, user_password=DEMO_PASSWORD, classes=False)
    finally:
        keyring.set_keyring(previous)
    return paths, dict(backend.store)


@pytest.fixture
def demo_context(data_paths, clock, demo_template, memory_keyring):
    """An encrypted demo database with 300 trainees, opened as the windows would and logged in
    as the demo clerk (users admin, reviewer and clerk share DEMO_PASSWORD); its clock is
    ``clock`` (FIXED_NOW unless the test moves it). A copy of ``demo_template`` (its files and
    its key in this test's keyring): seeding costs once per session, not once per test."""
    from jiangxin_desktop.context import open_context

    template, entries = demo_template
    shutil.copytree(template.root, data_paths.root, dirs_exist_ok=True)
    memory_keyring.store.update(entries)
    ctx = use_clock(open_context(data_paths, no_passphrase), clock)
    ctx.login("clerk", DEMO_PASSWORD)
    yield ctx
    ctx.close()


@pytest.fixture
def accountless_context(data_paths, clock):
    """A demo database without user accounts (as one made before accounts existed), not logged in."""
    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.demo_setup import ensure_demo_database

    ensure_demo_database(data_paths, no_passphrase, 20)
    ctx = use_clock(open_context(data_paths, no_passphrase), clock)
    yield ctx
    ctx.close()
