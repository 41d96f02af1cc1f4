"""``followup due|record|list|import`` and ``service record|list|owed``: employment follow-ups
(回访) after a class, and the services to the unemployed (就业服务（1131）).

A person is named by ID number as at the counter; numbers are masked in everything printed.
The 待回访 list prints the phone in full: the clerk calls the person. Read commands take no
window lock.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from jiangxin_desktop.cli.class_input import parse_day
from jiangxin_desktop.cli.enrollment_commands import find_enrollment, find_trainee, require_options
from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import FieldError, ValidationError

EXIT_NOT_IMPORTED = 1  # a row has a problem: nothing was written


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("followup", help="就业回访：待回访、登记回访、回访记录、从表格导入")
    followup = top.add_subparsers(dest="followup_command", required=True)
    p = followup.add_parser("due", parents=[common], help="待回访：即将到期和逾期的回访（含联系电话）")
    p.add_argument("--within", type=int, metavar="天数", help="列出这么多天内到期的（默认按目录，7 天）")
    p.set_defaults(handler=cmd_due)

    p = followup.add_parser("record", parents=[common], help="登记回访，或更正已登记的回访（记入操作日志）")
    p.add_argument("--id", dest="id_number", help="学员的公民身份号码（必填）")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.add_argument("--period", type=int, help="回访期：3 或 6（个月，必填）")
    p.add_argument("--outcome", help="回访结果：受雇就业、自主创业、灵活就业、未就业、联系不上（必填）")
    p.add_argument("--on", help="回访日期 YYYY-MM-DD（默认为今天）")
    p.add_argument("--employer", help="工作单位")
    p.add_argument("--uscc", help="工作单位的统一社会信用代码")
    p.add_argument("--contract", help="用工形式，如 劳动合同")
    p.add_argument("--wage", help="月工资，如 3000–5000元")
    p.add_argument("--note", help="备注")
    p.set_defaults(handler=cmd_record)

    p = followup.add_parser("list", parents=[common], help="已登记的回访")
    p.add_argument("--class", dest="class_code", help="只列这个班级的")
    p.add_argument("--id", dest="id_number", help="只列这名学员的（公民身份号码）")
    p.set_defaults(handler=cmd_list)

    p = followup.add_parser("import", parents=[common], help="从表格（.xlsx .xls .ods）批量登记回访；先用 --dry-run 预览")
    p.add_argument("file", help="回访登记表")
    p.add_argument("--class", dest="class_code", help="表中没有“班级编号”列时，全部是这个班级的")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--column", action="append", default=[], metavar="表头=字段",
                   help="表头对应哪个字段，如 就业情况=回访结果；=忽略 表示不读此列（可重复，导入后本站记住）")
    p.set_defaults(handler=cmd_import)

    top = sub.add_parser("service", help="就业服务（1131）：政策宣讲、职业指导、岗位推荐 3 次、培训机会")
    service = top.add_subparsers(dest="service_command", required=True)
    p = service.add_parser("record", parents=[common], help="登记一次就业服务")
    p.add_argument("--id", dest="id_number", help="学员的公民身份号码（必填）")
    p.add_argument("--kind", help="服务项目：政策宣讲、职业指导、岗位推荐、培训机会（必填）")
    p.add_argument("--on", help="服务日期 YYYY-MM-DD（默认为今天）")
    p.add_argument("--details", help="服务内容，如推荐的岗位")
    p.add_argument("--employer", help="推荐的用人单位")
    p.set_defaults(handler=cmd_service_record)
    p = service.add_parser("list", parents=[common], help="一名学员的就业服务，以及还差哪些")
    p.add_argument("--id", dest="id_number", help="学员的公民身份号码（必填）")
    p.set_defaults(handler=cmd_service_list)
    p = service.add_parser("owed", parents=[common], help="还差就业服务的失业人员")
    p.set_defaults(handler=cmd_service_owed)


def _day(raw: str | None, label: str, today: date) -> date:
    if not raw:
        return today
    day = parse_day(raw)
    if day is None:
        raise ValidationError([FieldError(label, f"“{raw}”应写成 2026-06-14")])
    return day


# --- follow-ups ------------------------------------------------------------------------------


def cmd_due(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        rows = ctx.followups.due(within_days=args.within)
    finally:
        ctx.close()
    for r in rows:
        state = f"逾期 {r.days_overdue} 天" if r.overdue else (f"已过 {r.days_overdue} 天" if r.days_overdue else "待回访")
        emit(r.to_json(), as_json=args.json,
             text=f"{r.due_on}\t{state}\t{r.trainee_name}\t{r.phone}\t{r.id_masked}\t{r.class_code}\t"
                  f"{r.period_months} 个月" + (f"\t上次：{r.last_outcome}" if r.last_outcome else ""))
    if not rows and not args.json:
        print("没有待回访的学员。")
    return 0


def _record_line(r) -> str:
    extra = "，".join(x for x in (r.employer_name, r.contract_label, r.wage_label) if x)
    return (f"{r.class_code}\t{r.trainee_name}\t{r.id_masked}\t{r.period_months} 个月\t{r.outcome_label}\t"
            f"{r.contacted_on}" + (f"\t{extra}" if extra else ""))


def cmd_record(args) -> int:
    from jiangxin_desktop.services.followup import FollowupInput

    require_options(args, **{"--id": "公民身份号码", "--class": "班级编号", "--period": "回访期",
                             "--outcome": "回访结果"})
    ctx = open_cli_context(args)
    try:
        klass = ctx.classes.get(args.class_code)
        enrolment = find_enrollment(ctx, klass, find_trainee(ctx, args.id_number))
        data = FollowupInput(args.outcome, _day(args.on, "回访日期", ctx.acting.today()), args.employer,
                             args.uscc, args.contract, args.wage, args.note)
        record = ctx.followups.record(enrolment.uuid, args.period, data)
    finally:
        ctx.close()
    verb = "已更正" if record.version > 1 else "已登记"
    emit(record.to_json(), as_json=args.json, text=f"{verb}回访：{_record_line(record)}")
    return 0


def cmd_list(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        trainee = find_trainee(ctx, args.id_number).uuid if args.id_number else None
        records = ctx.followups.list(class_code=args.class_code, trainee_uuid=trainee)
    finally:
        ctx.close()
    for r in records:
        emit(r.to_json(), as_json=args.json, text=_record_line(r))
    if not records and not args.json:
        print("没有登记的回访。")
    return 0


def cmd_import(args) -> int:
    from jiangxin_desktop.services.exchange.followup_sheet import parse_column

    columns: dict[str, str] = {}
    for text in args.column:
        parse_column(text, columns)
    ctx = open_cli_context(args)
    try:
        result = ctx.followup_importer().run(Path(args.file), class_code=args.class_code, dry_run=args.dry_run,
                                             columns=columns)
    finally:
        ctx.close()
    if result.written:
        head = f"已登记 {result.recorded} 条，更正 {result.corrected} 条，未变 {result.unchanged} 条"
    elif result.ok:
        head = "检查通过，可以导入（未写入）" if result.dry_run else "没有可以导入的行"
    else:
        head = f"有问题 {len(result.problems)} 处，" + ("" if result.dry_run else "全部未导入")
    lines = [f"{result.path}：数据 {result.rows} 行；{head.rstrip('，')}。"]
    lines += [p.text for p in result.problems]
    if result.unknown_columns:
        lines.append(f"未读取的列：{'、'.join(result.unknown_columns)}（可用 --column 表头=字段 指定）")
    if not result.ok:
        lines.append("请按上面的提示修改表格后再导入。")
    emit(result.to_json(), as_json=args.json, text="\n".join(lines))
    return 0 if result.ok else EXIT_NOT_IMPORTED


# --- services to the unemployed ------------------------------------------------------------


def cmd_service_record(args) -> int:
    from jiangxin_desktop.services.followup import ServiceInput

    require_options(args, **{"--id": "公民身份号码", "--kind": "服务项目"})
    ctx = open_cli_context(args)
    try:
        trainee = find_trainee(ctx, args.id_number)
        data = ServiceInput(args.kind, _day(args.on, "服务日期", ctx.acting.today()), args.details, args.employer)
        record = ctx.followups.record_service(trainee.uuid, data)
        owed = ctx.followups.services_of(trainee.uuid).owed_words
    finally:
        ctx.close()
    emit({**record.to_json(), "owed_words": owed}, as_json=args.json,
         text=f"已登记：{record.trainee_name} {record.on_date} {record.kind_label}。{owed}")
    return 0


def cmd_service_list(args) -> int:
    require_options(args, **{"--id": "公民身份号码"})
    ctx = open_cli_context(args, reads_only=True)
    try:
        trainee = find_trainee(ctx, args.id_number)
        summary = ctx.followups.services_of(trainee.uuid)
    finally:
        ctx.close()
    lines = [f"{e.on_date}\t{e.kind_label}\t{e.details or ''}\t{e.employer_name or ''}".rstrip()
             for e in summary.events] or ["还没有登记就业服务。"]
    lines.append(summary.owed_words)
    emit(summary.to_json(), as_json=args.json, text="\n".join(lines))
    return 0


def cmd_service_owed(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        rows = ctx.followups.owed()
    finally:
        ctx.close()
    for r in rows:
        emit(r.to_json(), as_json=args.json, text=f"{r.name}\t{r.id_masked}\t{r.phone}\t{r.owed_words}")
    if not rows and not args.json:
        print("没有还差就业服务的失业人员。")
    return 0
