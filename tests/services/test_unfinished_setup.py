"""kill -9 during setup or demo, a full disk during demo, leftovers of interrupted backups:
the next start removes what is half-made and says so; nothing half-made is ever called a
database."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.errors import KnownError, StorageError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.station.unfinished_setup import (
    LEFTOVER_AGE_S,
    MARKER_NAME,
    clear_unfinished,
    sweep_leftovers,
)
from tests.conftest import DEMO_PASSWORD, no_passphrase

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "JIANGXIN_PASSPHRASE": "unfinished-test-passphrase",
    "JIANGXIN_PASSWORD": DEMO_PASSWORD,
    "JIANGXIN_NEW_PASSWORD": "Station-admin-2026",
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # the passphrase path, as headless
}


def _env() -> dict:
    env = {**os.environ, **ENV}
    env.pop("QT_QPA_PLATFORM", None)
    return env


def cli(data: Path, *args: str, password: str = DEMO_PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env={**_env(), "JIANGXIN_PASSWORD": password},
        cwd=ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _kill_when(process: subprocess.Popen, ready, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the database never appeared"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _database_files(data: Path) -> list[str]:
    return sorted(p.name for p in data.iterdir()) if data.exists() else []


def test_demo_killed_midway_is_removed_at_the_next_start_which_says_so(tmp_path):
    data = tmp_path / "data"
    paths = DataPaths(data)
    demo = subprocess.Popen(
        [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(data), "demo", "--trainees", "50000"],
        env=_env(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # killed while it writes trainees: the database file and its write-ahead log exist
    _kill_when(demo, lambda: paths.database.with_name("jiangxin.db-wal").exists())
    assert (data / MARKER_NAME).exists() and paths.database.exists()

    status = cli(data, "status", "--json")
    assert status.returncode == 2
    message = json.loads(status.stdout)["error"]
    assert "创建演示数据库" in message and "没有完成" in message and "已删除" in message
    assert "jiangxin-desktop demo" in message
    assert not paths.database.exists() and not paths.key_descriptor.exists()
    assert not (data / MARKER_NAME).exists()
    assert _database_files(data) == []  # no key, no audit anchor of the half-made chain

    again = cli(data, "demo", "--trainees", "30", "--no-classes", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["trainees"] == 30
    status = cli(data, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["demo"] is True  # a demo database, never "official"


def test_demo_after_a_killed_demo_starts_afresh_and_says_so(tmp_path):
    data = tmp_path / "data"
    paths = DataPaths(data)
    demo = subprocess.Popen(
        [sys.executable, "-m", "jiangxin_desktop", "--data-dir", str(data), "demo", "--trainees", "50000"],
        env=_env(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _kill_when(demo, paths.database.exists)  # as early as the file exists: no demo flag yet
    again = cli(data, "demo", "--trainees", "20", "--no-classes")
    assert again.returncode == 0, again.stderr  # before: "是正式数据库，不能写入演示数据"
    assert "没有完成" in again.stdout and "已删除" in again.stdout
    assert not (data / MARKER_NAME).exists()


_SETUP_KILLED_AFTER_THE_DATABASE = """
import os, signal, sys
from pathlib import Path
from jiangxin_desktop.first_setup import AdminAccount, set_up_station
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.security.keystore import env_passphrase_provider
from jiangxin_desktop.services.station.setup import StationInfo

def progress(done, total):
    if done == 1:  # the database, its key and station exist; no administrator yet
        os.kill(os.getpid(), signal.SIGKILL)

set_up_station(
    DataPaths(Path(sys.argv[1])),
    env_passphrase_provider(None),
    StationInfo("320706001", "海州区新南街道人社服务站", "320706"),
    AdminAccount("zhangsan", "张三", "Station-admin-2026"),
    progress=progress,
)
"""


def test_setup_killed_midway_is_finished_by_the_next_setup(tmp_path):
    data = tmp_path / "data"
    paths = DataPaths(data)
    killed = subprocess.run(
        [sys.executable, "-c", _SETUP_KILLED_AFTER_THE_DATABASE, str(data)],
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert paths.database.exists() and (data / MARKER_NAME).exists()

    setup = cli(
        data, "setup", "--county", "320706", "--station-name", "海州区新南街道人社服务站",
        "--station-code", "320706001", "--admin", "zhangsan", "--admin-name", "张三",
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr  # before: "已有数据库，不会覆盖"
    assert "首次设置" in setup.stderr and "没有完成" in setup.stderr
    assert not (data / MARKER_NAME).exists()
    status = cli(data, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["demo"] is False
    who = cli(data, "--user", "zhangsan", "user", "list", "--json", password="Station-admin-2026")
    assert who.returncode == 0, who.stderr


def test_a_database_being_made_by_a_live_process_is_left_alone(tmp_path):
    paths = DataPaths(tmp_path / "data").ensure()
    paths.database.write_bytes(b"being made")
    builder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (paths.root / MARKER_NAME).write_text(json.dumps({"kind": "demo", "pid": builder.pid}))
        with pytest.raises(KnownError, match=f"正在由另一个程序（进程 {builder.pid}）创建演示数据库"):
            clear_unfinished(paths)
        assert paths.database.exists()
    finally:
        builder.kill()
        builder.wait()
    assert "已删除" in (clear_unfinished(paths) or "")
    assert not paths.database.exists()


def test_leftovers_of_interrupted_backups_are_removed_once_stale(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "jiangxin-320706001-20261201T000000Z.db.partial"
    fresh = folder / "jiangxin-320706001-20261203T000000Z.db.partial"
    backup = folder / "jiangxin-320706001-20261130T000000Z.db"
    for path in (old, fresh, backup):
        path.write_bytes(b"x")
    now = 1_800_000_000.0
    os.utime(old, (now - LEFTOVER_AGE_S - 1, now - LEFTOVER_AGE_S - 1))
    os.utime(fresh, (now - 60, now - 60))  # a backup writing right now
    assert sweep_leftovers([folder, tmp_path / "unplugged-usb"], now=now) == [old]
    assert sorted(p.name for p in folder.iterdir()) == sorted([fresh.name, backup.name])


def test_opening_the_program_removes_stale_leftovers(demo_context, tmp_path):
    from jiangxin_desktop.context import open_context

    paths = demo_context.paths
    stale = paths.root / "backups" / "jiangxin-x.db.partial"
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"half a backup")
    os.utime(stale, (0, 0))
    restoring = paths.root / "jiangxin.db.restoring"
    restoring.write_bytes(b"half a restore")
    os.utime(restoring, (0, 0))
    pdf = paths.root / ".证书-x1y2.part"  # a PDF cut short while it was written
    pdf.write_bytes(b"%PDF-1.4")
    os.utime(pdf, (0, 0))
    open_context(paths, no_passphrase).close()
    assert not stale.exists() and not restoring.exists() and not pdf.exists()
    assert paths.database.exists() and paths.key_descriptor.exists()


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)]).returncode == 0


def test_a_full_disk_during_demo_says_so_and_leaves_nothing(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        paths = DataPaths(disk / "data")
        with pytest.raises(StorageError) as caught:
            ensure_demo_database(paths, no_passphrase, 20000, user_password=DEMO_PASSWORD, classes=False)
        message = caught.value.message
        assert message.startswith("磁盘空间不足") and str(paths.root) in message
        assert "创建演示数据库没有完成" in message and "什么也没有留下" in message
        assert _database_files(paths.root) == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
