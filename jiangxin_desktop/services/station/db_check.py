"""``jiangxin-desktop db check`` and 设置 › 数据库检查: is the database file sound?

Two checks, on a connection of its own (the program may keep running meanwhile):
SQLCipher's ``PRAGMA cipher_integrity_check`` verifies each page's HMAC, so it names every
page whose bytes changed on disk (a failing disk, a copy cut short, a stray write); SQLite's
``PRAGMA integrity_check`` then checks the structure (indexes, page lists, free pages). A
damaged page makes the latter stop with "database disk image is malformed"; that is
reported as such. The report says, in Chinese, what is wrong and which backup to restore:
the newest complete backup of this station whose copy still matches its manifest, found in
the data directory's ``backups`` folder and the administrator's backup folder.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup import read_manifest, verify_backup
from jiangxin_desktop.store.database import Integrity, check_integrity

MAX_LISTED_PAGES = 10  # pages named in the sentence; the JSON lists them all


@dataclass(frozen=True)
class BackupChoice:
    manifest: str
    created_at: str
    trainees: int

    @property
    def restore_command(self) -> str:
        return f'jiangxin-desktop backup restore "{self.manifest}"'


def describe_damage(found: Integrity, name: str) -> str | None:
    """The damage in a sentence (None when the file is sound)."""
    if not found.opened:
        why = "；".join(found.structure)
        return f"数据库文件 {name} 无法打开：第一页已损坏，或密钥与数据库不匹配（{why}）"
    parts = []
    if found.damaged_pages:
        shown = "、".join(str(p) for p in found.damaged_pages[:MAX_LISTED_PAGES])
        more = "等" if len(found.damaged_pages) > MAX_LISTED_PAGES else ""
        parts.append(
            f"共 {found.pages} 页中有 {len(found.damaged_pages)} 页的加密校验失败（第 {shown} 页{more}），"
            "这些页的内容在磁盘上被改动或损坏"
        )
    if found.damaged_pages:  # SQLite's own check then fails on every page after the first bad one
        parts.append("因此数据库结构检查无法完成")
    elif found.structure:
        lines = [line for item in found.structure for line in item.splitlines() if line.strip()]
        more = f"等 {len(lines)} 处" if len(lines) > MAX_LISTED_PAGES else ""
        parts.append(f"数据库结构检查发现问题：{'；'.join(lines[:MAX_LISTED_PAGES])}{more}")
    return "；".join(parts) if parts else None


@dataclass(frozen=True)
class DatabaseCheck:
    ok: bool
    database: str
    message: str
    check: Integrity
    backup: BackupChoice | None
    searched: list[str]

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "database": self.database,
            "message": self.message,
            "pages": self.check.pages,
            "damaged_pages": list(self.check.damaged_pages),
            "structure": list(self.check.structure),
            "backup": {**asdict(self.backup), "restore_command": self.backup.restore_command}
            if self.backup
            else None,
            "searched": self.searched,
        }


def _where_backups_are(path: Path, key: bytes) -> tuple[str | None, str | None]:
    """The station's code and the administrator's backup folder: best effort on a damaged file."""
    code = folder = None
    connection = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        with contextlib.suppress(sqlcipher3.dbapi2.Error, TypeError, ValueError):
            code = connection.execute("SELECT code FROM station").fetchone()[0]
        with contextlib.suppress(sqlcipher3.dbapi2.Error, TypeError, ValueError):
            row = connection.execute("SELECT value_json FROM setting WHERE key = 'backup.folder'").fetchone()
            folder = json.loads(row[0]) if row else None
    finally:
        connection.close()
    return code, folder if isinstance(folder, str) else None


def newest_backup(folders: list[Path], station_code: str | None) -> BackupChoice | None:
    """The newest backup (of ``station_code`` when known) whose copy matches its manifest."""
    found: list[tuple[str, Path, dict]] = []
    for folder in folders:
        pattern = f"jiangxin-{station_code}-*.json" if station_code else "jiangxin-*.json"
        with contextlib.suppress(OSError):
            for manifest in folder.glob(pattern):
                with contextlib.suppress(KnownError):
                    data = read_manifest(manifest)
                    found.append((str(data.get("created_at", "")), manifest, data))
    # newest first; two backups of the same second are ordered by their names, never by chance
    for _created, manifest, data in sorted(found, key=lambda item: (item[0], item[1].name), reverse=True):
        try:
            sound = verify_backup(manifest).ok  # its copy is there and unchanged
        except (KnownError, OSError):
            sound = False
        if sound:
            return BackupChoice(str(manifest), str(data.get("created_at", "")), int(data.get("trainees", 0)))
    return None


def _local(created_at: str) -> str:
    """A manifest's UTC time as the clerk's clock shows it (2026-12-03 14:05)."""
    try:
        return datetime.fromisoformat(created_at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created_at


def check_database(database: Path, key: bytes, backup_folders: list[Path]) -> DatabaseCheck:
    """Check ``database``; on damage, name the backup to restore (searched in ``backup_folders``
    and the administrator's backup folder, when the database still says which that is)."""
    if not database.exists():
        raise KnownError(f"数据库文件 {database} 不存在。请确认数据目录，或运行 jiangxin-desktop setup。")
    found = check_integrity(database, key)
    station_code, backup_folder = _where_backups_are(database, key) if found.opened else (None, None)
    folders = list(backup_folders)
    if backup_folder and Path(backup_folder) not in folders:
        folders.append(Path(backup_folder))
    problem = describe_damage(found, database.name)
    if problem is None:
        message = f"数据库 {database} 完好：{found.pages} 页全部通过加密校验，结构检查无问题。"
        return DatabaseCheck(True, str(database), message, found, None, [str(f) for f in folders])
    backup = newest_backup(folders, station_code)
    if backup is not None:
        advice = (
            f"请不要继续录入：关闭程序，用最新的完好备份恢复——{_local(backup.created_at)} 的备份"
            f"（{backup.trainees} 名学员）：{backup.restore_command}。此后录入的内容需要重新录入。"
        )
    else:
        searched = "、".join(str(f) for f in folders) or "（无）"
        advice = (
            f"在 {searched} 中没有找到本站完好的备份。请不要继续录入，也不要删除数据库文件，"
            "立即联系技术支持；如有别处保存的备份（U 盘），用 jiangxin-desktop backup restore 恢复。"
        )
    message = f"数据库 {database} 已损坏：{problem}。{advice}"
    return DatabaseCheck(False, str(database), message, found, backup, [str(f) for f in folders])
