"""``jiangxin-desktop backup create|scheduled|status|verify|restore``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from jiangxin_desktop.cli.login import cli_passphrase, open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import resolve_data_dir

BACKUP_PASSPHRASE_ENV = "JIANGXIN_BACKUP_PASSPHRASE"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = sub.add_parser("backup", help="备份与恢复").add_subparsers(dest="backup_command", required=True)
    p = backup.add_parser("create", parents=[common], help="备份数据库（程序运行时也可以）")
    p.add_argument("--to", help="备份位置（文件夹或 U 盘），默认为数据目录下的 backups")
    p.set_defaults(handler=cmd_create)
    p = backup.add_parser(
        "scheduled",
        parents=[common],
        help="到时则做定时备份（供系统计划任务调用；用管理员设置的位置和备份口令，无须登录）",
    )
    p.add_argument("--force", action="store_true", help="不论是否到时，立即备份到设置的位置")
    p.set_defaults(handler=cmd_scheduled)
    p = backup.add_parser(
        "status", parents=[common], help="备份是否正常：没有设置、上次失败或超过提醒天数时退出码为 1（无须登录）"
    )
    p.set_defaults(handler=cmd_status)
    p = backup.add_parser("verify", parents=[common], help="检查一个备份（.json 说明文件）")
    p.add_argument("manifest", metavar="说明文件", help="备份的 .json 说明文件")
    p.add_argument("--open", action="store_true", help="输入备份口令，打开备份做完整检查")
    p.set_defaults(handler=cmd_verify)
    p = backup.add_parser("restore", parents=[common], help="从备份恢复（先检查；原数据库保留到恢复成功）")
    p.add_argument("manifest", metavar="说明文件", help="备份的 .json 说明文件")
    p.set_defaults(handler=cmd_restore)


def backup_passphrase(new: bool) -> str:
    value = os.environ.get(BACKUP_PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError(f"需要备份口令：请设置环境变量 {BACKUP_PASSPHRASE_ENV}。")
    first = getpass.getpass("备份口令（恢复时需要，请妥善保管）：" if new else "备份口令：")
    if new and getpass.getpass("再次输入备份口令：") != first:
        raise KnownError("两次输入的备份口令不一致。")
    return first


def cmd_create(args) -> int:
    from jiangxin_desktop.services.station.backup import create_backup
    from jiangxin_desktop.services.station.settings import BACKUP_KEY

    ctx = open_cli_context(args, reads_only=True)
    try:
        target = Path(args.to) if args.to else ctx.paths.root / "backups"
        # The administrator's backup passphrase, already applied, unless one is given now.
        stored = None if os.environ.get(BACKUP_PASSPHRASE_ENV) else ctx.settings.get(BACKUP_KEY)
        info = create_backup(
            ctx.db,
            target,
            station_code=ctx.station.code,
            actor=ctx.actor,
            wrapped_key=stored,
            passphrase=None if stored else backup_passphrase(True),
        )
    finally:
        ctx.close()
    data = {k: v for k, v in info.__dict__.items()}
    emit(
        data,
        as_json=args.json,
        text=f"已备份：{info.manifest}（{info.trainees} 名学员，{info.size // 1024} KB）",
    )
    return 0


def cmd_scheduled(args) -> int:
    from datetime import UTC, datetime

    from jiangxin_desktop.services.station.backup_schedule import SCHEDULER_ACTOR, is_due, run_backup
    from jiangxin_desktop.services.station.settings import BACKUP_LAST

    ctx = open_cli_context(args, login=False, reads_only=True)  # copies encrypted data to the administrator's folder
    try:
        now = datetime.now(UTC)
        schedule = ctx.settings.backup_schedule()
        if not schedule.ready:
            raise KnownError("尚未设置定时备份：请管理员先设置备份位置和备份口令（设置 → 备份）。")
        if not args.force and not is_due(schedule, ctx.settings.get(BACKUP_LAST), now):
            emit({"due": False}, as_json=args.json, text="今天的定时备份已经做过，不需要再备份。")
            return 0
        outcome = run_backup(
            ctx.db, ctx.settings, station_code=ctx.station.code, actor=SCHEDULER_ACTOR, now=now
        )
    finally:
        ctx.close()
    emit({"due": True, **outcome.to_json()}, as_json=args.json, text=outcome.message)
    return 0 if outcome.ok else 1


def cmd_status(args) -> int:
    """What the window's status bar says about backups (the same service)."""
    from datetime import UTC, datetime

    from jiangxin_desktop.services.station.backup_health import backup_health

    ctx = open_cli_context(args, login=False, reads_only=True)  # reads settings only
    try:
        health = backup_health(ctx.settings, datetime.now(UTC))
    finally:
        ctx.close()
    emit(health.to_json(), as_json=args.json, text=health.detail)
    return 0 if health.ok else 1


def cmd_verify(args) -> int:
    from jiangxin_desktop.services.station.backup import verify_backup

    report = verify_backup(Path(args.manifest), backup_passphrase(False) if args.open else None)
    emit(report.__dict__, as_json=args.json, text=("完好：" if report.ok else "有问题：") + report.message)
    return 0 if report.ok else 1


def cmd_restore(args) -> int:
    from jiangxin_desktop.database_files import restore_database
    from jiangxin_desktop.errors import DatabaseDamagedError
    from jiangxin_desktop.services.security.keystore import UnusableKeyError
    from jiangxin_desktop.services.security.users import require_role

    from jiangxin_desktop.cli.window_lock import window_holder

    paths = resolve_data_dir(args.data_dir)
    if (pid := window_holder(paths.root)) is not None:
        raise KnownError(f"程序窗口正在使用这个数据目录（进程 {pid}）。请先关闭窗口，再从备份恢复。")
    # Replacing a database needs its administrator; a new PC has none. When the database cannot
    # be opened (its key gone or replaced, its pages damaged) nobody can log in: the backup's
    # passphrase decides, and the restored database's audit log says it was done that way.
    basis: dict = {"login": None, "reason": "没有数据库（新电脑）"}
    if paths.database.exists():
        try:
            ctx = open_cli_context(args)
        except (UnusableKeyError, DatabaseDamagedError) as exc:
            ctx, basis["reason"] = None, exc.message
        if ctx is not None:
            try:
                assert ctx.user is not None
                require_role(ctx.user, "admin", action="从备份恢复数据库")
                basis = {"login": ctx.user.username}
            finally:
                ctx.close()
    result = restore_database(
        paths, Path(args.manifest), backup_passphrase(False), cli_passphrase(), basis=basis
    )
    emit(result, as_json=args.json, text=f"已从 {result['from']} 恢复（{result['trainees']} 名学员）。")
    return 0
