"""A migrated database on a real SQLCipher file, for the store's tests."""

from __future__ import annotations

import secrets

import pytest

from jiangxin_desktop.store import migrate
from jiangxin_desktop.store.database import Database


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "t.db", secrets.token_bytes(32))
    migrate.upgrade(database)
    yield database
    database.dispose()
