"""``jiangxin-desktop roster import|export|template`` and ``stats export``."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli.commands import open_cli_context
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
    p.add_argument("--report", help="问题清单另存为 .xlsx（原始行加“问题原因”列）")
    p.set_defaults(handler=cmd_import)
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


def cmd_import(args) -> int:
    from jiangxin_desktop.services.roster_import import import_roster

    ctx = open_cli_context(args)
    try:
        result = import_roster(
            ctx,
            args.class_code,
            Path(args.file),
            dry_run=args.dry_run,
            report=Path(args.report) if args.report else None,
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
    if result.report:
        lines.append(f"问题清单：{result.report}")
    if result.imported == 0 and not _all_in_class(result):
        lines.append("没有可以导入的行，名册未导入。请按上面的提示修改表格后再导入。")
    emit(result.to_json(), as_json=args.json, text="\n".join(lines))
    return 0 if result.imported or _all_in_class(result) else EXIT_NOTHING_IMPORTED


def _all_in_class(result) -> bool:
    """Every data row is someone already in the class (or repeated in the file): nothing to do."""
    return bool(result.data_rows) and len(result.duplicates) == result.data_rows


def cmd_export(args) -> int:
    from jiangxin_desktop.services.roster_export import export_roster

    ctx = open_cli_context(args)
    try:
        result = export_roster(ctx, args.class_code, Path(args.out))
    finally:
        ctx.close()
    masked = "（证件号码和电话已脱敏）" if result["masked"] else "（完整号码，已记入操作日志）"
    emit(result, as_json=args.json, text=f"已导出 {result['rows']} 人到 {result['file']}{masked}")
    return 0


def cmd_template(args) -> int:
    import shutil

    from jiangxin_desktop.services.roster_template import shipped_template_path

    out = Path(args.out)
    shutil.copyfile(shipped_template_path(), out)
    emit({"file": str(out)}, as_json=args.json, text=f"导入模板已复制到 {out}")
    return 0


def cmd_stats(args) -> int:
    from jiangxin_desktop.services.roster_export import export_statistics

    ctx = open_cli_context(args)
    try:
        result = export_statistics(ctx, Path(args.out))
    finally:
        ctx.close()
    emit(result, as_json=args.json, text=f"已导出 {result['classes']} 个培训班的统计到 {result['file']}")
    return 0
