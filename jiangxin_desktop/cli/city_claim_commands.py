"""``jiangxin-desktop city claims`` and ``city decide-claim``: the city's view of the stations'
subsidy claims, and its decisions on them (核准 / 退回 / 发放), which go back down signed."""

from __future__ import annotations

import argparse
from typing import Any

from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.errors import KnownError


def register(city: argparse._SubParsersAction, common: argparse.ArgumentParser, *, directory: Any,
             errors: Any) -> None:
    p = city.add_parser("claims", parents=[common], help="服务站报来的补贴申请及市里的决定")
    directory(p)
    p.add_argument("--station", metavar="编码", help="只列这个服务站的")
    p.add_argument("--status", metavar="状态", help="只列这种状态的：已提交 / 已核准 / 已退回 / 已发放")
    p.set_defaults(handler=errors(cmd_claims))

    p = city.add_parser("decide-claim", parents=[common], help="对补贴申请作出决定：核准、退回或发放")
    directory(p)
    p.add_argument("--claim", required=True, metavar="申请编号", help="补贴申请的申请编号")
    p.add_argument("--decision", required=True, metavar="决定", help="核准 / 退回 / 发放（或 approve / return / pay）")
    p.add_argument("--amount", metavar="元", help="核准金额（元；默认为申请金额，不能超过它）")
    p.add_argument("--reason", metavar="原因", help="退回原因（退回时必填）")
    p.add_argument("--paid-on", metavar="日期", help="发放日期，例如 2026-12-20（发放时必填）")
    p.add_argument("--by", metavar="姓名", help="作出决定的人（默认：当前系统用户）")
    p.set_defaults(handler=errors(cmd_decide))


def _yuan(fen: int | None) -> str:
    from jiangxin_desktop.domain.money import yuan_sign

    return "—" if fen is None else yuan_sign(fen)


def _line(claim: Any) -> str:
    decided = ""
    if claim.status == "approved":
        decided = f"核准金额 {_yuan(claim.decided_amount_fen)}"
    elif claim.status == "returned":
        decided = f"退回原因：{claim.reason}"
    elif claim.status == "paid":
        decided = f"核准金额 {_yuan(claim.decided_amount_fen)}，发放日期 {claim.paid_on}"
    return "\t".join(part for part in (
        claim.number, claim.station_code, claim.status_label, claim.trainee_name,
        f"{claim.occupation_name}{claim.level}", f"申请金额 {_yuan(claim.amount_fen)}", decided) if part)


def cmd_claims(args: argparse.Namespace) -> int:
    from jiangxin_desktop.city.claims import list_claims
    from jiangxin_desktop.cli.city_common import open_city as _receiver

    receiver = _receiver(args)
    try:
        claims = list_claims(receiver.store, args.station, args.status)
    finally:
        receiver.close()
    emit({"claims": [c.to_json() for c in claims]}, as_json=args.json,
         text="\n".join(_line(c) for c in claims) or "没有符合条件的补贴申请。")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from jiangxin_desktop.city.claims import decide_claim
    from jiangxin_desktop.cli.city_common import open_city as _receiver
    from jiangxin_desktop.cli.city_common import who as _who
    from jiangxin_desktop.domain.money import MoneyError, parse_yuan

    amount = None
    if args.amount is not None:
        try:
            amount = parse_yuan(args.amount)
        except MoneyError as exc:
            raise KnownError(f"核准金额{exc}") from None
    receiver = _receiver(args)
    try:
        decided = decide_claim(receiver, args.claim, args.decision, amount_fen=amount, reason=args.reason,
                               paid_on=args.paid_on, by=args.by or _who())
    finally:
        receiver.close()
    emit(decided.to_json(), as_json=args.json,
         text=f"补贴申请 {decided.number} 现为{decided.status_label}。服务站下次同步（或导入 U 盘）时收到这一决定。\n"
              + _line(decided))
    return 0
