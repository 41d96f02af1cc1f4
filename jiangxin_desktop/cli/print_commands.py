"""``jiangxin-desktop print roster|signin|certificates``: class documents and certificates as PDF files."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    printing = sub.add_parser("print", help="打印文书（PDF）：花名册、签到表、证书").add_subparsers(
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
    p = printing.add_parser(
        "certificates", parents=[common], help="培训班的证书（A4 横向，一人一页，带核验二维码）"
    )
    p.add_argument("--class", dest="class_code", required=True, help="培训班编号")
    p.add_argument(
        "--number",
        dest="numbers",
        action="extend",
        nargs="+",
        metavar="NUMBER",
        help="只打印这些证书编号（可写多个；默认打印本班全部有效证书）",
    )
    p.add_argument("--out", required=True, help="PDF 文件")
    p.add_argument("--template", help="用另一个模板文件（默认 forms/certificate.toml）")
    p.set_defaults(handler=cmd_certificates)


def _template(args) -> Path | None:
    return Path(args.template) if args.template else None


def cmd_roster(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        result = ctx.class_documents().print_roster(args.class_code, Path(args.out), template=_template(args))
    finally:
        ctx.close()
    masked = "证件号码和电话已脱敏" if result["masked"] else "含完整号码，已记入操作日志"
    text = f"已打印花名册 {result['rows']} 人，共 {result['pages']} 页：{result['file']}（{masked}）"
    emit({k: result[k] for k in ("file", "pages", "rows")}, as_json=args.json, text=text)
    return 0


def cmd_signin(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        out, template = Path(args.out), _template(args)
        result = ctx.class_documents().print_signin(args.class_code, args.session, out, template=template)
    finally:
        ctx.close()
    text = (
        f"已打印第 {result['session']} 次课签到表 {result['rows']} 人，共 {result['pages']} 页："
        f"{result['file']}"
    )
    emit({k: result[k] for k in ("file", "pages", "rows")}, as_json=args.json, text=text)
    return 0


def cmd_certificates(args) -> int:
    ctx = open_cli_context(args)
    try:
        result = ctx.certificate_printing().print(
            args.class_code, Path(args.out), numbers=args.numbers, template=_template(args)
        )
    finally:
        ctx.close()
    reissued = f"（其中补发 {result['reissued']} 份）" if result["reissued"] else ""
    text = (
        f"已打印培训班 {result['class']} 的证书 {result['certificates']} 份{reissued}，"
        f"共 {result['pages']} 页：{result['file']}"
    )
    emit(result, as_json=args.json, text=text)
    return 0
