"""``db check``: a damaged page of a real encrypted database is found, named, and the newest
sound backup is the one to restore; a backup refuses a damaged database and says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jiangxin_desktop.errors import StorageError
from jiangxin_desktop.services.station.backup import create_backup, list_backups
from jiangxin_desktop.services.station.db_check import check_database

ROOT = Path(__file__).resolve().parents[2]
BACKUP_PASSPHRASE = "backup-passphrase-2026"


def damage(path: Path) -> None:
    """Overwrite bytes in the middle of the file, as a failing disk or a stray write would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 + 100)
        handle.write(b"\0" * 64)


def _backup(ctx, folder: Path, day: int):
    return create_backup(
        ctx.db,
        folder,
        station_code=ctx.station.code,
        actor="clerk",
        passphrase=BACKUP_PASSPHRASE,
        now=datetime(2026, 12, day, 12, 0, tzinfo=UTC),
    )


def test_a_sound_database_is_reported_sound(demo_context):
    report = check_database(demo_context.paths.database, demo_context.db.key, [])
    assert report.ok and report.check.damaged_pages == ()
    assert "完好" in report.message and "全部通过加密校验" in report.message


def test_a_damaged_page_is_named_with_the_newest_sound_backup_to_restore(demo_context):
    ctx = demo_context
    folder = ctx.paths.root / "backups"
    older = _backup(ctx, folder, 1)
    newest = _backup(ctx, folder, 2)
    broken = _backup(ctx, folder, 3)
    damage(Path(broken.manifest).with_suffix(".db"))  # the newest copy no longer matches its manifest
    ctx.db.checkpoint()
    key, database = ctx.db.key, ctx.paths.database
    ctx.close()
    damage(database)

    report = check_database(database, key, [folder])
    assert not report.ok
    assert report.check.opened and report.check.damaged_pages
    page = report.check.damaged_pages[0]
    message = report.message
    assert message.startswith(f"数据库 {database} 已损坏")
    assert f"加密校验失败（第 {page} 页" in message
    assert "btreeInitPage" not in message  # SQLite's page-by-page noise after the first bad page
    assert Path(newest.manifest).name in message and Path(older.manifest).name not in message
    assert "jiangxin-desktop backup restore" in message
    assert report.backup is not None and report.backup.manifest == newest.manifest
    assert report.to_json()["backup"]["restore_command"].endswith(f'"{newest.manifest}"')
    ctx.db.dispose()  # closed above; the fixture closes it again


def test_without_a_backup_the_report_says_where_it_looked(demo_context):
    ctx = demo_context
    ctx.db.checkpoint()
    key, database = ctx.db.key, ctx.paths.database
    ctx.close()
    damage(database)
    report = check_database(database, key, [ctx.paths.root / "backups"])
    assert not report.ok and report.backup is None
    assert "没有找到本站完好的备份" in report.message and str(ctx.paths.root / "backups") in report.message


def test_backup_refuses_a_damaged_database_and_blames_the_database_not_its_copy(demo_context, tmp_path):
    ctx = demo_context
    folder = tmp_path / "usb"
    earlier = _backup(ctx, folder, 1)
    ctx.db.checkpoint()
    ctx.close()
    damage(ctx.paths.database)
    from jiangxin_desktop.context import open_context
    from tests.conftest import no_passphrase

    try:
        reopened = open_context(ctx.paths, no_passphrase)
    except StorageError:
        pytest.skip("the damage hit a page that opening reads")  # not expected: middle of the file
    try:
        with pytest.raises(StorageError) as caught:
            _backup(reopened, folder, 2)
    finally:
        reopened.close()
    message = caught.value.message
    assert message.startswith(f"不能备份：数据库 {ctx.paths.database} 已损坏")
    assert "加密校验失败" in message and "db check" in message
    assert ".partial" not in message
    assert list_backups(folder, ctx.station.code) == [Path(earlier.manifest)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [Path(earlier.manifest).name, Path(earlier.manifest).with_suffix(".db").name]
    )


def _cli(data: Path, *args: str, user: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "JIANGXIN_PASSPHRASE": "db-check-passphrase",
        "JIANGXIN_PASSWORD": "Demo-pass-2025",
        "JIANGXIN_BACKUP_PASSPHRASE": BACKUP_PASSPHRASE,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    env.pop("QT_QPA_PLATFORM", None)
    login = ["--user", user] if user else []
    return subprocess.run(
        [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(data), *login, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_the_command_line_check_in_chinese_with_exit_codes(tmp_path):
    data = tmp_path / "data"
    assert _cli(data, "demo", "--trainees", "300", "--no-classes").returncode == 0
    made = _cli(data, "backup", "create", "--json", user="admin")
    assert made.returncode == 0, made.stderr
    manifest = json.loads(made.stdout)["manifest"]

    sound = _cli(data, "db", "check", "--json")
    assert sound.returncode == 0, sound.stderr
    assert json.loads(sound.stdout)["ok"] is True

    damage(data / "jiangxin.db")
    broken = _cli(data, "db", "check")
    assert broken.returncode == 1
    assert "已损坏" in broken.stdout and manifest in broken.stdout
    assert "ERROR CORE" not in broken.stderr
    as_json = json.loads(_cli(data, "db", "check", "--json").stdout)
    assert as_json["ok"] is False and as_json["damaged_pages"] and as_json["backup"]["manifest"] == manifest


def test_a_damaged_first_page_is_reported_not_raised(demo_context):
    ctx = demo_context
    folder = ctx.paths.root / "backups"
    backup = _backup(ctx, folder, 1)
    ctx.db.checkpoint()
    key, database = ctx.db.key, ctx.paths.database
    ctx.close()
    with database.open("r+b") as handle:
        handle.seek(200)  # inside page 1: the header SQLite reads first
        handle.write(b"\xff" * 32)
    report = check_database(database, key, [folder])
    assert not report.ok and not report.check.opened
    assert "无法打开" in report.message and Path(backup.manifest).name in report.message
