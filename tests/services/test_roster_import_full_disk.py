"""A roster import on a full disk: a Chinese message within seconds, the database as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jiangxin_desktop.context import open_context
from jiangxin_desktop.demo_setup import ensure_demo_database
from jiangxin_desktop.errors import StorageError
from jiangxin_desktop.paths import DataPaths
from tests.conftest import DEMO_PASSWORD, no_passphrase
from tests.services.classes_helpers import opened_class
from tests.services.test_roster_import import people, roster


def _counts(ctx) -> tuple[int, int, int, int]:
    with ctx.db.read() as session:
        return tuple(
            session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("trainee", "enrollment", "outbox", "audit_event")
        )


def _import_within(ctx, class_code: str, path: Path, seconds: float = 15.0) -> BaseException | None:
    """Run the import on a thread: a hang fails the test instead of blocking the suite."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            ctx.roster_importer().run(class_code, path)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the import hung on a full disk"
    assert time.perf_counter() - started < seconds
    return raised[0] if raised else None


def test_a_full_database_refuses_the_import_in_chinese_and_changes_nothing(demo_context, tmp_path):
    ctx = demo_context
    klass = opened_class(ctx)
    path = roster(tmp_path, people(600))
    before = _counts(ctx)
    raw = ctx.db.write_engine.raw_connection()  # the single writer's connection keeps the limit
    try:
        pages = raw.cursor().execute("PRAGMA page_count").fetchone()[0]
        raw.cursor().execute(f"PRAGMA max_page_count = {pages + 4}")  # SQLITE_FULL, as a full disk
    finally:
        raw.close()
    error = _import_within(ctx, klass.code, path)
    assert isinstance(error, StorageError)
    assert error.message.startswith("磁盘空间不足") and str(ctx.paths.root) in error.message
    assert _counts(ctx) == before
    assert ctx.enrollments.list(klass.uuid) == []


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=False)
    return done.returncode == 0


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_really_full_disk_refuses_the_import_within_seconds(tmp_path):
    """The same on a real small filesystem (needs root to mount one; skipped otherwise)."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "3m"):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        paths = DataPaths(disk / "data")
        ensure_demo_database(paths, no_passphrase, 200, user_password=DEMO_PASSWORD, classes=False)
        ctx = open_context(paths, no_passphrase)
        try:
            ctx.login("clerk", DEMO_PASSWORD)
            klass = opened_class(ctx)
            path = roster(tmp_path, people(900))
            ctx.db.checkpoint()
            before = _counts(ctx)
            _fill(disk)
            error = _import_within(ctx, klass.code, path)
            assert isinstance(error, StorageError) and error.message.startswith("磁盘空间不足")
            assert _counts(ctx) == before
        finally:
            ctx.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
