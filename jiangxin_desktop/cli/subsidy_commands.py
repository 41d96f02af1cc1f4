"""``jiangxin-desktop subsidy check`` and ``claim …``: who can claim a subsidy, how much and why;
claims created, reviewed, sent back, withdrawn, corrected, listed and shown.

Identity numbers are masked in everything printed; the full payee account is shown to a
reviewer or an administrator only (``claim show``).
"""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.enrollment_commands import require_options
from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError

CHECK_KEYS = (
    "name", "id_masked", "eligible", "amount_fen", "standard_fen", "kind", "reasons",
    "claim_number", "claim_status",
)
STATUSES = ("draft", "reviewed", "submitted", "approved", "returned", "paid", "withdrawn")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("subsidy", help="补贴：能否申请、申请金额及理由")
    subsidy = top.add_subparsers(dest="subsidy_command", required=True)
    p = subsidy.add_parser("check", parents=[common], help="班级每名学员能否申请补贴、金额多少、为什么")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.set_defaults(handler=cmd_check)

    top = sub.add_parser("claim", help="补贴申请")
    claim = top.add_subparsers(dest="claim_command", required=True)
    p = claim.add_parser("create", parents=[common], help="填写补贴申请（经办人、审核人或管理员）")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.add_argument("--id", dest="id_numbers", action="append", default=[], metavar="身份证号",
                   help="为这名学员填写（可多次给出）")
    p.add_argument("--all", action="store_true", help="为全班能申请的学员填写")
    _payee_options(p)
    p.add_argument("--note", help="备注")
    p.set_defaults(handler=cmd_create)

    p = claim.add_parser("review", parents=[common], help="审核通过（审核人或管理员）")
    p.add_argument("number", help="申请编号")
    p.set_defaults(handler=cmd_review)
    p = claim.add_parser("send-back", parents=[common], help="退回修改：已审核、尚未提交的申请回到草稿（审核人或管理员）")
    p.add_argument("number", help="申请编号")
    p.add_argument("--reason", default="", help="退回原因（必填）")
    p.set_defaults(handler=cmd_send_back)
    p = claim.add_parser("withdraw", parents=[common], help="撤回市里尚未处理的申请（审核人或管理员）")
    p.add_argument("number", help="申请编号")
    p.add_argument("--reason", default="", help="撤回原因（必填）")
    p.set_defaults(handler=cmd_withdraw)
    p = claim.add_parser("correct", parents=[common], help="更正市里退回的申请：按现在的记录生成新申请")
    p.add_argument("number", help="已退回的申请编号")
    _payee_options(p, default=None)
    p.add_argument("--note", help="备注")
    p.set_defaults(handler=cmd_correct)

    p = claim.add_parser("list", parents=[common], help="补贴申请列表")
    p.add_argument("--class", dest="class_code", help="只列这个班级的")
    p.add_argument("--status", choices=STATUSES, help="只列这个状态的：" + "、".join(STATUSES))
    p.set_defaults(handler=cmd_list)
    p = claim.add_parser("show", parents=[common], help="一份申请：为什么是这个金额、申请条件、市里的决定")
    p.add_argument("number", help="申请编号")
    p.set_defaults(handler=cmd_show)


def _payee_options(p: argparse.ArgumentParser, default: str | None = "person") -> None:
    p.add_argument("--payee", choices=("person", "unit"), default=default,
                   help="支付对象：person 本人（社会保障卡银行账户，默认）或 unit 单位")
    p.add_argument("--payee-name", default="", help="收款单位名称（本人时默认为学员姓名）")
    p.add_argument("--account", default="", help="收款账户（本人时默认为登记的社保卡银行账户）")
    p.add_argument("--bank", default="", help="开户银行")
    p.add_argument("--uscc", default="", help="收款单位的统一社会信用代码")


def _payee(args):
    from jiangxin_desktop.services.subsidies import PayeeInput

    if args.payee is None:
        return None
    return PayeeInput(args.payee, args.payee_name, args.account, args.bank, args.uscc)


def _mark(line) -> str:
    return "✓" if line.ok else ("✗" if line.blocks else "！")


def _yuan(fen: int | None) -> str:
    from jiangxin_desktop.domain.money import yuan_sign

    return "—" if fen is None else yuan_sign(fen)


def cmd_check(args) -> int:
    from jiangxin_desktop.services.subsidies import STATUS_LABELS

    require_options(args, **{"--class": "班级编号"})
    ctx = open_cli_context(args, reads_only=True)
    try:
        rows = ctx.subsidy.check(args.class_code)
    finally:
        ctx.close()
    if args.json:
        for row in rows:
            data = row.to_json()
            emit({key: data[key] for key in CHECK_KEYS}, as_json=True)
        return 0
    if not rows:
        print(f"培训班 {args.class_code} 没有报名的学员。")
        return 0
    print("姓名\t身份证号\t可否申请\t申请金额\t补贴标准\t申请状态")
    for r in rows:
        status = f"{r.claim_number} {STATUS_LABELS.get(r.claim_status or '', '')}" if r.claim_number else "—"
        verdict = "可以申请" if r.eligible else "不能申请"
        amount = _yuan(r.amount_fen) if r.eligible else "—"
        print(f"{r.trainee_name}\t{r.id_masked}\t{verdict}\t{amount}\t{_yuan(r.standard_fen)}\t{status}")
    refused = [r for r in rows if not r.eligible]
    if refused:
        print("\n为什么不能申请：")
        for r in refused:
            failing = [x for x in (*r.gate_lines, *r.amount_lines) if not x.ok and x.blocks]
            print(f"{r.trainee_name}（{r.id_masked}）")
            for x in failing or [*r.amount_lines[-1:]]:
                print(f"  ✗ {x.rule}：{x.text}")
    eligible = [r for r in rows if r.eligible]
    print(f"\n共 {len(rows)} 人，可以申请 {len(eligible)} 人，合计 {_yuan(sum(r.amount_fen for r in eligible))}。")
    return 0


def cmd_create(args) -> int:
    from jiangxin_desktop.domain.idnumber import normalize_id
    from jiangxin_desktop.services.subsidies import CreateResult

    require_options(args, **{"--class": "班级编号"})
    if bool(args.id_numbers) == bool(args.all):
        raise KnownError("请用 --id 指定学员的身份证号（可多次给出），或用 --all 为全班填写（二者选一）。")
    ctx = open_cli_context(args)
    try:
        payee = _payee(args)
        if args.all:
            result = ctx.subsidy.create_for_class(args.class_code, args.payee, payee)
        else:
            rows = {r.trainee_uuid: r for r in ctx.subsidy.check(args.class_code)}
            result = CreateResult()
            for raw in args.id_numbers:
                found = ctx.registry.find_by_id_number(normalize_id(raw))
                row = rows.get(found.uuid) if found else None
                if row is None:
                    raise KnownError(f"身份证号 {raw.strip()} 的学员没有报名培训班 {args.class_code}。")
                try:
                    result.created.append(ctx.subsidy.create(row.enrollment_uuid, payee, args.note))
                except KnownError as refused:
                    reasons = getattr(refused, "reasons", None) or [refused.message]
                    result.skipped.append((row.trainee_name, reasons))
    finally:
        ctx.close()
    if not result.created:
        said = "；".join(f"{name}（{'；'.join(reasons)}）" for name, reasons in result.skipped)
        raise KnownError(f"没有生成补贴申请：{said or '班级没有报名的学员'}")
    lines = [f"已生成 {len(result.created)} 份补贴申请（草稿），请审核人审核。"]
    lines += [f"{r.number}\t{r.trainee_name}\t{r.id_masked}\t{_yuan(r.amount_fen)}" for r in result.created]
    if result.skipped:
        lines.append("未生成：")
        lines += [f"  {name}：{'；'.join(reasons)}" for name, reasons in result.skipped]
    emit(result.to_json(), as_json=args.json, text="\n".join(lines))
    return 0


def _done(args, action, describe) -> int:
    ctx = open_cli_context(args)
    try:
        record = action(ctx)
    finally:
        ctx.close()
    emit(record.to_json(), as_json=args.json, text=describe(record))
    return 0


def cmd_review(args) -> int:
    return _done(args, lambda ctx: ctx.subsidy.review(args.number),
                 lambda r: f"补贴申请 {r.number} 已审核（{r.trainee_name}，{_yuan(r.amount_fen)}），"
                 "将随下一次同步提交市里。")


def cmd_send_back(args) -> int:
    return _done(args, lambda ctx: ctx.subsidy.send_back(args.number, args.reason),
                 lambda r: f"补贴申请 {r.number} 已退回修改，现为草稿。")


def cmd_withdraw(args) -> int:
    return _done(args, lambda ctx: ctx.subsidy.withdraw(args.number, args.reason),
                 lambda r: f"补贴申请 {r.number} 已撤回。")


def cmd_correct(args) -> int:
    return _done(args, lambda ctx: ctx.subsidy.correct(args.number, _payee(args), args.note),
                 lambda r: f"已按现在的记录生成新申请 {r.number}（第 {r.revision} 版，更正 {r.supersedes_number}），"
                 "请审核人审核。")


def _line(r) -> str:
    return (f"{r.number}\t{r.status_label}\t{r.class_code}\t{r.trainee_name}\t{r.id_masked}\t"
            f"{_yuan(r.amount_fen)}")


def cmd_list(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        records = ctx.subsidy.list(args.class_code, args.status)
    finally:
        ctx.close()
    for r in records:
        emit(r.to_json(), as_json=args.json, text=_line(r))
    if not records and not args.json:
        print("没有符合条件的补贴申请。")
    return 0


def cmd_show(args) -> int:
    from jiangxin_desktop.domain.money import capital
    from jiangxin_desktop.domain.subsidy import KINDS
    from jiangxin_desktop.services.subsidies import PAYEE_LABELS

    ctx = open_cli_context(args, reads_only=True)
    try:
        d = ctx.subsidy.show(args.number)
    finally:
        ctx.close()
    r = d.record
    lines = [
        f"申请编号：{r.number}" + (f"（第 {r.revision} 版，更正 {r.supersedes_number}）" if r.supersedes_number else ""),
        f"状态：{r.status_label}",
        f"学员：{r.trainee_name}（{r.id_masked}）",
        f"培训班：{r.class_name}（{r.class_code}）",
        f"职业、等级：{r.occupation_name} {r.level_label}".rstrip(),
        f"证书：{r.certificate_number}（{r.certificate_date}）",
        f"补贴类别：{KINDS.get(r.kind, r.kind)}",
        f"补贴标准：{_yuan(r.standard_fen)}",
        f"申请金额：{_yuan(r.amount_fen)}（大写金额：{capital(r.amount_fen)}）",
        f"支付对象：{PAYEE_LABELS.get(r.payee_kind, r.payee_kind)} {r.payee_name}",
        f"收款账户：{d.payee_account or r.payee_account_masked}" + (f"（{r.payee_bank}）" if r.payee_bank else ""),
    ]
    if r.payee_uscc:
        lines.append(f"统一社会信用代码：{r.payee_uscc}")
    lines.append(f"填写：{r.created_by}" + (f"；审核：{r.reviewed_by}（{r.reviewed_at}）" if r.reviewed_by else ""))
    if r.note:
        lines.append(f"备注：{r.note}")
    if r.withdrawn_reason:
        lines.append(f"撤回原因：{r.withdrawn_reason}")
    if r.decided_amount_fen is not None:
        lines.append(f"核准金额：{_yuan(r.decided_amount_fen)}（大写金额：{capital(r.decided_amount_fen)}）")
    if r.decision_reason:
        lines.append(f"退回原因：{r.decision_reason}")
    if r.paid_on:
        lines.append(f"发放日期：{r.paid_on}")
    lines.append("\n为什么是这个金额")
    lines += [f"  {_mark(x)} {x.rule}：{x.text}" for x in d.amount_lines]
    lines.append("\n申请条件")
    lines += [f"  {_mark(x)} {x.rule}：{x.text}" for x in d.gate_lines]
    if d.conflicts:
        lines.append("\n填写后有变化（审核时将被拒绝）：")
        lines += [f"  ✗ {c}" for c in d.conflicts]
    if d.decisions:
        lines.append("\n市里的决定")
        words = {"approved": "核准", "returned": "退回", "paid": "已发放"}
        for x in d.decisions:
            said = [x["decided_at"], words.get(x["decision"], x["decision"])]
            said += [_yuan(x["amount_fen"])] if x["amount_fen"] is not None else []
            said += [x[k] for k in ("paid_on", "reason") if x[k]]
            unused = "" if x["applied"] == "applied" else f"（未采用：{x['note'] or x['applied']}）"
            lines.append("  " + " ".join(said) + unused)
    emit(d.to_json(), as_json=args.json, text="\n".join(lines))
    return 0
