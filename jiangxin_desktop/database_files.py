"""The database on disk: open (unlock, migrate), create, discard, restore from a backup.

context.py builds the services on an opened database; these functions make or open it. The
signed anchor of the audit chain lives beside the database (``anchor_path``).
"""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from jiangxin_desktop.errors import DatabaseDamagedError, KnownError, WrongKeyError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.audit.anchor import ANCHOR_FILE, AnchorKeeper, write_anchor_file
from jiangxin_desktop.services.security.keystore import (
    RESTORE_ADVICE,
    KeyMismatchError,
    KeyStore,
    PassphraseProvider,
    UnusableKeyError,
)
from jiangxin_desktop.services.security.signing import StationSigner
from jiangxin_desktop.services.station import unfinished_setup as unfinished
from jiangxin_desktop.services.station.setup import StationInfo, initialize, load_station
from jiangxin_desktop.store import migrate
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit


def current_actor() -> str:
    """Who is acting. Until user accounts exist (issue 3) this is the OS login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_database(
    paths: DataPaths, passphrase: PassphraseProvider, *, create: bool = False, unlocked: bytes | None = None
) -> Database:
    """Unlock and open the database, migrating it to this program's schema.

    ``unlocked``: the key, unlocked already (the windows unlock it while they paint).
    """
    if not create and (leftover := unfinished.clear_unfinished(paths)):  # a killed setup or demo
        raise KnownError(leftover)
    keys = KeyStore(paths.key_descriptor, passphrase)
    if paths.database.exists():
        if not keys.exists():
            raise UnusableKeyError(
                f"找到数据库 {paths.database}，但缺少密钥说明文件 {paths.key_descriptor}，"
                "没有密钥无法打开加密数据库。" + RESTORE_ADVICE
            )
        key = unlocked if unlocked is not None else keys.load()
    elif create:
        paths.ensure()
        key = keys.create()
    else:
        raise KnownError(
            f"数据目录 {paths.root} 中还没有数据库。请先运行 jiangxin-desktop setup（或 demo）。"
        )
    db = Database(paths.database, key)
    try:
        try:
            db.check_open()
        except WrongKeyError as exc:  # the key was unlocked, so the passphrase was right
            raise KeyMismatchError(
                f"数据库密钥已解锁（口令无误），但密钥说明文件 {paths.key_descriptor.name} 中的密钥与数据库 "
                f"{paths.database} 不匹配（密钥说明文件被替换，或数据库是从别处复制来的），"
                "也可能数据库文件开头已损坏。" + RESTORE_ADVICE,
                detail=exc.detail,
            ) from None
        migrate.upgrade(db, paths.migration_backups)
    except BaseException:
        db.dispose()
        raise
    db.after_audit_commit = AnchorKeeper(db, anchor_path(paths))  # the chain's tail, signed, outside
    return db


_DAMAGE = ("malformed", "not a database", "corrupt")  # SQLITE_CORRUPT / SQLITE_NOTADB, in SQLite's words


def as_damage(exc: BaseException, database: Path) -> DatabaseDamagedError | None:
    """SQLite's "database disk image is malformed" (a page that cannot be read) in Chinese, or None."""
    if not isinstance(exc, SQLDatabaseError) or not any(w in str(exc.orig).lower() for w in _DAMAGE):
        return None
    return DatabaseDamagedError(
        f"数据库 {database} 已损坏，无法打开（{exc.orig}）。请不要删除数据库文件，也不要继续使用这台"
        "电脑上的数据。运行 jiangxin-desktop db check 查看损坏的位置和可用的备份，然后运行 "
        "jiangxin-desktop backup restore 备份文件.json，输入备份口令恢复（数据库无法打开时，恢复不需要登录）；"
        "当前数据库会保留在 pre-restore 文件夹。",
        detail=str(exc.orig),
    )


@contextlib.contextmanager
def damage_said(paths: DataPaths) -> Iterator[None]:
    """A database whose pages cannot be read while opening it: said in Chinese, never an internal error."""
    try:
        yield
    except SQLDatabaseError as exc:
        damage = as_damage(exc, paths.database)
        if damage is None:
            raise
        raise damage from None


def anchor_path(paths: DataPaths) -> Path:
    """The signed anchor of the audit chain (``services/audit/anchor.py``)."""
    return paths.root / ANCHOR_FILE


def discard_database(paths: DataPaths) -> None:
    """Remove a half-made database, its WAL files and its key (keyring entry included)."""
    for suffix in ("", "-wal", "-shm"):
        paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
    anchor_path(paths).unlink(missing_ok=True)  # its audit chain's anchor: a half-made chain
    KeyStore(paths.key_descriptor, _no_passphrase).discard()


def _no_passphrase(new: bool) -> str:
    raise AssertionError("discarding a key never needs the passphrase")


def create_database(
    paths: DataPaths, passphrase: PassphraseProvider, station: StationInfo, *, demo: bool = False
) -> Database:
    """A new encrypted database with its station and signing key; refuses to touch an existing one."""
    if paths.database.exists():
        raise KnownError(f"数据库 {paths.database} 已存在，不会覆盖。")
    old_umask = os.umask(0o077) if os.name == "posix" else None
    db = None
    kind = "demo" if demo else "setup"
    try:
        unfinished.begin(paths, kind)  # until the caller's finish(): a kill -9 leaves the mark
        db = open_database(paths, passphrase, create=True)
        actor = current_actor()
        initialize(db, station, actor=actor, demo=demo)
        StationSigner.create(db, actor)
        return db
    except BaseException as exc:
        if db is not None:
            db.dispose()
        discard_database(paths)
        unfinished.finish(paths)
        unfinished.raise_if_disk_full(exc, paths, kind)
        raise
    finally:
        if old_umask is not None:
            os.umask(old_umask)


def restore_database(
    paths: DataPaths,
    manifest: Path,
    backup_passphrase: str,
    passphrase: PassphraseProvider,
    *,
    basis: dict | None = None,
) -> dict:
    """Replace the database with a verified backup; the current one is kept until the restored one opens.

    The program must not have the database open. The current files go to ``pre-restore/``;
    if the restored database does not open, they are put back. ``basis``: who allowed it
    (``{"login": administrator}``, or ``{"login": None, "reason": why nobody could log in}``),
    written into the restored database's audit log.
    """
    from jiangxin_desktop.services.station.backup import put_back, read_manifest, set_aside, stage_restore

    paths.ensure()  # restoring onto a new PC: the data directory may not exist yet
    staged, key = stage_restore(manifest, backup_passphrase, paths.database)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    keep = paths.root / "pre-restore"
    moved = set_aside(paths.database, keep, stamp)
    anchor = anchor_path(paths)  # the replaced chain's anchor goes with it
    for kept in (paths.key_descriptor, anchor):
        if kept.exists():
            moved.append((kept, keep / f"{kept.name}.{stamp}"))
            os.replace(*moved[-1])
    try:
        os.replace(staged, paths.database)
        KeyStore(paths.key_descriptor, passphrase).create(key)  # this PC's keyring, or a passphrase
        carried = read_manifest(manifest).get("audit_anchor")
        if carried:  # the backup's own anchor: the restored chain is checked against it
            write_anchor_file(anchor, carried)
        db = open_database(paths, passphrase)
        station = load_station(db)
        with db.write() as session:
            audit(
                session,
                actor=current_actor(),
                action="backup.restore",
                object_type="backup",
                object_id=None,
                after={"manifest": str(manifest), "previous_kept": bool(moved), **(basis or {})},
            )
        db.dispose()
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
        paths.key_descriptor.unlink(missing_ok=True)
        anchor.unlink(missing_ok=True)
        put_back(moved)
        staged.unlink(missing_ok=True)
        raise
    data = read_manifest(manifest)
    return {
        "restored": str(paths.database),
        "from": str(manifest),
        "created_at": data["created_at"],
        "station": station.code if station else None,
        "trainees": data["trainees"],
        "previous_kept_in": str(keep) if moved else None,
    }
