"""Encrypted backups on real SQLCipher files: round trip, damage, wrong passphrase, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.database_files import restore_database
from jiangxin_desktop.errors import KnownError, WrongKeyError
from jiangxin_desktop.services.station.backup import PARTIAL, create_backup, verify_backup
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput

BACKUP_PASS = "backup-passphrase"


def passphrase(new: bool) -> str:
    return "station-passphrase"


def backup(ctx, target):
    return create_backup(ctx.db, target, station_code=ctx.station.code, passphrase=BACKUP_PASS, actor="test")


def add_one(ctx, name="钱小满"):
    return ctx.registry.register(
        TraineeInput(
            name=name,
            id_number=id_with_check("32070619900101999"),
            phone="13800000000",
            target_group="31",
            consent=True,
        )
    )


def test_round_trip_while_the_program_is_open(demo_context, tmp_path):
    info = backup(demo_context, tmp_path / "usb")  # the context stays open: no downtime
    raw = (tmp_path / "usb" / info.database).read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"320706" not in raw
    manifest = json.loads((tmp_path / "usb" / f"{info.database[:-3]}.json").read_text())
    assert demo_context.db.key.hex() not in json.dumps(manifest)
    assert verify_backup(tmp_path / "usb" / f"{info.database[:-3]}.json").ok
    report = verify_backup(tmp_path / "usb" / f"{info.database[:-3]}.json", BACKUP_PASS)
    assert report.ok and report.opened and report.trainees == 300

    added = add_one(demo_context)  # after the backup: gone after restoring, kept aside
    paths = demo_context.paths
    demo_context.close()
    result = restore_database(paths, tmp_path / "usb" / f"{info.database[:-3]}.json", BACKUP_PASS, passphrase)
    assert result["trainees"] == 300 and result["previous_kept_in"]
    ctx = open_context(paths, passphrase)
    try:
        assert ctx.registry.find_by_id_number(added.id_number) is None
        assert ctx.search.totals()["active"] == 300
        with ctx.db.read() as s:
            actions = s.execute(text("SELECT action FROM audit_event ORDER BY seq")).scalars().all()
        # The copy was taken before its own "backup.create" event; the restore is audited.
        assert actions[-1] == "backup.restore" and "backup.create" not in actions
    finally:
        ctx.close()
    kept = list((paths.root / "pre-restore").glob("jiangxin.db.*"))
    assert len(kept) == 1


def test_damaged_backup_is_refused_and_current_database_untouched(demo_context, tmp_path):
    info = backup(demo_context, tmp_path / "usb")
    data_file = tmp_path / "usb" / info.database
    blob = bytearray(data_file.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    data_file.write_bytes(bytes(blob))
    manifest = tmp_path / "usb" / f"{info.database[:-3]}.json"
    report = verify_backup(manifest)
    assert not report.ok and "已损坏" in report.message
    added = add_one(demo_context)
    paths = demo_context.paths
    demo_context.close()
    with pytest.raises(KnownError, match="不能恢复"):
        restore_database(paths, manifest, BACKUP_PASS, passphrase)
    ctx = open_context(paths, passphrase)
    assert ctx.registry.find_by_id_number(added.id_number) is not None
    ctx.close()


def test_wrong_backup_passphrase(demo_context, tmp_path):
    info = backup(demo_context, tmp_path / "usb")
    with pytest.raises(WrongKeyError, match="备份口令不正确"):
        verify_backup(tmp_path / "usb" / f"{info.database[:-3]}.json", "not-the-passphrase")


def test_failed_restore_puts_the_current_database_back(demo_context, tmp_path, monkeypatch):
    info = backup(demo_context, tmp_path / "usb")
    added = add_one(demo_context)
    paths = demo_context.paths
    demo_context.close()

    def broken_open(*args, **kwargs):
        raise KnownError("模拟：恢复后的数据库打不开")

    monkeypatch.setattr("jiangxin_desktop.database_files.open_database", broken_open)
    with pytest.raises(KnownError, match="模拟"):
        restore_database(paths, tmp_path / "usb" / f"{info.database[:-3]}.json", BACKUP_PASS, passphrase)
    monkeypatch.undo()
    ctx = open_context(paths, passphrase)
    assert ctx.registry.find_by_id_number(added.id_number) is not None
    ctx.close()


def _run_backup(data, target, env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jiangxin_desktop",
            "--user",
            "clerk",
            "backup",
            "create",
            "--data-dir",
            str(data),
            "--to",
            str(target),
            "--json",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_during_backup_leaves_the_previous_backup_valid(tmp_path):
    """kill -9 while the copy is being written: earlier backups still verify, no half backup counts."""
    env = {
        **os.environ,
        "JIANGXIN_PASSPHRASE": "station-passphrase",
        "JIANGXIN_BACKUP_PASSPHRASE": BACKUP_PASS,
        "JIANGXIN_PASSWORD": "Demo-pass-2025",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    data, usb = tmp_path / "d", tmp_path / "usb"
    demo = [
        sys.executable,
        "-m",
        "jiangxin_desktop",
        "demo",
        "--trainees",
        "20000",
        "--no-classes",
        "--data-dir",
        str(data),
    ]
    subprocess.run(demo, env=env, check=True, capture_output=True, timeout=300)
    assert _run_backup(data, usb, env).wait(120) == 0
    (first,) = usb.glob("*.json")
    killed_mid_copy = 0
    for _attempt in range(3):
        time.sleep(1.05)  # backups are named by the second
        proc = _run_backup(data, usb, env)
        deadline = time.monotonic() + 60
        while proc.poll() is None and not any(usb.glob(f"*{PARTIAL}")) and time.monotonic() < deadline:
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_copy += 1
        proc.wait(30)
        assert verify_backup(first, BACKUP_PASS).ok
        for manifest in usb.glob("*.json"):  # whatever finished is whole
            assert verify_backup(manifest).ok
    assert killed_mid_copy >= 1  # the test did interrupt a backup in the middle
    assert len(list(usb.glob("*.json"))) == 1 + (3 - killed_mid_copy)
