"""Encrypted backups of the live database, to a folder or USB stick, and their restore.

A backup is two files: ``NAME.db``, a consistent copy made with SQLite's online backup API
(so it is encrypted exactly like the live database), and ``NAME.json``, its manifest: the
SHA-256 of the copy, what it holds, and the database key wrapped under a backup passphrase
(scrypt + AES-256-GCM), so that a new PC can restore it when the old one's keyring is gone.

Both files are written under temporary names and renamed, the manifest last: a backup
exists only once its manifest does. A process killed half-way leaves ``.partial`` files
and every earlier backup untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from jiangxin_desktop import __version__
from jiangxin_desktop.errors import KnownError, StorageError, WrongKeyError, describe_error
from jiangxin_desktop.files import write_private_atomic
from jiangxin_desktop.services.audit import anchor_for_copy
from jiangxin_desktop.services.security import unwrap_key, wrap_key
from jiangxin_desktop.store import migrate
from jiangxin_desktop.store.database import Database, check_integrity
from jiangxin_desktop.store.journal import audit

FORMAT = "jiangxin-backup-1"
KEY_PURPOSE = b"jiangxin-backup-key"
PARTIAL = ".partial"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupInfo:
    manifest: str
    database: str
    created_at: str
    station_code: str
    schema: str
    trainees: int
    audit_events: int
    size: int
    sha256: str


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    manifest: str
    message: str
    opened: bool = False  # True when the key was unwrapped and SQLCipher's checks ran
    schema: str | None = None
    trainees: int | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _counts(db: Database) -> tuple[int, int]:
    from sqlalchemy import text

    with db.read() as session:
        return (
            session.execute(text("SELECT count(*) FROM trainee")).scalar_one(),
            session.execute(text("SELECT count(*) FROM audit_event")).scalar_one(),
        )


def create_backup(
    db: Database,
    target_dir: Path,
    *,
    station_code: str,
    actor: str,
    passphrase: str | None = None,
    wrapped_key: dict | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> BackupInfo:
    """Back up the open database into ``target_dir`` without stopping the program.

    The manifest carries the key wrapped under the backup passphrase: either wrapped now
    from ``passphrase``, or ``wrapped_key`` made earlier (``wrap_for_backup``), which lets a
    scheduled backup run with nobody there to type the passphrase.
    """
    if wrapped_key is None:
        if passphrase is None:
            raise KnownError("需要备份口令：管理员尚未在“设置 → 备份”中设置备份口令。")
        wrapped_key = wrap_for_backup(db.key, passphrase)  # refuses a short passphrase first
    wrapped = wrapped_key
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KnownError(
            f"无法使用备份位置 {target_dir}：{describe_error(exc)}。请检查 U 盘是否插好、是否有写权限。"
        ) from exc
    moment = now or datetime.now(UTC)  # the file name and the manifest say the same instant
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    name = f"jiangxin-{station_code}-{stamp}"
    final_db, final_manifest = target_dir / f"{name}.db", target_dir / f"{name}.json"
    partial_db = target_dir / f"{name}.db{PARTIAL}"
    if final_manifest.exists():
        raise KnownError(f"备份 {final_manifest.name} 已存在，请稍后再试。")
    for stale in target_dir.glob(f"*{PARTIAL}"):  # left by an interrupted backup
        stale.unlink(missing_ok=True)
    try:
        db.backup_to(partial_db, progress)
        _fsync(partial_db)
        _refuse_damaged(db, partial_db)  # a damaged database is said so, not blamed on the copy
        copy = Database(partial_db, db.key)
        try:
            schema = migrate.current_revision(copy) or ""
            trainees, events = _counts(copy)
            anchor = anchor_for_copy(copy)  # the copy's audit tail, signed: checked after a restore
        finally:
            copy.dispose()
        info = BackupInfo(
            manifest=str(final_manifest),
            database=final_db.name,
            created_at=moment.astimezone(UTC).isoformat(timespec="seconds"),
            station_code=station_code,
            schema=schema,
            trainees=trainees,
            audit_events=events,
            size=partial_db.stat().st_size,
            sha256=_sha256(partial_db),
        )
        os.replace(partial_db, final_db)
        manifest = {"format": FORMAT, "program": __version__, **asdict(info), "key": wrapped}
        if anchor is not None:
            manifest["audit_anchor"] = anchor
        del manifest["manifest"]
        write_private_atomic(final_manifest, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    except OSError as exc:
        partial_db.unlink(missing_ok=True)
        raise KnownError(
            f"备份没有完成：{describe_error(exc)}。之前的备份不受影响；请检查磁盘空间后重试。"
        ) from exc
    except BaseException:
        partial_db.unlink(missing_ok=True)
        raise
    with db.write() as session:  # a backup is an export of personal data: audited
        audit(
            session,
            actor=actor,
            action="backup.create",
            object_type="backup",
            object_id=None,
            after={"manifest": info.manifest, "trainees": info.trainees, "sha256": info.sha256},
        )
    return info


def _refuse_damaged(db: Database, copy: Path) -> None:
    """Check the copy; when it is unsound, check the live database to say which one is damaged."""
    if check_integrity(copy, db.key, quick=True).ok:
        return
    live = check_integrity(db.path, db.key)
    if not live.ok:
        pages = "、".join(str(p) for p in live.damaged_pages[:10])
        where = f"第 {pages} 页加密校验失败" if pages else "；".join(live.structure[:3])
        raise StorageError(
            f"不能备份：数据库 {db.path} 已损坏（{where}），备份出来的也是坏数据，所以没有保存这份备份；"
            "之前的备份不受影响。请运行 jiangxin-desktop db check（或“设置 › 数据库检查”）查看损坏情况"
            "和应恢复的备份。",
            detail="; ".join(live.structure),
        )
    raise StorageError(
        f"备份副本写入 {copy.parent} 后校验失败（数据库本身完好）：备份位置的磁盘或 U 盘可能有问题。"
        "这份备份没有保存，之前的备份不受影响；请换一个备份位置或 U 盘后重试。"
    )


def wrap_for_backup(key: bytes, passphrase: str) -> dict:
    """The database key wrapped under a backup passphrase (scrypt + AES-256-GCM)."""
    return wrap_key(key, passphrase, purpose=KEY_PURPOSE)


def backup_key_matches(wrapped: dict, passphrase: str, key: bytes) -> bool:
    """True when ``passphrase`` opens ``wrapped`` and it holds this database's key."""
    try:
        return unwrap_key(wrapped, passphrase, purpose=KEY_PURPOSE) == key
    except WrongKeyError:
        return False


def list_backups(folder: Path, station_code: str) -> list[Path]:
    """This station's complete backups in ``folder`` (their manifests), oldest first."""
    return sorted(folder.glob(f"jiangxin-{station_code}-*.json"))


def prune_backups(folder: Path, station_code: str, keep: int) -> list[str]:
    """Delete this station's oldest backups beyond ``keep``: manifest first, then the copy."""
    removed = []
    manifests = list_backups(folder, station_code)
    for manifest in manifests[: max(0, len(manifests) - keep)]:
        copy = manifest.with_suffix(".db")
        manifest.unlink(missing_ok=True)  # without its manifest a copy is no longer a backup
        copy.unlink(missing_ok=True)
        removed.append(manifest.name)
    return removed


def read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnownError(f"无法读取备份说明文件 {path}：{describe_error(exc)}。请选择备份文件夹中的 .json 文件。") from exc
    if data.get("format") != FORMAT:
        raise KnownError(f"{path.name} 不是匠心程序的备份说明文件。")
    return data


def verify_backup(manifest_path: Path, passphrase: str | None = None) -> VerifyReport:
    """Check the copy against its manifest; with the passphrase also open it and let SQLCipher check it."""
    data = read_manifest(manifest_path)
    db_path = manifest_path.with_name(data["database"])
    if not db_path.exists():
        return VerifyReport(False, str(manifest_path), f"备份数据文件 {db_path.name} 不存在。")
    if _sha256(db_path) != data["sha256"]:
        return VerifyReport(
            False, str(manifest_path), f"备份数据文件 {db_path.name} 已损坏或被改动（校验值不符）。"
        )
    if passphrase is None:
        return VerifyReport(
            True, str(manifest_path), "备份文件完整（校验值相符）；未输入备份口令，未打开检查。"
        )
    key = _unwrap(data, passphrase)
    problem = _integrity_problem(db_path, key)
    if problem:
        return VerifyReport(False, str(manifest_path), problem)
    return VerifyReport(
        True,
        str(manifest_path),
        "备份完整，可以恢复。",
        opened=True,
        schema=data["schema"],
        trainees=data["trainees"],
    )


def _unwrap(data: dict, passphrase: str) -> bytes:
    try:
        return unwrap_key(data["key"], passphrase, purpose=KEY_PURPOSE)
    except WrongKeyError:
        raise WrongKeyError("备份口令不正确，无法打开该备份。") from None


def _integrity_problem(db_path: Path, key: bytes) -> str | None:
    """Open a copy read-only in spirit (a temporary copy) and run SQLCipher's and SQLite's checks."""
    from sqlalchemy import text

    scratch = db_path.with_name(db_path.name + ".check")
    shutil.copyfile(db_path, scratch)
    db = Database(scratch, key)
    try:
        with db.read() as session:
            cipher = session.execute(text("PRAGMA cipher_integrity_check")).all()
            quick = session.execute(text("PRAGMA quick_check")).scalar()
    except KnownError as exc:
        return f"备份无法打开：{exc.message}"
    finally:
        db.dispose()
        for suffix in ("", "-wal", "-shm"):
            scratch.with_name(scratch.name + suffix).unlink(missing_ok=True)
    if cipher:
        return f"备份的加密页校验失败（{len(cipher)} 处）。"
    if quick != "ok":
        return f"备份数据库结构检查失败：{quick}"
    return None


def stage_restore(manifest_path: Path, passphrase: str, live_db: Path) -> tuple[Path, bytes]:
    """Verify a backup and copy it next to the live database; returns (staged file, key)."""
    report = verify_backup(manifest_path, passphrase)
    if not report.ok:
        raise KnownError(f"不能恢复：{report.message}")
    data = read_manifest(manifest_path)
    staged = live_db.with_name(live_db.name + ".restoring")
    staged.unlink(missing_ok=True)
    shutil.copyfile(manifest_path.with_name(data["database"]), staged)
    staged.chmod(0o600)
    _fsync(staged)
    return staged, _unwrap(data, passphrase)


def set_aside(live_db: Path, keep_dir: Path, stamp: str) -> list[tuple[Path, Path]]:
    """Move the current database files (and key descriptor) aside; returns (from, to) pairs."""
    keep_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    moved = []
    for path in [live_db.with_name(live_db.name + s) for s in ("", "-wal", "-shm")]:
        if path.exists():
            target = keep_dir / f"{path.name}.{stamp}"
            os.replace(path, target)
            moved.append((path, target))
    return moved


def put_back(moved: list[tuple[Path, Path]]) -> None:
    for original, kept in moved:
        with contextlib.suppress(FileNotFoundError):
            os.replace(kept, original)
