"""``enroll``, ``withdraw`` and ``class roster``: who is in a class.

The trainee is named by ID number, typed or scanned, as at the counter. Numbers are masked
in everything printed; ``class roster --reveal`` (reviewer or administrator) prints them in
full and leaves one audit event per person, as 显示完整号码 does in the window.
"""

from __future__ import annotations

import argparse
import sys

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.masking import mask_card, mask_id
from jiangxin_desktop.errors import KnownError, ValidationError

EXIT_REFUSED = 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("enroll", parents=[common], help="学员报名参加培训班（须已登记）")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.add_argument("--id", dest="id_number", help="学员的公民身份号码（必填）")
    p.add_argument("--group", help="本次培训的人员类别代码或名称（默认为登记时的人员类别）")
    p.add_argument("--evidence-type", help="证明材料类型，如 失业登记证")
    p.add_argument("--evidence-number", help="证明材料编号")
    p.add_argument("--no-subsidy", action="store_true", help="不享受补贴（自费）")
    p.add_argument("--confirm", action="store_true", help="已核实提醒事项（如同期在其他班），仍然报名")
    p.set_defaults(handler=cmd_enroll)

    p = sub.add_parser("withdraw", parents=[common], help="学员退学")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.add_argument("--id", dest="id_number", help="学员的公民身份号码（必填）")
    p.add_argument("--reason", default="", help="退学原因（必填）")
    p.set_defaults(handler=cmd_withdraw)


def register_roster(classes: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = classes.add_parser("roster", parents=[common], help="花名册（身份证号默认遮盖）")
    p.add_argument("code", help="班级编号")
    p.add_argument("--reveal", action="store_true", help="显示完整身份证号（审核人或管理员，记入操作日志）")
    p.add_argument("--missing-evidence", action="store_true", help="只列出待补证明材料的学员（缺证明材料）")
    p.set_defaults(handler=cmd_roster)


# --- lookups shared with the attendance commands ----------------------------------------


def require_options(args, **options: str) -> None:
    """Required options, checked here so that a missing one is said in Chinese."""
    missing = [
        f"{flag}（{label}）" for flag, label in options.items() if not getattr(args, _dest(flag), None)
    ]
    if missing:
        raise KnownError(f"缺少 {'、'.join(missing)}。")


def _dest(flag: str) -> str:
    return {"--class": "class_code", "--id": "id_number"}.get(flag, flag.lstrip("-").replace("-", "_"))


def find_trainee(ctx, raw: str):
    record = ctx.registry.find_by_id_number(raw)
    if record is None:
        raise KnownError(
            f"没有找到公民身份号码为 {mask_id(raw.strip())} 的学员。请核对号码，或先用 trainee add 登记。"
        )
    return record


def find_enrollment(ctx, klass, trainee):
    for e in ctx.enrollments.list(klass.uuid):
        if e.trainee_uuid == trainee.uuid:
            return e
    raise KnownError(f"{trainee.name}（{mask_id(trainee.id_number)}）不在培训班 {klass.code} 的花名册中。")


def group_label(ctx, code: str | None) -> str:
    return (ctx.codes["target_group"].label(code or "") or code or "") if code else ""


def enrollment_json(ctx, klass, record, *, reveal: str | None = None) -> dict:
    data = record.to_json()
    data.update(
        class_code=klass.code,
        trainee_id_number=reveal or mask_id(record.trainee_id_number),
        evidence_number=mask_card(record.evidence_number) if record.evidence_number else None,
        target_group_label=group_label(ctx, record.target_group),
    )
    return data


# --- commands ---------------------------------------------------------------------------


def cmd_enroll(args) -> int:
    from jiangxin_desktop.services.training.enrollment import EnrollInput, NeedsConfirmation, NotEligible

    require_options(args, **{"--class": "班级编号", "--id": "公民身份号码"})
    ctx = open_cli_context(args)
    try:
        klass = ctx.classes.get(args.class_code)
        trainee = find_trainee(ctx, args.id_number)
        group = args.group
        if group:
            found = ctx.codes["target_group"].get(group) or ctx.codes["target_group"].by_label(group)
            group = found.code if found else group
        data = EnrollInput(
            trainee.uuid,
            target_group=group or None,
            evidence_type=args.evidence_type,
            evidence_number=args.evidence_number,
            subsidised=not args.no_subsidy,
        )
        try:
            record = ctx.enrollments.enroll(klass.uuid, data, confirmed=args.confirm)
        except (NotEligible, NeedsConfirmation) as refused:
            return _report_refusal(args, klass, trainee, refused)
        except ValidationError as exc:
            if any(e.field.startswith("证明材料") for e in exc.errors):
                raise KnownError(f"{exc.message}。请用 --evidence-type 和 --evidence-number 填写。") from None
            raise
        out = enrollment_json(ctx, klass, record)
    finally:
        ctx.close()
    subsidy = "享受补贴" if record.subsidised else "不享受补贴"
    lines = [
        f"已报名：{record.trainee_name} {out['trainee_id_number']} → 培训班 {klass.code}"
        f"（{out['target_group_label']}，{subsidy}）"
    ]
    lines += [f"  提醒：{w}" for w in record.warnings]
    if record.evidence_missing:
        lines.append(
            "  待补证明材料：申请补贴前请再次运行本命令，用 --evidence-type 和 --evidence-number 补填"
        )
    emit({"enrolled": True, **out}, as_json=args.json, text="\n".join(lines))
    return 0


def _report_refusal(args, klass, trainee, refused) -> int:
    """Refused or waiting for --confirm: the reasons in words on stdout, exit code 1."""
    from jiangxin_desktop.services.training.enrollment import NeedsConfirmation

    verdict = refused.eligibility
    confirm = isinstance(refused, NeedsConfirmation)
    who = f"{trainee.name}（{mask_id(trainee.id_number)}）"
    data = {
        "enrolled": False,
        "class_code": klass.code,
        "trainee_name": trainee.name,
        "trainee_id_number": mask_id(trainee.id_number),
        "problems": verdict.problems,
        "warnings": verdict.warnings,
        "needs_confirmation": confirm,
        "message": refused.message,
    }
    if confirm:
        lines = [f"{who}尚未报名培训班 {klass.code}，请先核实："]
        lines += [f"  · {w}" for w in verdict.warnings]
        lines.append("核实无误后加 --confirm 重新运行。")
    else:
        lines = [f"{who}不能报名培训班 {klass.code}："] + [f"  · {p}" for p in verdict.problems]
        lines += [f"  提醒：{w}" for w in verdict.warnings]
    emit(data, as_json=args.json, text="\n".join(lines))
    if args.json:
        print(f"错误：{refused.message}", file=sys.stderr)
    return EXIT_REFUSED


def cmd_withdraw(args) -> int:
    require_options(args, **{"--class": "班级编号", "--id": "公民身份号码"})
    ctx = open_cli_context(args)
    try:
        klass = ctx.classes.get(args.class_code)
        trainee = find_trainee(ctx, args.id_number)
        record = ctx.enrollments.withdraw(find_enrollment(ctx, klass, trainee).uuid, args.reason)
        out = enrollment_json(ctx, klass, record)
    finally:
        ctx.close()
    text = (
        f"已退学：{record.trainee_name} {out['trainee_id_number']}（培训班 {klass.code}），"
        f"原因：{args.reason.strip()}"
    )
    emit(out, as_json=args.json, text=text)
    return 0


def cmd_roster(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        klass = ctx.classes.get(args.code)
        rows = ctx.enrollments.list(klass.uuid, evidence_missing=args.missing_evidence)
        full = {}
        if args.reveal:
            full = {
                r.trainee_uuid: ctx.registry.reveal(r.trainee_uuid, "id_number")["id_number"] for r in rows
            }
        if not args.json:
            which = "待补证明材料 " if args.missing_evidence else ""
            print(f"培训班 {klass.code} {klass.name}：{which}{len(rows)} 人（计划 {klass.capacity} 人）")
        for number, r in enumerate(rows, start=1):
            out = enrollment_json(ctx, klass, r, reveal=full.get(r.trainee_uuid))
            columns = [
                str(number),
                r.trainee_name,
                out["trainee_id_number"],
                out["target_group_label"],
                "享受补贴" if r.subsidised else "不享受补贴",
                "待补证明材料" if r.evidence_missing else r.evidence_type or "",
            ]
            if r.warnings:
                columns.append("提醒：" + "；".join(r.warnings))
            emit(out, as_json=args.json, text="\t".join(columns))
    finally:
        ctx.close()
    return 0
