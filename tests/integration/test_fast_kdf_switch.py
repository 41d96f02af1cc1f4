"""The test suite's cheap scrypt (JIANGXIN_TEST_FAST_KDF, set in tests/conftest.py) cannot leak
into a station: without it the shipped numbers are used, it is ignored in the bundle, and
hashes and wrapped keys made either way open either way (they carry their numbers)."""

from __future__ import annotations

import json
import sys

import pytest
from sqlalchemy import text

from jiangxin_desktop.services.security.kdf_cost import FAST_KDF_SWITCH, TEST_N, scrypt_numbers
from jiangxin_desktop.services.security.keystore import (
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    unwrap_key,
    wrap_key,
)
from jiangxin_desktop.services.security.passwords import (
    hash_password,
    needs_rehash,
    parse_hash,
    verify_password,
)
from jiangxin_desktop.services.security.roles import load_security_policy
from tests.integration.cli_runner import PASSPHRASE, run, run_process

SHIPPED = load_security_policy()
KEY = bytes(range(32))


def numbers(encoded: str) -> tuple[int, int, int]:
    parsed = parse_hash(encoded)
    assert parsed is not None
    return parsed.n, parsed.r, parsed.p


def test_the_suite_runs_with_the_switch():
    """Otherwise every test pays 0.1–1 s per hash and nobody notices the suite doubled."""
    assert scrypt_numbers(SCRYPT_N, SCRYPT_R, SCRYPT_P) == (TEST_N, SCRYPT_R, SCRYPT_P)
    assert numbers(hash_password("Zhang#2026", SHIPPED)) == (TEST_N, 8, 1)
    assert wrap_key(KEY, PASSPHRASE)["kdf"]["n"] == TEST_N


def test_without_the_switch_the_shipped_numbers_are_used(production_kdf):
    assert (SHIPPED.scrypt_n, SHIPPED.scrypt_r, SHIPPED.scrypt_p) == (2**15, 8, 1)
    assert numbers(hash_password("Zhang#2026", SHIPPED)) == (2**15, 8, 1)
    kdf = wrap_key(KEY, PASSPHRASE)["kdf"]
    assert (kdf["n"], kdf["r"], kdf["p"]) == (SCRYPT_N, SCRYPT_R, SCRYPT_P) == (2**17, 8, 1)


@pytest.mark.parametrize("value", ["0", "", "true", "yes", " 1"])
def test_only_the_exact_value_1_turns_it_on(monkeypatch, value):
    monkeypatch.setenv(FAST_KDF_SWITCH, value)
    assert scrypt_numbers(2**15, 8, 1) == (2**15, 8, 1)


def test_the_bundled_program_ignores_the_switch(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # what PyInstaller sets
    assert scrypt_numbers(2**15, 8, 1) == (2**15, 8, 1)
    assert numbers(hash_password("Zhang#2026", SHIPPED)) == (2**15, 8, 1)


def test_hashes_and_keys_made_either_way_open_either_way(monkeypatch):
    cheap_hash, cheap_key = hash_password("Zhang#2026", SHIPPED), wrap_key(KEY, PASSPHRASE)
    monkeypatch.delenv(FAST_KDF_SWITCH)
    real_hash, real_key = hash_password("Zhang#2026", SHIPPED), wrap_key(KEY, PASSPHRASE)
    for switch in (None, "1"):
        if switch:
            monkeypatch.setenv(FAST_KDF_SWITCH, switch)
        for encoded in (cheap_hash, real_hash):
            assert verify_password("Zhang#2026", encoded) and not verify_password("Zhang#2027", encoded)
        for wrapped in (cheap_key, real_key):
            assert unwrap_key(wrapped, PASSPHRASE) == KEY
    # A cheap hash that reached a real program is out of policy: the next login replaces it.
    monkeypatch.delenv(FAST_KDF_SWITCH)
    assert needs_rehash(cheap_hash, SHIPPED) and not needs_rehash(real_hash, SHIPPED)


def test_a_station_made_without_the_switch_has_full_strength_and_the_suite_opens_it(tmp_path):
    """A real process without the switch (as the program runs at a station), then the
    command line in this process (with it) logs in to that database."""
    data = tmp_path / "d"
    made = run_process(
        "demo", "--trainees", "1", "--no-classes", "--data-dir", str(data), env_extra={FAST_KDF_SWITCH: None}
    )
    assert made.returncode == 0, made.stderr
    kdf = json.loads((data / "key.json").read_text())["kdf"]
    assert (kdf["n"], kdf["r"], kdf["p"]) == (2**17, 8, 1)

    from jiangxin_desktop.context import open_context
    from jiangxin_desktop.paths import DataPaths

    def hashes() -> dict[str, tuple[int, int, int]]:
        ctx = open_context(DataPaths(data), lambda new: PASSPHRASE)
        try:
            with ctx.db.read() as s:
                rows = s.execute(text("SELECT username, password_hash FROM app_user")).all()
        finally:
            ctx.close()
        return {name: numbers(encoded) for name, encoded in rows}

    assert set(hashes().values()) == {(2**15, 8, 1)}
    status = run("status", "--data-dir", str(data), "--json")  # the key: unwrapped with 2**17
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["demo"] is True
    verified = run("audit", "verify", "--data-dir", str(data), "--json", user="reviewer")
    assert verified.returncode == 0, verified.stderr
    # That login checked the real hash; the policy in force (the test's) renewed it.
    assert hashes() == {"admin": (2**15, 8, 1), "reviewer": (TEST_N, 8, 1), "clerk": (2**15, 8, 1)}
