"""Shared fixtures. Qt runs offscreen; the keyring is an in-memory backend."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import keyring
import keyring.backend
import pytest

from jiangxin_desktop.paths import DataPaths


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
def data_paths(tmp_path) -> DataPaths:
    return DataPaths(tmp_path / "data")


def no_passphrase(new: bool) -> str:
    raise AssertionError("the in-memory keyring should make a passphrase unnecessary")


DEMO_PASSWORD = "Demo-pass-2025"


@pytest.fixture
def demo_context(data_paths):
    """An encrypted demo database with 300 trainees, opened as the windows would and logged in
    as the demo clerk (users admin, reviewer and clerk share DEMO_PASSWORD)."""
    from jiangxin_desktop.context import ensure_demo_database, open_context

    ensure_demo_database(data_paths, no_passphrase, 300, user_password=DEMO_PASSWORD, classes=False)
    ctx = open_context(data_paths, no_passphrase)
    ctx.login("clerk", DEMO_PASSWORD)
    yield ctx
    ctx.close()


@pytest.fixture
def accountless_context(data_paths):
    """A demo database without user accounts (as one made before accounts existed), not logged in."""
    from jiangxin_desktop.context import ensure_demo_database, open_context

    ensure_demo_database(data_paths, no_passphrase, 20)
    ctx = open_context(data_paths, no_passphrase)
    yield ctx
    ctx.close()
