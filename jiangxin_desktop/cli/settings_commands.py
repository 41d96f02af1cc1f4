"""``jiangxin-desktop settings …`` and ``retention …``: the administrator's settings."""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError, describe_error

OLD_BACKUP_PASSPHRASE_ENV = "JIANGXIN_OLD_BACKUP_PASSPHRASE"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    settings = sub.add_parser("settings", help="管理员设置").add_subparsers(
        dest="settings_command", required=True
    )
    p = settings.add_parser("show", parents=[common], help="显示全部设置")
    p.set_defaults(handler=cmd_show)
    p = settings.add_parser("set", parents=[common], help="修改一项设置（管理员）")
    p.add_argument("key", help="如 retention.inactive_years、backup.folder、backup.daily_at、backup.keep")
    p.add_argument("value", help="新值（数字、文字，或 JSON）")
    p.set_defaults(handler=cmd_set)
    p = settings.add_parser("consent", parents=[common], help="修改个人信息处理告知（管理员）")
    p.add_argument("--title", required=True, help="告知的标题")
    p.add_argument("--text-file", required=True, help="告知全文（UTF-8 文本文件）")
    p.set_defaults(handler=cmd_consent)
    p = settings.add_parser(
        "backup-passphrase",
        parents=[common],
        help="设置定时备份用的备份口令（管理员；新口令用 JIANGXIN_BACKUP_PASSPHRASE，"
        f"更换时原口令用 {OLD_BACKUP_PASSPHRASE_ENV}）",
    )
    p.set_defaults(handler=cmd_backup_passphrase)

    retention = sub.add_parser("retention", help="保存期限规则").add_subparsers(
        dest="retention_command", required=True
    )
    p = retention.add_parser("preview", parents=[common], help="预览将被匿名化的学员人数")
    p.set_defaults(handler=cmd_retention, apply=False)
    p = retention.add_parser("run", parents=[common], help="匿名化超过保存年限的学员（管理员）")
    p.set_defaults(handler=cmd_retention, apply=True)


def cmd_show(args) -> int:
    ctx = open_cli_context(args, login=False, reads_only=True)  # settings hold no personal data
    try:
        values = ctx.settings.overview()
    finally:
        ctx.close()
    lines = [f"{key}\t{json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    emit(values, as_json=args.json, text="\n".join(lines))
    return 0


def _parse_value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # plain text, e.g. a folder path or 12:30


def cmd_set(args) -> int:
    ctx = open_cli_context(args)
    try:
        value = ctx.settings.set(ctx.user, args.key, _parse_value(args.value))
    finally:
        ctx.close()
    emit({"key": args.key, "value": value}, as_json=args.json, text=f"已修改 {args.key}。")
    return 0


def cmd_consent(args) -> int:
    try:
        text = Path(args.text_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnownError(f"无法读取告知文件 {args.text_file}：{describe_error(exc)}。请保存为 UTF-8 文本后重试。") from exc
    ctx = open_cli_context(args)
    try:
        notice = ctx.set_consent(args.title, text)
    finally:
        ctx.close()
    emit(notice.__dict__, as_json=args.json, text=f"告知已更新，版本 {notice.version}。")
    return 0


def cmd_backup_passphrase(args) -> int:
    from jiangxin_desktop.cli.backup_commands import backup_passphrase
    from jiangxin_desktop.services.station.backup_schedule import set_backup_passphrase

    ctx = open_cli_context(args)
    try:
        set_backup_passphrase(
            ctx.settings,
            ctx.user,
            backup_passphrase(True),
            current=os.environ.get(OLD_BACKUP_PASSPHRASE_ENV),
        )
    finally:
        ctx.close()
    emit({"backup_key": True}, as_json=args.json, text="备份口令已设置；定时备份将用它保护备份。")
    return 0


def cmd_retention(args) -> int:
    from jiangxin_desktop.services.station.retention import anonymise_due, plan

    ctx = open_cli_context(args)
    try:
        years = ctx.settings.retention_years()
        now = datetime.now(UTC)
        if args.apply:
            result = anonymise_due(ctx.db, ctx.user, years, now)
        else:
            from jiangxin_desktop.services.security.roles import require_role

            require_role(ctx.user, "admin", action="预览保存期限规则")
            result = plan(ctx.db, years, now)
    finally:
        ctx.close()
    data = {**result.to_json(), "applied": args.apply}
    verb = "已匿名化" if args.apply else "将匿名化"
    emit(
        data,
        as_json=args.json,
        text=f"最后活动早于 {result.cutoff[:10]}（{years} 年）：{verb} {len(result.due)} 名学员；"
        f"{len(result.held_back)} 名尚未上传到市级，暂缓。",
    )
    return 0
