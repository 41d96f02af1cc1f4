"""``jiangxin-desktop db check``: is the database file sound, and which backup to restore if not."""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.output import emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", help="数据库文件").add_subparsers(dest="db_command", required=True)
    p = db.add_parser(
        "check",
        parents=[common],
        help="检查数据库文件是否损坏（加密页校验和结构检查），损坏时说明应恢复哪一个备份（不需要登录）",
    )
    p.add_argument(
        "--backups", action="append", default=[], metavar="文件夹", help="另外查找备份的文件夹（可重复）"
    )
    p.set_defaults(handler=cmd_check)


def cmd_check(args) -> int:
    """No login: a damaged database may not get as far as one, and the report holds no personal data."""
    from pathlib import Path

    from jiangxin_desktop.cli.login import cli_passphrase
    from jiangxin_desktop.errors import KnownError
    from jiangxin_desktop.paths import resolve_data_dir
    from jiangxin_desktop.services.station.db_check import check_database
    from jiangxin_desktop.services.security.keystore import KeyStore

    paths = resolve_data_dir(args.data_dir)
    if not paths.database.exists():
        raise KnownError(f"数据目录 {paths.root} 中没有数据库。请用 --data-dir 指定数据目录。")
    key = KeyStore(paths.key_descriptor, cli_passphrase()).load()
    folders = [paths.root / "backups", *(Path(f) for f in args.backups)]
    report = check_database(paths.database, key, folders)
    emit(report.to_json(), as_json=args.json, text=report.message)
    return 0 if report.ok else 1
