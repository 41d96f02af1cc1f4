"""Composition root shared by the command line and the windows.

config (data directory) → key (keyring or passphrase) → database (open, migrate) →
services. Nothing is opened at import time; tests build contexts on temporary folders.
"""

from __future__ import annotations

import getpass
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.errors import KnownError, WrongKeyError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.station import unfinished_setup as unfinished
from jiangxin_desktop.services.security.acting import Acting
from jiangxin_desktop.services.audit.anchor import ANCHOR_FILE, AnchorKeeper, anchored_once, write_anchor_file
from jiangxin_desktop.services.training.attendance import AttendanceService
from jiangxin_desktop.services.catalog.codes import load_codes
from jiangxin_desktop.services.certificates.issuing import CertificateService
from jiangxin_desktop.services.training.classes import ClassService
from jiangxin_desktop.services.training.enrollment import EnrollmentService
from jiangxin_desktop.services.registry.trainees import TraineeRegistry
from jiangxin_desktop.services.security.keystore import (
    RESTORE_ADVICE,
    KeyMismatchError,
    KeyStore,
    PassphraseProvider,
    UnusableKeyError,
)
from jiangxin_desktop.services.security.signing import StationSigner, ensure_signing_key
from jiangxin_desktop.services.security.users import UserInfo, UserService, load_security_policy
from jiangxin_desktop.services.station.settings import SettingsService
from jiangxin_desktop.services.station.setup import (
    ConsentNotice,
    StationInfo,
    initialize,
    is_demo,
    load_station,
)
from jiangxin_desktop.services.registry.search import TraineeSearch
from jiangxin_desktop.services.catalog.training import CatalogService
from jiangxin_desktop.store import migrate
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit

if TYPE_CHECKING:
    from jiangxin_desktop.services.exchange.roster_import import RosterImporter


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


def anchor_path(paths: DataPaths) -> Path:
    """The signed anchor of the audit chain (``services/audit/anchor.py``)."""
    return paths.root / ANCHOR_FILE


@dataclass
class AppContext:
    paths: DataPaths
    db: Database
    station: StationInfo
    codes: CodeCatalog
    consent: ConsentNotice
    registry: TraineeRegistry
    search: TraineeSearch
    demo: bool
    actor: str
    users: UserService
    settings: SettingsService
    acting: Acting
    catalogs: CatalogService
    classes: ClassService
    enrollments: EnrollmentService
    attendance: AttendanceService
    certificates: CertificateService
    user: UserInfo | None = None

    def login(self, username: str, password: str) -> UserInfo:
        """Authenticate (lock-out, audit) and act as that user from now on."""
        user = self.users.authenticate(username, password)
        self.act_as(user)
        return user

    def act_as(self, user: UserInfo) -> None:
        """Services act for ``user``: their audit events name the user, their checks use the role."""
        self.user = user
        self.actor = user.username
        self.registry.actor = user.username
        self.registry.user = user
        self.acting.user = user

    def set_consent(self, title: str, text: str) -> ConsentNotice:
        """Change the consent notice (administrator); registrations from now on use it."""
        self.consent = self.settings.set_consent(self.user, title, text)
        self.registry.consent_version = self.consent.version
        return self.consent

    def roster_importer(self) -> RosterImporter:
        """A roster import under the consent notice and the import limits as they stand now."""
        from jiangxin_desktop.services.exchange.roster_import import RosterImporter
        from jiangxin_desktop.services.exchange.roster_limits import ImportLimits

        limits, consent = ImportLimits.from_settings(self.settings), self.consent.version
        pieces = (self.db, self.acting, self.classes, self.catalogs, self.codes)
        return RosterImporter(*pieces, consent_version=consent, limits=limits)

    def close(self) -> None:
        self.db.dispose()


def build_context(paths: DataPaths, db: Database, *, actor: str | None = None) -> AppContext:
    station = load_station(db)
    if station is None:
        raise KnownError("数据库尚未初始化服务站。请运行 jiangxin-desktop setup 或 demo。")
    ensure_signing_key(db)  # a database from before signing keys gets its key now (audited)
    actor = actor or current_actor()
    codes = load_codes(db)
    settings = SettingsService(db)
    consent = settings.consent_notice()
    demo = is_demo(db)
    registry = TraineeRegistry(
        db,
        station_code=station.code,
        actor=actor,
        codes=codes,
        consent_version=consent.version,
        travels=not demo,  # demo rows never travel to the city
    )
    users = UserService(db, policy=load_security_policy())
    acting = Acting(station.code, travels=not demo)
    catalogs = CatalogService(db, codes)
    catalogs.active()  # a database without a training catalog gets the shipped one (audited, once)
    classes = ClassService(db, acting, catalogs)
    return AppContext(
        paths,
        db,
        station,
        codes,
        consent,
        registry,
        TraineeSearch(db),
        demo,
        actor,
        users,
        settings,
        acting,
        catalogs,
        classes,
        EnrollmentService(db, acting, catalogs),
        AttendanceService(db, acting, catalogs, classes),
        CertificateService(db, acting, codes, station.name, catalogs),
    )


def open_context(
    paths: DataPaths, passphrase: PassphraseProvider, *, actor: str | None = None, unlocked: bytes | None = None
) -> AppContext:
    db = open_database(paths, passphrase, unlocked=unlocked)
    try:
        ctx = build_context(paths, db, actor=actor)
    except BaseException:
        db.dispose()
        raise
    folder = ctx.settings.backup_schedule().folder  # an interrupted backup's .partial files too
    leftovers = [paths.root, paths.root / "backups", *([Path(folder)] if folder else [])]
    unfinished.sweep_leftovers(leftovers)
    return ctx


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


DEMO_STATION = StationInfo("320706001", "海州区新南街道人社服务站（演示）", "320706")


DEMO_PASSWORD = "Demo-pass-2025"  # demo databases only; the demo command and first run say so
DEMO_USERS = (
    ("admin", "演示管理员", "admin"),
    ("reviewer", "演示审核人", "reviewer"),
    ("clerk", "演示经办人", "clerk"),
)


def create_demo_users(ctx: AppContext, password: str) -> list[str]:
    """admin, reviewer and clerk, all with ``password`` (demo databases only)."""
    admin = ctx.users.create_first_admin("admin", "演示管理员", password)
    for username, display, role in DEMO_USERS[1:]:
        ctx.users.create_user(admin, username, display, role, password, temporary=False)
    return [u for u, _, _ in DEMO_USERS]


def ensure_demo_database(
    paths: DataPaths,
    passphrase: PassphraseProvider,
    trainees: int,
    progress: Callable[[int, int], None] | None = None,
    *,
    user_password: str | None = None,
    classes: bool = True,
    today: date | None = None,
) -> dict:
    """Create a demo database where none exists and add demo trainees; refuse a real one.

    With a user password (new demo users) and ``classes``, demo classes are built too, dated
    around ``today`` (default: the wall clock's date; tests give a fixed day).
    """
    from jiangxin_desktop.services.demo.seed import seed_trainees

    started = time.perf_counter()
    leftover = unfinished.clear_unfinished(paths)  # a demo or setup killed half-way: removed, said
    created = not paths.database.exists()
    if not created:
        db = open_database(paths, passphrase)
        if not is_demo(db):
            db.dispose()
            raise KnownError(
                f"{paths.database} 是正式数据库，不能写入演示数据。请用 --data-dir 指定其他目录。"
            )
    else:
        db = create_database(paths, passphrase, DEMO_STATION, demo=True)
    try:
        ctx = build_context(paths, db)
        with anchored_once(db):  # hundreds of commits: the audit chain is anchored once, after
            users = []
            if user_password and not ctx.users.has_users():
                users = create_demo_users(ctx, user_password)
            written = seed_trainees(
                db,
                ctx.codes,
                count=trainees,
                station_code=ctx.station.code,
                consent_version=ctx.consent.version,
                actor=ctx.actor,
                progress=progress,
            )
            demo_classes: list[str] = []
            if users and classes and user_password:
                from jiangxin_desktop.services.demo.classes import seed_demo_classes

                acting = {role: ctx.users.authenticate(role, user_password) for role in ("clerk", "reviewer")}
                demo_classes = seed_demo_classes(ctx, acting, today=today)
    except BaseException as exc:
        db.dispose()
        if created:  # nothing half-made stays: the next demo starts afresh
            discard_database(paths)
            unfinished.finish(paths)
            unfinished.raise_if_disk_full(exc, paths, "demo")  # else: one transaction, undone
        raise
    db.dispose()
    if created:
        unfinished.finish(paths)
    seconds = time.perf_counter() - started
    return {
        "database": str(paths.database),
        "trainees": written,
        "seconds": round(seconds, 2),
        "rate_per_second": round(written / seconds) if seconds else None,
        "users": users,
        "classes": demo_classes,
        "removed_unfinished": leftover,
    }


def restore_database(
    paths: DataPaths, manifest: Path, backup_passphrase: str, passphrase: PassphraseProvider
) -> dict:
    """Replace the database with a verified backup; the current one is kept until the restored one opens.

    The program must not have the database open. The current files go to ``pre-restore/``;
    if the restored database does not open, they are put back.
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
                after={"manifest": str(manifest), "previous_kept": bool(moved)},
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
