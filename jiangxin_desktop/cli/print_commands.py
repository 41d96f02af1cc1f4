"""``jiangxin-desktop print roster|signin|certificates|subsidy-forms|claim-summary|notice``: class
documents, certificates and the subsidy documents as PDF files."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    printing = sub.add_parser("print", help="打印文书（PDF）：花名册、签到表、证书、补贴申请表、汇总表、公示名单").add_subparsers(
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
    _register_subsidy(printing, common)


SUBSIDY_DOCUMENTS = {
    "subsidy-forms": ("职业培训补贴申请表（A4 纵向，一份申请一页，含完整身份证号和收款账户）", "subsidy-application"),
    "claim-summary": ("培训班补贴申请汇总表（A4 横向，身份证号脱敏，含合计和大写金额）", "claim-summary"),
    "notice": ("补贴公示名单（A4 纵向，姓名、脱敏身份证号、金额和公示期）", "subsidy-notice"),
}


def _register_subsidy(printing, common: argparse.ArgumentParser) -> None:
    for name, (help_text, template) in SUBSIDY_DOCUMENTS.items():
        p = printing.add_parser(name, parents=[common], help=help_text)
        p.add_argument("--class", dest="class_code", required=True, help="培训班编号")
        p.add_argument("--out", required=True, help="PDF 文件")
        if name == "subsidy-forms":
            p.add_argument(
                "--claim",
                dest="numbers",
                action="extend",
                nargs="+",
                metavar="NUMBER",
                help="只打印这些申请编号（可写多个；默认打印本班全部有效申请，已退回的除外）",
            )
        if name == "notice":
            p.add_argument("--from", dest="start", help="公示开始日期，如 2026-12-07（默认今天）")
        p.add_argument("--template", help=f"用另一个模板文件（默认 forms/{template}.toml）")
        p.set_defaults(handler=cmd_subsidy, document=name)


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


def cmd_subsidy(args) -> int:
    start = None
    if getattr(args, "start", None):
        from jiangxin_desktop.cli.class_input import parse_day  # loads the data layer: not at start-up

        start = parse_day(args.start)
        if start is None:
            raise KnownError(f"公示开始日期“{args.start}”无法识别，请写成 2026-12-07。")
    ctx = open_cli_context(args, reads_only=True)
    try:
        docs, out, template = ctx.subsidy_documents(), Path(args.out), _template(args)
        if args.document == "subsidy-forms":
            result = docs.subsidy_forms(args.class_code, out, args.numbers, template=template)
            drafts = f"（其中草稿 {result['drafts']} 份，已印“草稿”）" if result["drafts"] else ""
            text = f"已打印补贴申请表 {result['claims']} 份{drafts}，共 {result['pages']} 页：{result['out']}"
        elif args.document == "claim-summary":
            result = docs.claim_summary(args.class_code, out, template=template)
            text = (
                f"已打印补贴申请汇总表：申请 {result['claims']} 份（合计计入已审核及以后的 {result['counted']} 份），"
                f"共 {result['pages']} 页：{result['out']}"
            )
        else:
            result = docs.notice(args.class_code, out, start=start, template=template)
            text = (
                f"已打印公示名单 {result['claims']} 人，公示期 {result['start']} 至 {result['end']}，"
                f"共 {result['pages']} 页：{result['out']}"
            )
    finally:
        ctx.close()
    emit({k: result[k] for k in ("out", "pages", "claims")}, as_json=args.json, text=text)
    return 0
