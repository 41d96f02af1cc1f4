"""``jiangxin-desktop trainee …``: the 学员 area of the windows, on the command line.

Numbers are masked in the output; ``show --reveal`` prints them in full and leaves an
audit event, as 显示完整号码 does in the window.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.labels import FIELD_LABELS
from jiangxin_desktop.domain.masking import mask_card, mask_id, mask_phone
from jiangxin_desktop.errors import KnownError

# Optional options shared by add and edit: option name → TraineeInput field, code list or None.
FIELD_OPTIONS = {
    "hukou": ("hukou", "hukou"),
    "ethnicity": ("ethnicity", "ethnicity"),
    "education": ("education", "education"),
    "employment-status": ("employment_status", "employment_status"),
    "evidence-type": ("evidence_type", None),
    "evidence-number": ("evidence_number", None),
    "bank-card": ("bank_card", None),
    "address": ("address", None),
    "employer": ("employer", None),
    "employer-uscc": ("employer_uscc", None),
    "uscc-override-reason": ("employer_uscc_override", None),
    "note": ("note", None),
}
EXIT_DUPLICATE = 3


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    trainee = sub.add_parser("trainee", help="学员").add_subparsers(dest="trainee_command", required=True)

    p = trainee.add_parser("add", parents=[common], help="登记学员")
    _person_options(p, required=True)
    p.add_argument(
        "--consent", action="store_true", required=True, help="学员已阅读个人信息处理告知并同意（必需）"
    )
    p.add_argument("--photo-consent", action="store_true", help="学员同意使用照片")
    p.set_defaults(handler=cmd_add)

    p = trainee.add_parser("edit", parents=[common], help="修改学员信息（只改给出的项）")
    p.add_argument("id_number", metavar="身份证号", help="学员现在的公民身份号码")
    _person_options(p, required=False)
    p.add_argument("--new-id", help="更正后的公民身份号码")
    p.set_defaults(handler=cmd_edit)

    p = trainee.add_parser("find", parents=[common], help="按姓名、身份证号或手机号片段查找")
    p.add_argument("text", metavar="片段", help="姓名（至少 2 个字）、身份证号或手机号的片段")
    p.add_argument("--limit", type=int, default=50, help="最多列出几人（默认 50）")
    p.add_argument("--include-inactive", action="store_true", help="也列出已注销的学员")
    p.set_defaults(handler=cmd_find)

    p = trainee.add_parser("show", parents=[common], help="显示一名学员（号码默认遮盖）")
    p.add_argument("id_number", metavar="身份证号")
    p.add_argument("--reveal", action="store_true", help="显示完整号码（记入操作日志）")
    p.set_defaults(handler=cmd_show)

    from jiangxin_desktop.cli.photo_commands import register_photo

    register_photo(trainee, common)  # trainee photo set|remove

    p = trainee.add_parser("deactivate", parents=[common], help="注销学员（不删除，留审计记录）")
    p.add_argument("id_number", metavar="身份证号")
    p.add_argument("--reason", required=True, help="注销原因（记入操作日志）")
    p.set_defaults(handler=cmd_deactivate)

    p = trainee.add_parser("reactivate", parents=[common], help="恢复已注销的学员")
    p.add_argument("id_number", metavar="身份证号")
    p.set_defaults(handler=cmd_reactivate)


def _person_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--name", required=required, help=FIELD_LABELS["name"])
    if required:
        p.add_argument("--id", dest="id_number", required=True, help=FIELD_LABELS["id_number"])
    p.add_argument("--phone", required=required, help=FIELD_LABELS["phone"])
    p.add_argument("--target-group", required=required, help="人员类别代码或名称")
    for option, (field, code_list) in FIELD_OPTIONS.items():
        p.add_argument(f"--{option}", help=FIELD_LABELS[field] + ("（代码或名称）" if code_list else ""))
    p.add_argument("--flag", action="append", default=None, help="人员类别标记，如 脱贫家庭（可重复）")


def _public(record, *, reveal: bool = False) -> dict:
    data = record.to_json()
    if not reveal:
        data["id_number"] = mask_id(record.id_number)
        data["phone"] = mask_phone(record.phone)
        data["bank_card"] = mask_card(record.bank_card) if record.bank_card else None
    return data


def _code(ctx, list_name: str, value: str | None) -> str | None:
    """A code list value may be given as its code or its label."""
    if not value:
        return value
    found = ctx.codes[list_name].get(value) or ctx.codes[list_name].by_label(value)
    return found.code if found else value


def _apply(ctx, args, base):
    """``base`` (a TraineeInput) with every option the user gave."""
    changes = {}
    for attr in ("name", "phone"):
        if getattr(args, attr) is not None:
            changes[attr] = getattr(args, attr)
    if args.target_group is not None:
        changes["target_group"] = _code(ctx, "target_group", args.target_group)
    for option, (attr, list_name) in FIELD_OPTIONS.items():
        value = getattr(args, option.replace("-", "_"))
        if value is not None:
            changes[attr] = _code(ctx, list_name, value) if list_name else value
    if args.flag is not None:
        changes["target_flags"] = tuple(args.flag)
    return replace(base, **changes)


def _find(ctx, raw: str):
    record = ctx.registry.find_by_id_number(raw)
    if record is None:
        raise KnownError(f"没有找到公民身份号码为 {mask_id(raw.strip())} 的学员。")
    return record


def _report_duplicate(args, dup) -> int:
    emit({"error": dup.message, "existing": _public(dup.existing)}, as_json=args.json)
    if not args.json:
        print(f"错误：{dup.message}", file=sys.stderr)
    return EXIT_DUPLICATE


def cmd_add(args) -> int:
    from jiangxin_desktop.services.registry.trainees import DuplicateTraineeError, TraineeInput

    ctx = open_cli_context(args)
    try:
        base = TraineeInput(id_number=args.id_number, consent=args.consent, photo_consent=args.photo_consent)
        try:
            record = ctx.registry.register(_apply(ctx, args, base))
        except DuplicateTraineeError as dup:
            return _report_duplicate(args, dup)
        text = f"已登记：{record.name} {mask_id(record.id_number)}（{record.sex}，{record.birth_date}）"
        emit(_public(record), as_json=args.json, text=text)
    finally:
        ctx.close()
    return 0


def cmd_edit(args) -> int:
    from jiangxin_desktop.services.registry.trainees import DuplicateTraineeError, TraineeInput

    ctx = open_cli_context(args)
    try:
        current = _find(ctx, args.id_number)
        base = TraineeInput(
            **{f: getattr(current, f) for f in TraineeInput.__dataclass_fields__ if hasattr(current, f)}
        )
        changed = _apply(ctx, args, replace(base, id_number=args.new_id or current.id_number))
        try:
            record = ctx.registry.update(current.uuid, changed, expected_version=current.version)
        except DuplicateTraineeError as dup:
            return _report_duplicate(args, dup)
        emit(_public(record), as_json=args.json, text=f"已保存：{record.name}（第 {record.version} 版）")
    finally:
        ctx.close()
    return 0


def cmd_find(args) -> int:
    from jiangxin_desktop.services.registry.search import plan_search

    ctx = open_cli_context(args, reads_only=True)
    try:
        labels = ctx.codes["target_group"]
        for r in ctx.search.page(args.text, limit=args.limit, include_inactive=args.include_inactive):
            obj = {
                "uuid": r.uuid,
                "name": r.name,
                "sex": r.sex,
                "birth_date": r.birth_date,
                "id_number": mask_id(r.id_number),
                "phone": mask_phone(r.phone),
                "target_group": labels.label(r.target_group or "") or r.target_group,
                "active": r.active,
            }
            columns = [r.name, r.sex, r.birth_date, obj["id_number"], obj["phone"], obj["target_group"] or ""]
            emit(obj, as_json=args.json, text="\t".join(columns + ([] if r.active else ["已注销"])))
        hint = plan_search(args.text).hint
        if hint and not args.json:
            print(hint, file=sys.stderr)
    finally:
        ctx.close()
    return 0


def cmd_show(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        record = _find(ctx, args.id_number)
        data = _public(record)
        if args.reveal:
            fields = ("id_number", "phone") + (("bank_card",) if record.bank_card else ())
            data.update(ctx.registry.reveal(record.uuid, *fields))
        text = "\n".join(f"{key}: {value}" for key, value in data.items() if value not in (None, "", []))
        emit(data, as_json=args.json, text=text)
    finally:
        ctx.close()
    return 0


def cmd_deactivate(args) -> int:
    ctx = open_cli_context(args)
    try:
        record = ctx.registry.deactivate(_find(ctx, args.id_number).uuid, args.reason)
        emit(_public(record), as_json=args.json, text=f"已注销：{record.name}")
    finally:
        ctx.close()
    return 0


def cmd_reactivate(args) -> int:
    ctx = open_cli_context(args)
    try:
        record = ctx.registry.reactivate(_find(ctx, args.id_number).uuid)
        emit(_public(record), as_json=args.json, text=f"已恢复：{record.name}")
    finally:
        ctx.close()
    return 0
