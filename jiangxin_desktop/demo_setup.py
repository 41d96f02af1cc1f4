"""A demo station: a demo database with the demo users, trainees and classes, for a
demonstration or a benchmark (``jiangxin-desktop demo``, the first run's 演示 choice, tests).

Everything is built through a context (``context.build_context``) and the same services a
clerk uses; nothing of it travels to the city. A real database is never touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from jiangxin_desktop.context import AppContext, build_context
from jiangxin_desktop.database_files import create_database, discard_database, open_database
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.audit.anchor import anchored_once
from jiangxin_desktop.services.security.keystore import PassphraseProvider
from jiangxin_desktop.services.station import unfinished_setup as unfinished
from jiangxin_desktop.services.station.setup import StationInfo, is_demo

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
                from jiangxin_desktop.services.demo.classes import DemoClasses

                acting = {role: ctx.users.authenticate(role, user_password) for role in ("clerk", "reviewer")}
                pieces = (ctx.db, ctx.acting, ctx.registry, ctx.classes, ctx.enrollments, ctx.attendance)
                demo_classes = DemoClasses(*pieces).seed(acting, today=today)
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


