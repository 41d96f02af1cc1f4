"""``jiangxin-desktop print roster|signin``: class documents as PDF files."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli.commands import open_cli_context
from jiangxin_desktop.cli.output import emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    printing = sub.add_parser("print", help="打印文书（PDF）：花名册、签到表").add_subparsers(
        dest="print_command", required=True
    )
    p = printing.add_parser("roster", parents=[common], help="培训班花名册（A4 横向，按角色脱敏）")
    p.add_argument("--class", dest="class_code", required=True, help="培训班编号")
    p.add_argument("--out", required=True, help="PDF 文件")
    p.add_argument("--template", help="用另一个模板文件（默认 forms/roster.toml）")
    p.set_defaults(handler=cmd_roster)
    p = printing.add_parser("signin", parents=[common], help="某次课的签到表（A4 纵向，身份证号脱敏）")
    p.add_argument("--class", dest="class_code", required=True, help="培训班编号")
    p.add_argument("--session", type=int, required=True, help="第几次课（从 1 起）")
    p.add_argument("--out", required=True, help="PDF 文件")
    p.add_argument("--template", help="用另一个模板文件（默认 forms/signin.toml）")
    p.set_defaults(handler=cmd_signin)


def _template(args) -> Path | None:
    return Path(args.template) if args.template else None


def cmd_roster(args) -> int:
    from jiangxin_desktop.services.printing.class_documents import print_roster

    ctx = open_cli_context(args)
    try:
        result = print_roster(ctx, args.class_code, Path(args.out), template=_template(args))
    finally:
        ctx.close()
    masked = "证件号码和电话已脱敏" if result["masked"] else "含完整号码，已记入操作日志"
    text = f"已打印花名册 {result['rows']} 人，共 {result['pages']} 页：{result['file']}（{masked}）"
    emit({k: result[k] for k in ("file", "pages", "rows")}, as_json=args.json, text=text)
    return 0


def cmd_signin(args) -> int:
    from jiangxin_desktop.services.printing.class_documents import print_signin

    ctx = open_cli_context(args)
    try:
        result = print_signin(ctx, args.class_code, args.session, Path(args.out), template=_template(args))
    finally:
        ctx.close()
    text = (
        f"已打印第 {result['session']} 次课签到表 {result['rows']} 人，共 {result['pages']} 页："
        f"{result['file']}"
    )
    emit({k: result[k] for k in ("file", "pages", "rows")}, as_json=args.json, text=text)
    return 0
