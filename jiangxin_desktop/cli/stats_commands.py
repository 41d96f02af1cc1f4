"""``jiangxin-desktop stats summary|people|report``: the 统计 page's figures, the people behind
them and the monthly report (``stats export``, the per-class statistics, is roster_commands')."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from jiangxin_desktop.cli.class_input import parse_day
from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit, fail
from jiangxin_desktop.services.stats import FIGURES

PERIOD_HELP = "统计期间按培训班结业日期（证书按发证日期，补贴按审核、核准、发放日期）计，含首尾两天"


def register(stats: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = stats.add_parser("summary", parents=[common], help="计划进度：人次、证书、就业创业率、补贴与全市目标")
    _period(p)
    p.set_defaults(handler=cmd_summary)
    p = stats.add_parser("people", parents=[common], help="某项统计数字背后的学员名单（身份证号脱敏）")
    p.add_argument("--figure", required=True, choices=list(FIGURES), help="哪项统计：" + "、".join(
        f"{k}（{v}）" for k, v in FIGURES.items()))
    p.add_argument("--key", help="细分：人员类别（如 高校毕业生）、培训项目领域（如 康养服务）、证书类型、"
                                 "employed/not_employed、claimed/approved/paid 或计划目标（如 digital）")
    p.add_argument("--limit", type=int, help="最多列出多少人")
    _period(p)
    p.set_defaults(handler=cmd_people)
    p = stats.add_parser("report", parents=[common], help="导出月报：Excel（.xlsx，月报表）或 PDF（按打印模板）")
    p.add_argument("--out", required=True, help="保存为 .xlsx 或 .pdf")
    p.add_argument("--template", help="PDF 用的打印模板（默认 forms/stats-report.toml）")
    _period(p)
    p.set_defaults(handler=cmd_report)


def _period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="开始日期，如 2026-01-01；" + PERIOD_HELP)
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="结束日期，如 2026-12-31")


def _days(args) -> tuple[date, date] | str:
    start, end = parse_day(args.start), parse_day(args.end)
    if start is None or end is None:
        bad = args.start if start is None else args.end
        return f"日期“{bad}”无法识别，请写成 2026-01-01。"
    return start, end


def cmd_summary(args) -> int:
    period = _days(args)
    if isinstance(period, str):
        return fail(period, as_json=args.json)
    ctx = open_cli_context(args, reads_only=True)
    try:
        summary = ctx.stats.summary(*period)
    finally:
        ctx.close()
    emit(summary.to_json(), as_json=args.json, text=_words(summary))
    return 0


def _words(summary) -> str:
    lines = [f"{summary.station}　{summary.start} 至 {summary.end}",
             f"补贴性培训 {summary.person_times} 人次"]
    lines += [f"  {c.label} {c.count}" for c in (*summary.by_group, *summary.by_area)]
    lines.append(f"证书 {summary.certificates} 本：" + "、".join(f"{c.label} {c.count}" for c in summary.certificates_by_kind))
    rate = "—" if summary.employment_rate is None else f"{summary.employment_rate:.1%}"
    lines.append(f"培训后就业创业率 {rate}（已回访 {summary.followed_up}，就业创业 {summary.employed}；"
                 f"目标 {summary.employment_target:.0%}）")
    for word, money in (("已申请", summary.claimed), ("已核准", summary.approved), ("已发放", summary.paid)):
        lines.append(f"补贴{word} {money.count} 笔，{money.amount_fen / 100:,.2f} 元")
    lines.append("目标\t全市目标\t本站完成\t完成率")
    for t in summary.targets:
        share = "—" if t.share is None else f"{t.share:.2%}"
        lines.append(f"{t.label}\t{t.target if t.target is not None else '—'}\t"
                     f"{t.value if t.value is not None else '—'}\t{share}")
    lines.append(f"口径：{summary.definition}")
    return "\n".join(lines)


def cmd_people(args) -> int:
    period = _days(args)
    if isinstance(period, str):
        return fail(period, as_json=args.json)
    ctx = open_cli_context(args, reads_only=True)
    try:
        rows = ctx.stats.people(args.figure, args.key, *period, limit=args.limit)
    finally:
        ctx.close()
    text = "\n".join(f"{r.name}\t{r.id_masked}\t{r.class_code}\t{r.class_name}\t{r.detail}" for r in rows)
    emit({"figure": args.figure, "key": args.key, "count": len(rows), "people": [r.to_json() for r in rows]},
         as_json=args.json, text=text + ("\n" if rows else "") + f"共 {len(rows)} 人")
    return 0


def cmd_report(args) -> int:
    period = _days(args)
    if isinstance(period, str):
        return fail(period, as_json=args.json)
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        return fail(f"{out.name}：月报只能保存为 .xlsx 或 .pdf。", as_json=args.json)
    ctx = open_cli_context(args, reads_only=True)
    try:
        if out.suffix.lower() == ".pdf":
            template = Path(args.template) if args.template else None
            written = ctx.stats.export_pdf(*period, out, template=template)
        else:
            written = ctx.stats.export_excel(*period, out)
    finally:
        ctx.close()
    emit({"file": str(written), "from": period[0].isoformat(), "to": period[1].isoformat()}, as_json=args.json,
         text=f"月报（{period[0]} 至 {period[1]}）已保存到 {written}")
    return 0
