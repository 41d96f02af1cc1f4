"""``jiangxin-desktop certificate …``: issue, list, show, reprint (补发), revoke and verify.

``certificate verify`` needs no login: it checks a scanned QR payload with the station's
keys in the local database (and says when that database knows the certificate was
revoked), or, with ``--public-key``, with a station's public key file and no database.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.enrollment_commands import require_options
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError, describe_error

EXIT_NOT_VALID = 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser("certificate", help="证书")
    cert = top.add_subparsers(dest="certificate_command", required=True)
    p = cert.add_parser("issue", parents=[common], help="给已结业班级的合格学员发证（经办人或管理员）")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.add_argument("--date", help="发证日期，如 2026-12-20（默认为班级的结业日期；不能早于结业日期，不能晚于今天）")
    p.set_defaults(handler=cmd_issue)

    p = cert.add_parser("list", parents=[common], help="班级的证书（身份证号遮盖）")
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    p.set_defaults(handler=cmd_list)

    p = cert.add_parser("show", parents=[common], help="一张证书及其二维码内容")
    p.add_argument("number", help="证书编号")
    p.set_defaults(handler=cmd_show)

    p = cert.add_parser("reprint", parents=[common], help="补发：编号不变，证书上注明补发（经办人或管理员）")
    p.add_argument("number", help="证书编号")
    p.add_argument("--reason", default="", help="补发原因，如 原证遗失（必填）")
    p.set_defaults(handler=cmd_reprint)

    p = cert.add_parser("revoke", parents=[common], help="撤销证书（审核人或管理员）")
    p.add_argument("number", help="证书编号")
    p.add_argument("--reason", default="", help="撤销原因（必填）")
    p.set_defaults(handler=cmd_revoke)

    p = cert.add_parser("verify", parents=[common], help="核验证书二维码（不需要登录）")
    p.add_argument("payload", help="扫描二维码得到的文字：核验地址（…?c=JX1:…）、以中文开头的文字或 JX1: 开头的签名数据")
    p.add_argument("--public-key", help="签发服务站的公钥文件（PEM）；不给时使用本机数据库中的公钥")
    p.set_defaults(handler=cmd_verify)


def _line(r) -> str:
    flags = ("\t补发" + (f"×{r.reissue_count}" if r.reissue_count > 1 else "")) if r.reissued else ""
    return (
        f"{r.number}\t{r.status_label}\t{r.trainee_name}\t{mask_id(r.trainee_id_number)}\t"
        f"{r.certificate_type_label}\t{r.issue_date}{flags}"
    )


def _json(r) -> dict:
    data = r.to_json()
    data["trainee_id_number"] = mask_id(r.trainee_id_number)
    return data


def cmd_issue(args) -> int:
    from jiangxin_desktop.cli.class_input import parse_day  # loads the data layer: not at start-up

    require_options(args, **{"--class": "班级编号"})
    day = None
    if args.date:
        day = parse_day(args.date)
        if day is None:
            raise KnownError(f"发证日期“{args.date}”无法识别，请写成 2026-12-20。")
    ctx = open_cli_context(args)
    try:
        result = ctx.certificates.issue(args.class_code, issue_date=day)
    finally:
        ctx.close()
    obj = {
        "issued": [_json(r) for r in result.issued],
        "skipped": [{"name": s.name, "reason": s.reason} for s in result.skipped],
        "note": result.note,
    }
    lines = [f"已发放 {len(result.issued)} 张证书。"] + ([result.note] if result.note else [])
    lines += [_line(r) for r in result.issued]
    if result.skipped:
        lines.append("未发放：" + "；".join(f"{s.name}（{s.reason}）" for s in result.skipped))
    emit(obj, as_json=args.json, text="\n".join(lines))
    return 0


def cmd_list(args) -> int:
    require_options(args, **{"--class": "班级编号"})
    ctx = open_cli_context(args, reads_only=True)
    try:
        records = ctx.certificates.list(args.class_code)
    finally:
        ctx.close()
    for r in records:
        emit(_json(r), as_json=args.json, text=_line(r))
    if not records and not args.json:
        print(f"培训班 {args.class_code} 还没有证书。")
    return 0


def cmd_show(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        record = ctx.certificates.get(args.number)
        payload = ctx.certificates.payload(record.number) if record.status == "valid" else None
        content = ctx.certificates.qr_content(record.number) if payload else None
    finally:
        ctx.close()
    text = _line(record)
    if record.revoked_reason:
        text += f"\n撤销原因：{record.revoked_reason}（{record.revoked_by}，{record.revoked_at}）"
    if content:
        text += f"\n二维码内容：{content}"
    emit({**_json(record), "qr_payload": payload, "qr_text": content}, as_json=args.json, text=text)
    return 0


def cmd_reprint(args) -> int:
    ctx = open_cli_context(args)
    try:
        record = ctx.certificates.reprint(args.number, args.reason)
    finally:
        ctx.close()
    text = f"证书 {record.number} 已登记第 {record.reissue_count} 次补发，打印时注明“补发”。"
    emit(_json(record), as_json=args.json, text=text)
    return 0


def cmd_revoke(args) -> int:
    ctx = open_cli_context(args)
    try:
        record = ctx.certificates.revoke(args.number, args.reason)
    finally:
        ctx.close()
    emit(_json(record), as_json=args.json, text=f"证书 {record.number} 已撤销。")
    return 0


def cmd_verify(args) -> int:
    from jiangxin_desktop.domain.codes import parse_code_catalog
    from jiangxin_desktop.paths import resolve_data_dir
    from jiangxin_desktop.services.catalog.codes import read_shipped_codes
    from jiangxin_desktop.services.certificates.payload import verify_payload

    if args.public_key:
        path = Path(args.public_key)
        try:
            pem = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnownError(f"无法读取公钥文件 {path}：{describe_error(exc, '不是 PEM 文本')}。") from None
        result = verify_payload(args.payload, [pem])  # no database: revocations unknown
        codes = parse_code_catalog(read_shipped_codes())
    else:
        if not resolve_data_dir(args.data_dir).database.exists():
            raise KnownError(
                "本机没有数据库，无法取得服务站公钥。请用 --public-key 指定签发服务站的公钥文件。"
            )
        ctx = open_cli_context(args, login=False, reads_only=True)  # no personal data: what the QR code says
        try:
            result = ctx.certificates.verify(args.payload)
            codes = ctx.codes
        finally:
            ctx.close()
    lines = [result.message]
    c = result.claims
    if c is not None:
        kind = codes["certificate_type"].label(c.certificate_type) or c.certificate_type
        level = (codes["skill_level"].label(c.level) or c.level) if c.level else ""
        lines += [
            f"证书编号：{c.number}" + (f"（第 {c.reissue} 次补发）" if c.reissue else ""),
            f"持证人：{c.masked_name}（{c.masked_id}）",
            f"证书：{kind}，{c.occupation_name}（{c.occupation_code}）" + (f" {level}" if level else ""),
            f"发证日期：{c.issue_date}，服务站 {c.station_code}，签名密钥 {result.key_id}",
        ]
    emit(result.to_json(), as_json=args.json, text="\n".join(lines))
    return 0 if result.valid else EXIT_NOT_VALID
