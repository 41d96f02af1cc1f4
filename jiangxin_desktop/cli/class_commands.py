"""``jiangxin-desktop catalog …`` and ``class …``: the 培训班 area on the command line.

A clerk drafts a class, a reviewer opens it (开班) or returns it (退回); the class is then
trained, closed (结业) and archived. The services check roles and the catalog's rules;
this module turns options into their inputs and their records into Chinese lines or JSON.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.errors import KnownError

LIFECYCLE = {
    "approve": ("approve", "审核通过，已开班"),
    "start": ("start", "已开始培训"),
    "finish": ("finish", "已结业"),
    "archive": ("archive", "已归档"),
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    catalog = sub.add_parser("catalog", help="培训目录").add_subparsers(dest="catalog_command", required=True)
    p = catalog.add_parser("show", parents=[common], help="当前培训目录：版本、项目、职业、机构和规则")
    p.set_defaults(handler=cmd_catalog_show)
    p = catalog.add_parser("import", parents=[common], help="导入未签名的培训目录文件（管理员；记为未签名导入）")
    p.add_argument("file", help="目录文件（JSON）")
    p.set_defaults(handler=cmd_catalog_import)

    classes = sub.add_parser("class", help="培训班").add_subparsers(dest="class_command", required=True)
    p = classes.add_parser("create", parents=[common], help="新建培训班（草稿，经办人）")
    _create_options(p)
    p.set_defaults(handler=cmd_create)

    p = classes.add_parser("list", parents=[common], help="培训班列表")
    p.add_argument(
        "--status", help="草稿|已开班|培训中|已结业|已归档（或 draft|opened|training|finished|archived）"
    )
    p.add_argument("--find", default="", help="班级名称、编号或职业的片段")
    p.set_defaults(handler=cmd_list)

    p = classes.add_parser("show", parents=[common], help="培训班详情、课次和开班前须处理的问题")
    p.add_argument("code", help="班级编号")
    p.set_defaults(handler=cmd_show)

    for name, help_text in (
        ("approve", "审核开班（审核人）"),
        ("start", "开始培训（第一次考勤时也会自动开始）"),
        ("finish", "结业（最后一次课之后）"),
        ("archive", "归档（审核人或管理员）"),
    ):
        p = classes.add_parser(name, parents=[common], help=help_text)
        p.add_argument("code", help="班级编号")
        p.set_defaults(handler=cmd_lifecycle, step=name)

    p = classes.add_parser("send-back", parents=[common], help="退回开班申请（审核人）")
    p.add_argument("code", help="班级编号")
    p.add_argument("--reason", default="", help="退回原因，经办人据此修改（必填）")
    p.set_defaults(handler=cmd_send_back)

    from jiangxin_desktop.cli import enrollment_commands

    enrollment_commands.register_roster(classes, common)


def _create_options(p: argparse.ArgumentParser) -> None:
    # all as text and none required by argparse: class_input names every problem at once, in Chinese
    p.add_argument("--name", help="班级名称")
    p.add_argument("--project", help="培训项目代码，如 KY01")
    p.add_argument("--occupation", help="职业（工种）编码，如 4-10-01-05，或名称")
    p.add_argument("--level", help="等级代码或名称，如 5 或 初级（职业技能等级证书必填）")
    p.add_argument("--certificate", help="证书类型代码或名称，如 1 或 职业技能等级证书")
    p.add_argument("--institution", help="承训机构代码，如 JG002")
    p.add_argument("--site", help="培训地点")
    p.add_argument("--start", help="开班日期，如 2026-12-01")
    p.add_argument("--end", help="结业日期")
    p.add_argument("--hours", help="课时")
    p.add_argument("--capacity", help="计划人数")
    p.add_argument("--teacher", action="append", help="授课教师（可重复）")
    p.add_argument("--fee", help="培训费（元）")
    p.add_argument("--government", help="其中政府补贴部分（元）")
    p.add_argument("--employer", help="其中企业负担部分（元）")
    p.add_argument("--personal", help="其中个人负担部分（元）")
    p.add_argument("--note", help="备注")
    p.add_argument(
        "--session",
        action="append",
        help="一次课：日期,开始,结束,课时[,教师[,内容]]，如 2026-12-01,08:30,11:30,4（可重复）",
    )
    p.add_argument("--sessions-file", help="课次表 CSV（同样的列，可有表头；UTF-8 或 GBK）")


def status_code(raw: str | None) -> str | None:
    from jiangxin_desktop.services.training.class_records import STATUS_LABELS

    if not raw:
        return None
    for code, label in STATUS_LABELS.items():
        if raw.strip() in (code, label, label.removeprefix("已")):
            return code
    raise KnownError(f"没有“{raw}”这种班级状态。可选：{'、'.join(STATUS_LABELS.values())}。")


# --- catalog --------------------------------------------------------------------------


def cmd_catalog_show(args) -> int:
    ctx = open_cli_context(args, login=False, reads_only=True)  # the catalog holds no personal data
    try:
        catalog = ctx.catalogs.active()
        levels = ctx.codes["skill_level"]
        certificates = ctx.codes["certificate_type"]
        groups = ctx.codes["target_group"]
    finally:
        ctx.close()
    rules = catalog.rules
    data = {
        "version": catalog.version,
        "example": catalog.example,
        "note": catalog.note,
        "counts": {
            "projects": len(catalog.projects),
            "occupations": len(catalog.occupations),
            "institutions": len(catalog.institutions),
        },
        "rules": asdict(rules),
        "projects": [asdict(p) for p in catalog.projects.values()],
        "occupations": [asdict(o) for o in catalog.occupations.values()],
        "institutions": [asdict(i) for i in catalog.institutions.values()],
        "evaluation_bodies": [asdict(b) for b in catalog.evaluation_bodies.values()],
        "verify_base_url": catalog.verify_base_url,
    }
    hours = "，".join(f"{levels.label(k) or '无等级'} {v}" for k, v in rules.min_class_hours.items())
    yes = {True: "是", False: "否"}
    lines = [
        f"培训目录 {catalog.version}"
        + (
            "（示例目录，不是市人社局发布的正式目录；正式目录用 catalog import 导入）"
            if catalog.example
            else ""
        ),
        f"培训项目 {len(catalog.projects)} 个，职业 {len(catalog.occupations)} 个，"
        f"承训机构 {len(catalog.institutions)} 个",
        "规则：",
        f"  年龄：开班时须年满 {rules.min_age} 岁"
        + (f"，不超过 {rules.max_age} 岁" if rules.max_age is not None else "，无上限"),
        f"  每人最多享受补贴性培训 {rules.max_subsidised_trainings} 次；"
        f"同一职业同一等级只补贴一次：{yes[rules.same_occupation_level_once]}；"
        f"取得高等级后不再补贴低等级：{yes[rules.no_lower_level_after_higher]}",
        f"  每课时 {rules.class_hour_minutes} 分钟；最少课时：{hours}",
        f"  补贴所需出勤率 {rules.attendance_threshold:.0%}；考核合格分数 {rules.assessment_pass_score:g}；"
        f"结业后 {rules.claim_within_months} 个月内申领补贴",
        attendance_rules_text(rules.attendance),
        "培训项目：",
    ]
    for p in catalog.projects.values():
        allowed = "、".join(groups.label(g) or g for g in p.target_groups)
        certs = "、".join(certificates.label(c) or c for c in p.certificate_types)
        lines.append(f"  {p.code}\t{p.name}\t对象：{allowed}\t证书：{certs}")
    lines.append("职业（工种）：")
    lines += [f"  {o.code}\t{o.name}\t{o.category} 类" for o in catalog.occupations.values()]
    lines.append("承训机构：")
    lines += [f"  {i.code}\t{i.name}\t{i.uscc}" for i in catalog.institutions.values()]
    lines.append("社会培训评价组织（颁发职业技能等级证书）：")
    lines += [
        f"  {b.code}\t{b.name}\t备案编号 {b.filing_number}\t职业 {'、'.join(b.occupations)}"
        for b in catalog.evaluation_bodies.values()
    ] or ["  （无：培训机构的班只发培训合格证书）"]
    lines.append(f"证书核验地址：{catalog.verify_base_url or '（无：二维码以中文说明开头）'}")
    emit(data, as_json=args.json, text="\n".join(lines))
    return 0


def attendance_rules_text(a) -> str:
    from jiangxin_desktop.domain.attendance_rules import BEYOND_LIMIT, MISSING_SIGNOUT

    entry = f"下课 {a.record_within_hours} 小时后补录须补签" if a.record_within_hours else "补录不限时"
    return (
        f"  考勤：开课前 {a.checkin_before_start_minutes} 分钟至下课可签到，下课后 "
        f"{a.checkout_after_end_minutes} 分钟内可签退，{entry}；迟到、早退超过 {a.late_limit_minutes}/"
        f"{a.early_leave_limit_minutes} 分钟{BEYOND_LIMIT[a.beyond_limit]}；没有签退{MISSING_SIGNOUT[a.missing_signout]}"
    )


def cmd_catalog_import(args) -> int:
    ctx = open_cli_context(args)
    try:
        catalog = ctx.catalogs.import_file(ctx.user, Path(args.file))
    finally:
        ctx.close()
    counts = {
        "projects": len(catalog.projects),
        "occupations": len(catalog.occupations),
        "institutions": len(catalog.institutions),
    }
    text = (
        f"已导入培训目录 {catalog.version}：培训项目 {counts['projects']} 个，"
        f"职业 {counts['occupations']} 个，"
        f"承训机构 {counts['institutions']} 个。这是未签名导入，已记入操作日志"
        "（市里签名的目录请用 sync import-catalog 导入）。"
    )
    emit(
        {"version": catalog.version, "example": catalog.example, "counts": counts, "signed": False},
        as_json=args.json,
        text=text,
    )
    return 0


# --- classes ---------------------------------------------------------------------------


def class_json(ctx, record, *, problems: list[str] | None = None) -> dict:
    data = record.to_json()
    data.update(
        status_label=record.status_label,
        enrolled=record.enrolled,
        level_label=ctx.codes["skill_level"].label(record.level) if record.level else None,
        certificate_label=ctx.codes["certificate_type"].label(record.certificate_type),
    )
    if problems is not None:
        data["opening_problems"] = problems
    return data


def _problems(ctx, record) -> list[str] | None:
    """For a draft: what stops it from opening (None for other states)."""
    return ctx.classes.opening_problems(record) if record.status == "draft" else None


def _problem_lines(problems: list[str] | None) -> list[str]:
    if problems is None:
        return []
    if not problems:
        return ["开班检查：没有问题，可以提交审核人审核开班。"]
    return ["开班前须处理："] + [f"  · {p}" for p in problems]


def cmd_create(args) -> int:
    from jiangxin_desktop.cli.class_input import class_input

    ctx = open_cli_context(args)
    try:
        record = ctx.classes.create(class_input(ctx, args))
        problems = _problems(ctx, record)
        data = class_json(ctx, record, problems=problems)
    finally:
        ctx.close()
    text = [
        f"已新建培训班 {record.code}：{record.name}（{record.status_label}，{len(record.sessions)} 次课）"
    ]
    emit(data, as_json=args.json, text="\n".join(text + _problem_lines(problems)))
    return 0


def cmd_list(args) -> int:
    status = status_code(args.status)
    ctx = open_cli_context(args, reads_only=True)
    try:
        records = ctx.classes.list(status=status, text=args.find)
        for r in records:
            text = (
                f"{r.code}\t{r.status_label}\t{r.name}\t{r.start_date}—{r.end_date}\t"
                f"{r.class_hours} 课时\t{r.enrolled}/{r.capacity} 人"
            )
            emit(class_json(ctx, r), as_json=args.json, text=text)
    finally:
        ctx.close()
    if not records and not args.json:
        print("没有符合条件的培训班。")
    return 0


def show_text(ctx, r, problems: list[str] | None) -> str:
    level = ctx.codes["skill_level"].label(r.level) if r.level else ""
    certificate = ctx.codes["certificate_type"].label(r.certificate_type) or r.certificate_type
    lines = [
        f"培训班 {r.code}：{r.name}",
        f"状态：{r.status_label}" + (f"（审核人 {r.approved_by}）" if r.approved_by else ""),
    ]
    if r.review_note:
        lines.append(f"退回原因：{r.review_note}")
    lines += [
        f"培训项目：{r.project_code} {r.project_name}",
        f"职业（工种）：{r.occupation_code} {r.occupation_name}" + (f" · {level}" if level else ""),
        f"证书类型：{certificate}",
        f"承训机构：{r.institution_code} {r.institution_name}",
        f"培训地点：{r.site}",
        f"日期：{r.start_date} 至 {r.end_date}，{r.class_hours} 课时",
        f"人数：计划 {r.capacity} 人，已报名 {r.enrolled} 人",
    ]
    if r.teachers:
        lines.append(f"授课教师：{'、'.join(r.teachers)}")
    lines.append(
        f"培训费：{yuan_sign(r.fee_fen)}（政府 {yuan_sign(r.government_fen)}，"
        f"企业 {yuan_sign(r.employer_fen)}，个人 {yuan_sign(r.personal_fen)}）"
    )
    lines.append(f"课次（{len(r.sessions)} 次）：" if r.sessions else "课次：尚未安排")
    for s in r.sessions:
        extra = "  ".join(x for x in (s.teacher, s.topic) if x)
        lines.append(f"  {s.number}\t{s.day}\t{s.start_time}–{s.end_time}\t{s.hours} 课时\t{extra}".rstrip())
    return "\n".join(lines + _problem_lines(problems))


def cmd_show(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        record = ctx.classes.get(args.code)
        problems = _problems(ctx, record)
        emit(
            class_json(ctx, record, problems=problems),
            as_json=args.json,
            text=show_text(ctx, record, problems),
        )
    finally:
        ctx.close()
    return 0


def cmd_lifecycle(args) -> int:
    method, done = LIFECYCLE[args.step]
    ctx = open_cli_context(args)
    try:
        uuid = ctx.classes.get(args.code).uuid
        record = getattr(ctx.classes, method)(uuid)
        data = class_json(ctx, record)
    finally:
        ctx.close()
    emit(data, as_json=args.json, text=f"培训班 {record.code}：{done}。")
    return 0


def cmd_send_back(args) -> int:
    ctx = open_cli_context(args)
    try:
        record = ctx.classes.send_back(ctx.classes.get(args.code).uuid, args.reason)
        data = class_json(ctx, record)
    finally:
        ctx.close()
    emit(data, as_json=args.json, text=f"培训班 {record.code} 已退回经办人（现为草稿）：{record.review_note}")
    return 0
