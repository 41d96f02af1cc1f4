"""A database is "unfinished" while ``setup`` or the first ``demo`` is still making it.

Making a station's database takes several steps (key, database, station, signing key,
administrator; for the demo also users, trainees and classes). A marker file beside the
database is written before the first step and removed after the last, so a process killed
in between (kill -9, power cut) leaves the marker: the next start knows the database is
half-made, removes it with its key and says so, instead of calling a database without an
administrator "existing" (setup) or one without the demo flag "official" (demo). The
marker names the process making the database: while that process lives, nobody removes
its work.

The same start also removes what an interrupted backup, restore or check left behind
(``*.partial``, ``*.restoring``, ``*.check``) once it has not been touched for a while.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from jiangxin_desktop.errors import KnownError, StorageError
from jiangxin_desktop.files import process_alive, write_private_atomic
from jiangxin_desktop.paths import DataPaths

MARKER_NAME = "jiangxin.db.unfinished"
KINDS = {"setup": "首次设置", "demo": "创建演示数据库"}
AGAIN = {"setup": "jiangxin-desktop setup（或窗口中的“设置正式服务站”）", "demo": "jiangxin-desktop demo"}
# Left by an interrupted backup (services/station/backup.py), restore (database_files.restore_database),
# backup check or a PDF written in place (printing/render.py's ".part"); a file untouched for
# this long is not being written any more.
LEFTOVER_SUFFIXES = (".partial", ".part", ".restoring", ".check", ".check-wal", ".check-shm")
LEFTOVER_AGE_S = 15 * 60


def marker_path(paths: DataPaths) -> Path:
    return paths.root / MARKER_NAME


def begin(paths: DataPaths, kind: str) -> None:
    """Mark the database as being made by this process (before its first file is written)."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    data = {"kind": kind, "pid": os.getpid(), "started_at": started}
    paths.ensure()
    write_private_atomic(marker_path(paths), json.dumps(data).encode())


def finish(paths: DataPaths) -> None:
    """The database is complete: remove the marker (and make its removal durable)."""
    marker_path(paths).unlink(missing_ok=True)
    _fsync_dir(paths.root)


def is_unfinished(paths: DataPaths) -> bool:
    return marker_path(paths).exists()


def clear_unfinished(paths: DataPaths) -> str | None:
    """Remove a database that a killed setup or demo left half-made, with its key.

    Returns the sentence that tells the user so (None when there was nothing to remove).
    Raises KnownError while the process that is making it still runs.
    """
    marker = marker_path(paths)
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        data = {}  # a marker cut short by the kill: the database is unfinished all the same
    kind = data.get("kind") if data.get("kind") in KINDS else "setup"
    pid = data.get("pid")
    if isinstance(pid, int) and pid != os.getpid() and process_alive(pid):
        raise KnownError(
            f"数据目录 {paths.root} 中的数据库正在由另一个程序（进程 {pid}）{KINDS[kind]}，"
            "请等它完成后再试。"
        )
    removed = [
        p.name
        for p in (paths.database.with_name(paths.database.name + s) for s in ("", "-wal", "-shm"))
        if p.exists()
    ]
    for suffix in ("", "-wal", "-shm"):
        paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
    from jiangxin_desktop.services.audit import ANCHOR_FILE
    from jiangxin_desktop.services.security import KeyStore  # cryptography: only when needed

    (paths.root / ANCHOR_FILE).unlink(missing_ok=True)  # the half-made audit chain's anchor
    KeyStore(paths.key_descriptor, _no_passphrase).discard()
    marker.unlink(missing_ok=True)
    _fsync_dir(paths.root)
    started = data.get("started_at") or "上次"
    what = f"未完成的数据库 {paths.database}" if removed else "未完成的设置"
    return (
        f"上次{KINDS[kind]}（{started} 开始）没有完成（程序被中断或被强行结束），"
        f"已删除{what}及其密钥；其中没有可用的数据。请重新运行 {AGAIN[kind]}。"
    )


def sweep_leftovers(folders: Iterable[Path], *, now: float | None = None) -> list[Path]:
    """Remove files that an interrupted backup, restore or check left in ``folders``."""
    now = time.time() if now is None else now
    removed = []
    for folder in folders:
        try:
            candidates = [p for p in folder.iterdir() if p.name.endswith(LEFTOVER_SUFFIXES)]
        except OSError:  # no such folder, a USB stick not plugged in
            continue
        for path in candidates:
            with contextlib.suppress(OSError):
                if path.is_file() and now - path.stat().st_mtime >= LEFTOVER_AGE_S:
                    path.unlink()
                    removed.append(path)
    return removed


def _no_passphrase(new: bool) -> str:
    raise AssertionError("discarding a key never needs the passphrase")


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def disk_full(exc: BaseException, paths: DataPaths, kind: str) -> KnownError | None:
    """A full disk while making the database, said as it is (the half-made one is removed)."""
    seen: BaseException | None = exc
    while seen is not None:
        text = str(getattr(seen, "orig", None) or seen).lower()
        full = isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))
        if full or "database or disk is full" in text or "no space left" in text or "磁盘空间不足" in text:
            return StorageError(
                f"磁盘空间不足：数据目录 {paths.root} 所在的磁盘已满，{KINDS[kind]}没有完成；"
                "未完成的数据库已删除，什么也没有留下。"
                f"请删除该磁盘上不需要的文件、腾出空间后重新运行 {AGAIN[kind]}。",
                detail=str(seen),
            )
        seen = seen.__cause__ or seen.__context__
    return None


def raise_if_disk_full(exc: BaseException, paths: DataPaths, kind: str) -> None:
    """Raise :func:`disk_full`'s message (from ``exc``) when ``exc`` comes from a full disk."""
    full = disk_full(exc, paths, kind)
    if full is not None:
        raise full from exc
