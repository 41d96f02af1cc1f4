"""The subcommands. Each handler returns the process exit code."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import resolve_data_dir
from jiangxin_desktop.services.security.keystore import PassphraseProvider, env_passphrase_provider


def terminal_passphrase(new: bool) -> str:
    """Ask on the terminal; refuse when there is none (scripts set JIANGXIN_PASSPHRASE)."""
    if not sys.stdin.isatty():
        raise KnownError("本机没有系统密钥环，需要数据库口令：请设置环境变量 JIANGXIN_PASSPHRASE。")
    if not new:
        return getpass.getpass("数据库口令：")
    first = getpass.getpass("设置数据库口令（至少 8 个字符）：")
    if getpass.getpass("再次输入口令：") != first:
        raise KnownError("两次输入的口令不一致。")
    return first


def cli_passphrase() -> PassphraseProvider:
    return env_passphrase_provider(terminal_passphrase)


PASSWORD_ENV = "JIANGXIN_PASSWORD"


def user_password(prompt: str = "密码：", *, confirm: bool = False) -> str:
    """The account password: JIANGXIN_PASSWORD for scripts, else asked on the terminal."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError(f"需要登录密码：请在提示时输入，或设置环境变量 {PASSWORD_ENV}。")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再次输入：") != first:
        raise KnownError("两次输入的密码不一致。")
    return first


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check-id", parents=[common], help="检查公民身份号码（不需要数据库）")
    p.add_argument("ids", nargs="+", metavar="号码", help="一个或多个公民身份号码")
    p.set_defaults(handler=cmd_check_id)

    p = sub.add_parser("demo", parents=[common], help="用演示数据填充数据目录")
    p.add_argument("--trainees", type=int, default=2000, help="演示学员人数（默认 2000）")
    p.add_argument("--password", help="演示用户 admin、reviewer、clerk 的密码（默认为演示密码，运行后显示）")
    p.add_argument("--no-classes", action="store_true", help="不创建演示培训班")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("status", parents=[common], help="服务站、数据库和记录数")
    p.set_defaults(handler=cmd_status)

    audit = sub.add_parser("audit", help="操作日志").add_subparsers(dest="audit_command", required=True)
    p = audit.add_parser("verify", parents=[common], help="校验操作日志的哈希链，报告第一处断点")
    p.set_defaults(handler=cmd_audit_verify)
    p = audit.add_parser(
        "reanchor",
        parents=[common],
        help="查明日志问题后重新锚定（管理员；旧锚点文件保留，本操作记入日志）",
    )
    p.set_defaults(handler=cmd_audit_reanchor)
    from jiangxin_desktop.cli import audit_commands

    audit_commands.register(audit, common)

    from jiangxin_desktop.cli import (
        attendance_commands,
        backup_commands,
        certificate_commands,
        class_commands,
        db_commands,
        enrollment_commands,
        print_commands,
        roster_commands,
        settings_commands,
        station_commands,
        trainee_commands,
        user_commands,
    )

    station_commands.register(sub, common)
    trainee_commands.register(sub, common)
    class_commands.register(sub, common)
    enrollment_commands.register(sub, common)
    attendance_commands.register(sub, common)
    certificate_commands.register(sub, common)
    roster_commands.register(sub, common)
    print_commands.register(sub, common)
    backup_commands.register(sub, common)
    user_commands.register(sub, common)
    settings_commands.register(sub, common)
    db_commands.register(sub, common)


def cmd_check_id(args) -> int:
    from jiangxin_desktop.domain.idnumber import check_id

    all_valid = True
    for raw in args.ids:
        r = check_id(raw)
        all_valid &= r.valid
        obj = {
            "input": r.input,
            "valid": r.valid,
            "id_number": r.id_number,
            "birth_date": r.birth_date.isoformat() if r.birth_date else None,
            "sex": r.sex,
            "message": r.message,
        }
        text = f"{raw}\t有效\t{r.birth_date}\t{r.sex}" if r.valid else f"{raw}\t无效\t{r.message}"
        emit(obj, as_json=args.json, text=text)
    return 0 if all_valid else 1


def cmd_demo(args) -> int:
    if args.trainees < 0:
        raise KnownError("--trainees 不能为负数。")
    from jiangxin_desktop.context import DEMO_PASSWORD, ensure_demo_database

    password = args.password or DEMO_PASSWORD
    result = ensure_demo_database(
        resolve_data_dir(args.data_dir),
        cli_passphrase(),
        args.trainees,
        user_password=password,
        classes=not args.no_classes,
    )
    text = f"演示数据已写入 {result['database']}：{result['trainees']} 名学员，用时 {result['seconds']} 秒"
    if result["removed_unfinished"]:
        text = f"{result['removed_unfinished']}\n{text}"
    if result["users"]:
        text += f"\n已创建演示用户 {'、'.join(result['users'])}，密码均为 {password}"
    emit(result, as_json=args.json, text=text)
    return 0


def open_cli_context(args, *, login: bool = True, password: str | None = None):
    """Open the database and, for commands that touch personal data, log in as --user
    (with ``password`` when the command has asked for it already, else as user_password)."""
    from jiangxin_desktop.context import open_context

    ctx = open_context(resolve_data_dir(args.data_dir), cli_passphrase())
    if not login:
        return ctx
    try:
        if not ctx.users.has_users():
            raise KnownError("数据库还没有用户账户。请先运行 jiangxin-desktop user create-admin 创建管理员。")
        if not getattr(args, "user", None):
            raise KnownError("请用 --user 指定用户名（密码在提示时输入，或用环境变量 JIANGXIN_PASSWORD）。")
        ctx.login(args.user, password if password is not None else user_password())
    except BaseException:
        ctx.close()
        raise
    return ctx


def cmd_status(args) -> int:
    ctx = open_cli_context(args, login=False)  # counts only, no personal data
    try:
        totals = ctx.search.totals()
        obj = {
            "station": {"code": ctx.station.code, "name": ctx.station.name},
            "database": str(ctx.paths.database),
            "demo": ctx.demo,
            **totals,
        }
        emit(
            obj,
            as_json=args.json,
            text=(
                f"服务站：{ctx.station.name}（{ctx.station.code}）\n数据库：{ctx.paths.database}\n"
                f"在册学员 {totals['active']} 人，已注销 {totals['inactive']} 人，"
                f"待上传 {totals['outbox']} 条"
            ),
        )
    finally:
        ctx.close()
    return 0


def cmd_audit_reanchor(args) -> int:
    from jiangxin_desktop.context import anchor_path
    from jiangxin_desktop.services.audit.anchor import reanchor
    from jiangxin_desktop.services.security.users import require_role

    ctx = open_cli_context(args)
    try:
        assert ctx.user is not None
        require_role(ctx.user, "admin", action="重新锚定操作日志")
        result = reanchor(ctx.db, anchor_path(ctx.paths), ctx.user.username)
    finally:
        ctx.close()
    kept = f"旧锚点保留为 {result['old_anchor_kept_as']}。" if result["old_anchor_kept_as"] else ""
    emit(
        result,
        as_json=args.json,
        text=f"已重新锚定：操作日志现有 {result['anchored_events']} 条。{kept}原来的问题：{result['previous']['problem']}",
    )
    return 0


def cmd_audit_verify(args) -> int:
    from jiangxin_desktop.context import anchor_path
    from jiangxin_desktop.services.audit.trail import describe_report, verify_chain
    from jiangxin_desktop.services.security.users import require_role

    ctx = open_cli_context(args)
    try:
        assert ctx.user is not None
        require_role(ctx.user, "reviewer", "admin", action="校验操作日志")
        report = verify_chain(ctx.db, anchor_path(ctx.paths))
    finally:
        ctx.close()
    emit(report.to_json(), as_json=args.json, text=describe_report(report))
    return 0 if report.ok_overall else 1
