"""The subcommands. Each handler returns the process exit code."""

from __future__ import annotations

import argparse
import getpass
import sys

from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.masking import mask_id, mask_phone
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import resolve_data_dir
from jiangxin_desktop.services.security.keystore import PassphraseProvider, env_passphrase_provider


def terminal_passphrase(new: bool) -> str:
    """Ask on the terminal; refuse when there is none (scripts set JIANGXIN_PASSPHRASE)."""
    if not sys.stdin.isatty():
        raise KnownError("本机没有系统密钥环，需要数据库口令：请设置环境变量 JIANGXIN_PASSPHRASE。")
    if not new:
        return getpass.getpass("数据库口令：")
    first = getpass.getpass("设置数据库口令（至少 8 个字符）：")
    if getpass.getpass("再次输入口令：") != first:
        raise KnownError("两次输入的口令不一致。")
    return first


def cli_passphrase() -> PassphraseProvider:
    return env_passphrase_provider(terminal_passphrase)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check-id", parents=[common], help="检查公民身份号码（不需要数据库）")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(handler=cmd_check_id)

    p = sub.add_parser("init", parents=[common], help="创建加密数据库并设置服务站")
    p.add_argument("--station-code", required=True)
    p.add_argument("--station-name", required=True)
    p.add_argument("--county", required=True, help="县区代码，如 320706")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="用演示数据填充数据目录")
    p.add_argument("--trainees", type=int, default=2000)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("status", parents=[common], help="服务站、数据库和记录数")
    p.set_defaults(handler=cmd_status)

    trainee = sub.add_parser("trainee", help="学员").add_subparsers(dest="trainee_command", required=True)
    p = trainee.add_parser("add", parents=[common], help="登记学员")
    p.add_argument("--name", required=True)
    p.add_argument("--id", dest="id_number", required=True)
    p.add_argument("--phone", required=True)
    p.add_argument("--target-group", required=True, help="人员类别代码或名称")
    for opt in (
        "hukou",
        "ethnicity",
        "education",
        "evidence-type",
        "evidence-number",
        "employment-status",
        "bank-card",
        "address",
        "employer",
        "employer-uscc",
        "uscc-override-reason",
        "note",
    ):
        p.add_argument(f"--{opt}")
    p.add_argument("--flag", action="append", default=[], help="人员类别标记，如 脱贫家庭（可重复）")
    p.add_argument(
        "--consent", action="store_true", required=True, help="学员已阅读个人信息处理告知并同意（必需）"
    )
    p.add_argument("--photo-consent", action="store_true")
    p.set_defaults(handler=cmd_trainee_add)

    p = trainee.add_parser("find", parents=[common], help="按姓名、身份证号或手机号片段查找")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--include-inactive", action="store_true")
    p.set_defaults(handler=cmd_trainee_find)

    p = trainee.add_parser("deactivate", parents=[common], help="注销学员（不删除，留审计记录）")
    p.add_argument("id_number")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_trainee_deactivate)


def cmd_check_id(args) -> int:
    from jiangxin_desktop.domain.idnumber import check_id

    all_valid = True
    for raw in args.ids:
        r = check_id(raw)
        all_valid &= r.valid
        obj = {
            "input": r.input,
            "valid": r.valid,
            "id_number": r.id_number,
            "birth_date": r.birth_date.isoformat() if r.birth_date else None,
            "sex": r.sex,
            "message": r.message,
        }
        text = f"{raw}\t有效\t{r.birth_date}\t{r.sex}" if r.valid else f"{raw}\t无效\t{r.message}"
        emit(obj, as_json=args.json, text=text)
    return 0 if all_valid else 1


def cmd_init(args) -> int:
    from jiangxin_desktop.context import create_database
    from jiangxin_desktop.services.station import StationInfo

    paths = resolve_data_dir(args.data_dir)
    db = create_database(
        paths, cli_passphrase(), StationInfo(args.station_code, args.station_name, args.county)
    )
    db.dispose()
    emit(
        {"database": str(paths.database), "station": args.station_code},
        as_json=args.json,
        text=f"已创建加密数据库 {paths.database}",
    )
    return 0


def cmd_demo(args) -> int:
    if args.trainees < 0:
        raise KnownError("--trainees 不能为负数。")
    from jiangxin_desktop.context import ensure_demo_database

    result = ensure_demo_database(resolve_data_dir(args.data_dir), cli_passphrase(), args.trainees)
    emit(
        result,
        as_json=args.json,
        text=f"演示数据已写入 {result['database']}：{result['trainees']} 名学员，用时 {result['seconds']} 秒",
    )
    return 0


def _context(args):
    from jiangxin_desktop.context import open_context

    return open_context(resolve_data_dir(args.data_dir), cli_passphrase())


def cmd_status(args) -> int:
    ctx = _context(args)
    try:
        totals = ctx.search.totals()
        obj = {
            "station": {"code": ctx.station.code, "name": ctx.station.name},
            "database": str(ctx.paths.database),
            "demo": ctx.demo,
            **totals,
        }
        emit(
            obj,
            as_json=args.json,
            text=(
                f"服务站：{ctx.station.name}（{ctx.station.code}）\n数据库：{ctx.paths.database}\n"
                f"在册学员 {totals['active']} 人，已注销 {totals['inactive']} 人，"
                f"待上传 {totals['outbox']} 条"
            ),
        )
    finally:
        ctx.close()
    return 0


def _public(record) -> dict:
    data = record.to_json()
    data["id_number"] = mask_id(record.id_number)
    data["phone"] = mask_phone(record.phone)
    if record.bank_card:
        from jiangxin_desktop.domain.masking import mask_card

        data["bank_card"] = mask_card(record.bank_card)
    return data


def _resolve_code(ctx, list_name: str, value: str | None) -> str | None:
    """Accept a code or its label on the command line."""
    if not value:
        return None
    code_list = ctx.codes[list_name]
    found = code_list.get(value) or code_list.by_label(value)
    return found.code if found else value


def cmd_trainee_add(args) -> int:
    from jiangxin_desktop.services.registry import DuplicateTraineeError, TraineeInput

    ctx = _context(args)
    try:
        data = TraineeInput(
            name=args.name,
            id_number=args.id_number,
            phone=args.phone,
            target_group=_resolve_code(ctx, "target_group", args.target_group),
            hukou=_resolve_code(ctx, "hukou", args.hukou),
            ethnicity=_resolve_code(ctx, "ethnicity", args.ethnicity),
            education=_resolve_code(ctx, "education", args.education),
            employment_status=_resolve_code(ctx, "employment_status", args.employment_status),
            target_flags=tuple(args.flag),
            evidence_type=args.evidence_type,
            evidence_number=args.evidence_number,
            bank_card=args.bank_card,
            address=args.address,
            employer=args.employer,
            employer_uscc=args.employer_uscc,
            employer_uscc_override=args.uscc_override_reason,
            note=args.note,
            consent=args.consent,
            photo_consent=args.photo_consent,
        )
        try:
            record = ctx.registry.register(data)
        except DuplicateTraineeError as dup:
            emit({"error": dup.message, "existing": _public(dup.existing)}, as_json=args.json)
            if not args.json:
                print(f"错误：{dup.message}", file=sys.stderr)
            return 3
        emit(
            _public(record),
            as_json=args.json,
            text=f"已登记：{record.name} {mask_id(record.id_number)}（{record.sex}，{record.birth_date}）",
        )
    finally:
        ctx.close()
    return 0


def cmd_trainee_find(args) -> int:
    from jiangxin_desktop.services.trainee_search import plan_search

    ctx = _context(args)
    try:
        rows = ctx.search.page(args.text, limit=args.limit, include_inactive=args.include_inactive)
        hint = plan_search(args.text).hint
        labels = ctx.codes["target_group"]
        for r in rows:
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
            emit(
                obj,
                as_json=args.json,
                text="\t".join(
                    [r.name, r.sex, r.birth_date, obj["id_number"], obj["phone"], obj["target_group"] or ""]
                    + ([] if r.active else ["已注销"])
                ),
            )
        if hint and not args.json:
            print(hint, file=sys.stderr)
    finally:
        ctx.close()
    return 0


def cmd_trainee_deactivate(args) -> int:
    ctx = _context(args)
    try:
        record = ctx.registry.find_by_id_number(args.id_number)
        if record is None:
            raise KnownError(f"没有找到公民身份号码为 {mask_id(args.id_number)} 的学员。")
        record = ctx.registry.deactivate(record.uuid, args.reason)
        emit(_public(record), as_json=args.json, text=f"已注销：{record.name}")
    finally:
        ctx.close()
    return 0
