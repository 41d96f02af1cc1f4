"""``jiangxin-desktop sync …``: the station's side of sync to the city (issue 17).

``enroll FILE`` (administrator) imports the city's enrolment file; ``now`` sends over HTTPS;
``export --to DIR`` and ``import-receipts DIR`` do the same with a USB stick; ``status``, ``log``;
``approve BATCH`` (reviewer) when batches need review; ``retry-failed`` puts the records of
batches the city refused back in line; ``import-catalog FILE`` takes a catalog the city signed.
"""

from __future__ import annotations

import argparse
import sys

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sync = sub.add_parser("sync", help="同步到市里（注册、发送、U 盘交换、回执、状态）").add_subparsers(
        dest="sync_command", required=True
    )
    p = sync.add_parser("enroll", parents=[common], help="导入市里发来的注册文件（管理员）")
    p.add_argument("file", metavar="文件", help="注册文件的路径；- 表示从标准输入读入粘贴的注册文件内容")
    p.set_defaults(handler=cmd_enroll)
    p = sync.add_parser("now", parents=[common], help="立即同步：发送待发送的批次，取回执和新目录")
    p.add_argument("--force", action="store_true", help="不等重试时间，马上再试")
    p.set_defaults(handler=cmd_now)
    p = sync.add_parser("export", parents=[common], help="把待发送的批次写到 U 盘文件夹")
    p.add_argument("--to", required=True, metavar="文件夹", help="U 盘上的文件夹")
    p.set_defaults(handler=cmd_export)
    p = sync.add_parser("import-receipts", parents=[common], help="导入市里写回 U 盘的回执和目录")
    p.add_argument("folder", metavar="文件夹", help="U 盘上的文件夹（与 export --to 相同）")
    p.set_defaults(handler=cmd_import_receipts)
    p = sync.add_parser("status", parents=[common], help="同步状态：待送达记录、批次、上次成功、提醒")
    p.set_defaults(handler=cmd_status)
    p = sync.add_parser("log", parents=[common], help="同步日志（最近的在前）")
    p.add_argument("--limit", type=int, default=50, help="显示多少条（默认 50）")
    p.set_defaults(handler=cmd_log)
    p = sync.add_parser("approve", parents=[common], help="批准一个待审核的批次发出（审核人）")
    p.add_argument("batch", metavar="批次", help="批次编号，或第几批的数字")
    p.set_defaults(handler=cmd_approve)
    p = sync.add_parser("retry-failed", parents=[common], help="把市里拒收的批次中的记录重新排队发送")
    p.set_defaults(handler=cmd_retry_failed)
    p = sync.add_parser("import-catalog", parents=[common], help="导入市里签名的培训目录文件（catalog.jws）")
    p.add_argument("file", metavar="文件", help="catalog.jws 的路径")
    p.set_defaults(handler=cmd_import_catalog)


def cmd_enroll(args) -> int:
    source = sys.stdin.read() if args.file == "-" else args.file
    ctx = open_cli_context(args)
    try:
        info = ctx.sync.enrol(source)
    finally:
        ctx.close()
    then = ("本站已在市里注册，无须再做什么。" if info.registered
            else "请运行 sync now 完成注册，或用 sync export 经 U 盘交给市里。")
    emit(info.to_json(), as_json=args.json,
         text=f"已导入{info.city_name}的注册文件（服务站 {info.station_code}，市里地址 {info.url}）。{then}")
    return 0


def _progress(done: int, total: int, text: str) -> None:
    print(text, file=sys.stderr)


def _result_text(result) -> str:
    lines = []
    if result.registered:
        lines.append("市里已确认本站注册。")
    if result.sent or result.confirmed or result.rejected:
        lines.append(f"送出 {result.sent} 批：已确认 {result.confirmed} 批，被拒收 {result.rejected} 批。")
    if result.catalog_version:
        lines.append(f"已采用市里签名的培训目录 {result.catalog_version}。")
    if result.decisions and (result.decisions["applied"] or result.decisions["conflicts"] or result.decisions["unknown"]):
        d = result.decisions
        lines.append(f"市里的补贴决定：采用 {d['applied']} 条" + (f"，未能采用 {d['conflicts'] + d['unknown']} 条"
                                                         if d["conflicts"] or d["unknown"] else "") + "。")
    lines.extend(result.messages)
    if result.failed:
        lines.append(f"未完成：{result.failed}")
    return "\n".join(lines) or "没有需要同步的内容。"


def cmd_now(args) -> int:
    ctx = open_cli_context(args)
    try:
        result = ctx.sync.sync_now(None if args.json else _progress, force=args.force)
    finally:
        ctx.close()
    emit(result.to_json(), as_json=args.json, text=_result_text(result))
    return 1 if result.failed else 0


def cmd_export(args) -> int:
    ctx = open_cli_context(args)
    try:
        result = ctx.sync.export_to(args.to)
    finally:
        ctx.close()
    text = f"已写入 {result.folder}：{result.batches} 个批次" + ("和本站注册文件" if result.registration else "") + \
        "。请把 U 盘交给市里导入，取回后运行 sync import-receipts。"
    emit(result.to_json(), as_json=args.json, text=text)
    return 0


def cmd_import_receipts(args) -> int:
    ctx = open_cli_context(args)
    try:
        result = ctx.sync.import_receipts(args.folder)
    finally:
        ctx.close()
    emit(result.to_json(), as_json=args.json, text=_result_text(result))
    return 1 if result.failed else 0


def cmd_status(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        status = ctx.sync.status()
    finally:
        ctx.close()
    data = status.to_json()
    from jiangxin_desktop.services.sync import STATUS_LABELS as labels

    lines = [
        f"注册文件：{'是（' + status.enrolment.city_name + '）' if status.enrolment else '否'}；"
        f"注册：{'已确认' if status.registered else '未确认'}",
        f"待送达市里的记录：{status.unconfirmed_records} 条（其中尚未成批 {status.pending_records} 条）",
        "批次：" + "，".join(f"{labels[k]} {v}" for k, v in status.batches.items()),
        f"上次同步成功：{local_time(status.last_success_at) if status.last_success_at else '从未'}",
        f"市里的补贴决定：已收到第 {status.decisions_last or 0} 条为止"
        + (f"，{status.decision_conflicts} 条未能采用" if status.decision_conflicts else ""),
        *(f"提醒：{w}" for w in status.warnings),
    ]
    emit(data, as_json=args.json, text="\n".join(lines))
    return 0


def cmd_log(args) -> int:
    ctx = open_cli_context(args, reads_only=True)
    try:
        entries = ctx.sync.log(args.limit)
    finally:
        ctx.close()
    emit([e.to_json() for e in entries], as_json=args.json,
         text="\n".join(f"{local_time(e.at)}\t{e.actor}\t{e.summary}" for e in entries) or "还没有同步记录。")
    return 0


def cmd_approve(args) -> int:
    ctx = open_cli_context(args)
    try:
        batch = ctx.sync.approve(args.batch)
    finally:
        ctx.close()
    emit(batch.to_json(), as_json=args.json, text=f"已批准第 {batch.sequence} 批（{batch.record_count} 条记录）发出。")
    return 0


def cmd_retry_failed(args) -> int:
    ctx = open_cli_context(args)
    try:
        count = ctx.sync.retry_failed()
    finally:
        ctx.close()
    emit({"records": count}, as_json=args.json,
         text=f"已把 {count} 条记录重新排队，下次同步时发送。" if count else "没有被拒收的记录。")
    return 0


def cmd_import_catalog(args) -> int:
    ctx = open_cli_context(args)
    try:
        info = ctx.sync.import_catalog(args.file)
    finally:
        ctx.close()
    emit(info.to_json(), as_json=args.json, text=f"已采用市里签名的培训目录 {info.version}（发布于 {local_time(info.published_at)}）。")
    return 0


def local_time(value: str | None) -> str:
    """UTC ISO → local ``2026-12-03 14:05`` (imported here: the parser loads no SQLAlchemy)."""
    from jiangxin_desktop.services.audit.display import local_time as shown

    return shown(value)
