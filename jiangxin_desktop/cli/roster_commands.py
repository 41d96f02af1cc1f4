"""``jiangxin-desktop roster import|export|template`` and ``stats export`` (the other ``stats``
commands: stats_commands.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli import stats_commands
from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit

EXIT_NOTHING_IMPORTED = 1  # no row of the file can be imported (as check-id and enroll say "refused")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    roster = sub.add_parser("roster", help="花名册：导入与导出").add_subparsers(
        dest="roster_command", required=True
    )
    p = roster.add_parser(
        "import",
        parents=[common],
        help="从 Excel/WPS/LibreOffice 表格（.xlsx .xls .ods）导入学员到培训班；先用 --dry-run 预览",
    )
    p.add_argument("file", metavar="文件", help="名册表格文件")
    p.add_argument("--class", dest="class_code", required=True, help="培训班编号")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--report", help="问题清单另存为 .xlsx（原始行加“问题原因”列；另有“提示”表）")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="字段:表中的值=代码或名称",
        help=(
            "表中代码表没有的值对应到哪一项，如 人员类别:高校毕业生=22；"
            "=不导入 表示不导入这些行（可重复，导入后本站记住）"
        ),
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="表头=字段名",
        help="表头对应哪个字段，如 人员类型=人员类别；=忽略 表示不读此列（可重复，导入后本站记住）",
    )
    p.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="字段=代码或名称",
        help="名册没有该列时全班使用的值，如 人员类别=31（可重复，只用于本次导入）",
    )
    p.set_defaults(handler=cmd_import)
    p = roster.add_parser(
        "mappings", parents=[common], help="本站记住的名册对应关系（值、表头）；--clear 清除"
    )
    p.add_argument("--clear", action="store_true", help="清除记住的对应关系（记入操作日志）")
    p.add_argument("--field", help="只清除这个字段的值对应（如 人员类别），或写“列”只清除表头对应")
    p.set_defaults(handler=cmd_mappings)
    p = roster.add_parser("export", parents=[common], help="导出培训班花名册（.xlsx，按角色脱敏）")
    p.add_argument("--class", dest="class_code", required=True, help="培训班编号")
    p.add_argument("--out", required=True, help="保存为（.xlsx）")
    p.set_defaults(handler=cmd_export)
    p = roster.add_parser("template", parents=[common], help="复制导入模板（带下拉列表）")
    p.add_argument("--out", required=True, help="保存为（.xlsx）")
    p.set_defaults(handler=cmd_template)
    stats = sub.add_parser("stats", help="统计").add_subparsers(dest="stats_command", required=True)
    p = stats.add_parser("export", parents=[common], help="导出培训班统计（.xlsx）")
    p.add_argument("--out", required=True, help="保存为（.xlsx）")
    p.set_defaults(handler=cmd_stats)
    stats_commands.register(stats, common)  # stats summary | people | report


def cmd_import(args) -> int:
    ctx = open_cli_context(args)
    try:
        result = ctx.roster_importer().run(
            args.class_code,
            Path(args.file),
            dry_run=args.dry_run,
            report=Path(args.report) if args.report else None,
            answers=_answers(ctx, args),
        )
    finally:
        ctx.close()
    verb = "可导入" if result.dry_run else "已导入"
    lines = [
        f"{result.file}：数据 {result.data_rows} 行；{verb} {result.imported} 人"
        f"（新登记 {result.registered} 人），重复 {len(result.duplicates)} 行，"
        f"有问题 {len(result.errors)} 处。"
    ]
    lines += [f"第{d['row']}行：{d['id_number']} 已在本班或在表中重复，未重复添加" for d in result.duplicates]
    lines += [f"第{e['row']}行“{e['column']}”：{e['message']}" for e in result.errors]
    lines += [f"第{w['row']}行（提示）：{w['message']}" for w in result.warnings]
    lines += [f"第{s['row']}行“{s['column']}”：{s['message']}" for s in result.skipped]
    if result.needs_answers:
        from jiangxin_desktop.services.exchange.roster_questions import question_lines

        lines.append(
            f"有 {len(question_lines(result))} 个问题需要先回答（{result.waiting} 行在等待）"
            + ("，名册未导入：" if not result.dry_run else "：")
        )
        lines += [f"· {line}" for line in question_lines(result)]
    if result.remembered:
        lines.append("本次指定的对应关系已记住，下次导入自动使用（roster mappings 查看或清除）。")
    if result.report:
        lines.append(f"问题清单：{result.report}")
    if result.imported == 0 and not _all_in_class(result):
        lines.append("没有可以导入的行，名册未导入。请按上面的提示修改表格后再导入。")
    emit(result.to_json(), as_json=args.json, text="\n".join(lines))
    return 0 if result.imported or _all_in_class(result) else EXIT_NOTHING_IMPORTED


def _answers(ctx, args):
    from jiangxin_desktop.services.exchange.roster_answers import (
        RosterAnswers,
        parse_column,
        parse_default,
        parse_map,
    )

    given = RosterAnswers()
    for text in args.map:
        parse_map(ctx.codes, text, given)
    for text in args.column:
        parse_column(text, given)
    for text in args.default:
        parse_default(ctx.codes, text, given)
    return given


def cmd_mappings(args) -> int:
    from jiangxin_desktop.services.exchange.roster_answers import clear_remembered, list_remembered

    ctx = open_cli_context(args, reads_only=True)
    try:
        if args.clear:
            count = clear_remembered(ctx.db, ctx.acting, ctx.codes, field_text=args.field)
            emit({"cleared": count}, as_json=args.json, text=f"已清除 {count} 条名册对应关系。")
            return 0
        rows = list_remembered(ctx.db, ctx.acting, ctx.codes)
    finally:
        ctx.close()
    lines = [
        f"值：{r['field']}“{r['value']}”→ {r['to']}"
        if r["kind"] == "value"
        else f"表头：“{r['value']}”→ {r['to']}"
        for r in rows
    ] or ["本站还没有记住的名册对应关系。"]
    emit({"mappings": rows}, as_json=args.json, text="\n".join(lines))
    return 0


def _all_in_class(result) -> bool:
    """Every data row is someone already in the class (or repeated in the file): nothing to do."""
    return bool(result.data_rows) and len(result.duplicates) == result.data_rows


def cmd_export(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        result = ctx.class_exports().export_roster(args.class_code, Path(args.out))
    finally:
        ctx.close()
    masked = "（证件号码和电话已脱敏）" if result["masked"] else "（完整号码，已记入操作日志）"
    emit(result, as_json=args.json, text=f"已导出 {result['rows']} 人到 {result['file']}{masked}")
    return 0


def cmd_template(args) -> int:
    import shutil

    from jiangxin_desktop.services.exchange.roster_template import shipped_template_path

    out = Path(args.out)
    shutil.copyfile(shipped_template_path(), out)
    emit({"file": str(out)}, as_json=args.json, text=f"导入模板已复制到 {out}")
    return 0


def cmd_stats(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        result = ctx.class_exports().export_statistics(Path(args.out))
    finally:
        ctx.close()
    emit(result, as_json=args.json, text=f"已导出 {result['classes']} 个培训班的统计到 {result['file']}")
    return 0
