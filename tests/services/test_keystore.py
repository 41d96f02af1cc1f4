"""The database key: keyring first, passphrase-wrapped where no keyring exists."""

from __future__ import annotations

import json
import os
import stat

import keyring
import keyring.backends.fail
import pytest

from jiangxin_desktop.context import open_context
from jiangxin_desktop.errors import KnownError, PassphraseRequired, WrongKeyError
from jiangxin_desktop.services.security.keystore import (
    KeyStore,
    UnusableKeyError,
    env_passphrase_provider,
)


def fixed(value: str):
    return lambda new: value


@pytest.fixture
def no_keyring():
    """Headless Linux: keyring's fail backend raises NoKeyringError."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_key_goes_to_keyring_and_descriptor_holds_no_secret(tmp_path, memory_keyring):
    store = KeyStore(tmp_path / "key.json", fixed("unused-pass"))
    key = store.create()
    assert len(key) == 32
    descriptor = json.loads((tmp_path / "key.json").read_text())
    assert descriptor["scheme"] == "keyring"
    assert key.hex() not in (tmp_path / "key.json").read_text()
    assert list(memory_keyring.store.values()) == [key.hex()]
    assert store.load() == key


def test_no_keyring_wraps_key_with_passphrase(tmp_path, no_keyring):
    store = KeyStore(tmp_path / "key.json", fixed("correct horse"))
    key = store.create()
    text = (tmp_path / "key.json").read_text()
    assert json.loads(text)["scheme"] == "passphrase"
    assert key.hex() not in text
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "key.json").stat().st_mode) == 0o600
    assert KeyStore(tmp_path / "key.json", fixed("correct horse")).load() == key
    with pytest.raises(WrongKeyError, match="口令不正确"):
        KeyStore(tmp_path / "key.json", fixed("wrong horse!")).load()


def test_short_passphrase_refused(tmp_path, no_keyring):
    with pytest.raises(KnownError, match="至少"):
        KeyStore(tmp_path / "key.json", fixed("short")).create()
    assert not (tmp_path / "key.json").exists()


def test_env_passphrase_wins_and_missing_one_is_explained(monkeypatch):
    monkeypatch.setenv("JIANGXIN_PASSPHRASE", "from-environment")
    assert env_passphrase_provider(fixed("asked"))(False) == "from-environment"
    monkeypatch.delenv("JIANGXIN_PASSPHRASE")
    assert env_passphrase_provider(fixed("asked"))(False) == "asked"
    with pytest.raises(PassphraseRequired, match="JIANGXIN_PASSPHRASE"):
        env_passphrase_provider(None)(False)


def test_whole_database_round_trip_without_keyring(data_paths, no_keyring):
    from jiangxin_desktop.demo_setup import ensure_demo_database

    ensure_demo_database(data_paths, fixed("station passphrase"), 20)
    with pytest.raises(WrongKeyError):
        open_context(data_paths, fixed("not the passphrase"))
    ctx = open_context(data_paths, fixed("station passphrase"))
    assert ctx.search.totals()["active"] == 20
    ctx.close()


def test_missing_keyring_entry_is_a_clear_error(data_paths, memory_keyring):
    from jiangxin_desktop.demo_setup import ensure_demo_database

    ensure_demo_database(data_paths, fixed("unused-pass"), 5)
    memory_keyring.store.clear()  # e.g. the database was copied to another PC
    with pytest.raises(UnusableKeyError, match="密钥环中找不到") as info:
        open_context(data_paths, fixed("unused-pass"))
    assert "jiangxin-desktop backup restore" in info.value.message  # what the clerk can do


def test_failed_creation_leaves_no_database_and_no_keyring_entry(data_paths, memory_keyring, monkeypatch):
    from jiangxin_desktop.database_files import create_database
    from jiangxin_desktop.services.station import setup as station

    def broken(*args, **kwargs):
        raise OSError("disk vanished")

    monkeypatch.setattr("jiangxin_desktop.database_files.initialize", broken)
    with pytest.raises(OSError):
        create_database(
            data_paths, fixed("unused-pass"), station.StationInfo("320706001", "测试站", "320706")
        )
    assert memory_keyring.store == {}
    assert not data_paths.database.exists() and not data_paths.key_descriptor.exists()
