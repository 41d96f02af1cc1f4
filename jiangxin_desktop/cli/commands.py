"""The subcommands. Each handler returns the process exit code."""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.login import cli_passphrase, open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import resolve_data_dir


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
    from jiangxin_desktop.cli import audit_commands

    audit_commands.register(audit, common)

    from jiangxin_desktop.cli import (
        attendance_commands,
        backup_commands,
        certificate_commands,
        city_commands,
        class_commands,
        db_commands,
        enrollment_commands,
        followup_commands,
        print_commands,
        roster_commands,
        settings_commands,
        station_commands,
        subsidy_commands,
        sync_commands,
        trainee_commands,
        user_commands,
    )

    station_commands.register(sub, common)
    trainee_commands.register(sub, common)
    class_commands.register(sub, common)
    enrollment_commands.register(sub, common)
    attendance_commands.register(sub, common)
    certificate_commands.register(sub, common)
    subsidy_commands.register(sub, common)
    followup_commands.register(sub, common)
    roster_commands.register(sub, common)
    print_commands.register(sub, common)
    backup_commands.register(sub, common)
    user_commands.register(sub, common)
    settings_commands.register(sub, common)
    db_commands.register(sub, common)
    city_commands.register(sub, common)
    sync_commands.register(sub, common)


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
    from jiangxin_desktop.demo_setup import DEMO_PASSWORD, ensure_demo_database

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


def cmd_status(args) -> int:
    ctx = open_cli_context(args, login=False, reads_only=True)  # counts only, no personal data
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
                f"待送达市里 {totals['outbox']} 条记录"
            ),
        )
    finally:
        ctx.close()
    return 0
