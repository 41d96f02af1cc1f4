"""``jiangxin-desktop audit verify | reanchor | list``: the chain's check, its re-anchoring, and
操作日志 as the window shows it (names, labels, local time)."""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit


def register(audit: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = audit.add_parser("verify", parents=[common], help="校验操作日志的哈希链，报告第一处断点")
    p.set_defaults(handler=cmd_audit_verify)
    p = audit.add_parser(
        "reanchor",
        parents=[common],
        help="查明日志问题后重新锚定（管理员；旧锚点文件保留，本操作记入日志）",
    )
    p.set_defaults(handler=cmd_audit_reanchor)
    p = audit.add_parser(
        "list", parents=[common], help="列出操作日志（最近的在前；姓名、本地时间，代码写成文字；号码遮盖）"
    )
    p.add_argument("--action", help="只列这一种操作，例如 trainee.register")
    p.add_argument("--actor", help="只列这个用户名的操作")
    p.add_argument("--since", metavar="日期", help="从这一天起（含），例如 2026-12-01")
    p.add_argument("--until", metavar="日期", help="到这一天止（含）")
    p.add_argument("--text", help="对象或内容包含的文字（学员姓名或身份证号也可以）")
    p.add_argument("--limit", type=int, default=50, help="最多列出多少条（默认 50，最多 500）")
    p.set_defaults(handler=cmd_audit_list)


def cmd_audit_list(args) -> int:
    from jiangxin_desktop.errors import KnownError
    from jiangxin_desktop.services.audit.display import event_in_words, load_names, mask_numbers
    from jiangxin_desktop.services.audit.trail import list_events

    if not 1 <= args.limit <= 500:
        raise KnownError("--limit 应在 1 到 500 之间。")
    ctx = open_cli_context(args, reads_only=True)
    try:
        rows = list_events(
            ctx.db,
            action=args.action,
            actor=args.actor,
            text_filter=args.text,
            since=args.since,
            until=args.until,
            limit=args.limit,
        )
        names = load_names(ctx.db, rows)
        events = [event_in_words(row, ctx.codes, names) for row in rows]
    finally:
        ctx.close()
    lines = [f"{e['time']}  {e['actor_name']}  {e['action_label']}  {e['object']}" for e in events]
    text = mask_numbers("\n".join(lines) or "没有符合条件的操作记录。")
    emit({"events": events}, as_json=args.json, text=text)
    return 0


def cmd_audit_reanchor(args) -> int:
    from jiangxin_desktop.database_files import anchor_path
    from jiangxin_desktop.services.audit.anchor import reanchor
    from jiangxin_desktop.services.security.users import require_role

    ctx = open_cli_context(args)
    try:
        assert ctx.user is not None
        require_role(ctx.user, "admin", action="重新锚定操作日志")
        result = reanchor(ctx.db, anchor_path(ctx.paths), ctx.user.username)
    finally:
        ctx.close()
    kept = f"旧锚点保留为 {result['old_anchor_kept_as']}。" if result["old_anchor_kept_as"] else ""
    emit(
        result,
        as_json=args.json,
        text=f"已重新锚定：操作日志现有 {result['anchored_events']} 条。{kept}原来的问题：{result['previous']['problem']}",
    )
    return 0


def cmd_audit_verify(args) -> int:
    from jiangxin_desktop.database_files import anchor_path
    from jiangxin_desktop.services.audit.trail import describe_report, verify_chain
    from jiangxin_desktop.services.security.users import require_role

    ctx = open_cli_context(args, reads_only=True)
    try:
        assert ctx.user is not None
        require_role(ctx.user, "reviewer", "admin", action="校验操作日志")
        report = verify_chain(ctx.db, anchor_path(ctx.paths))
    finally:
        ctx.close()
    emit(report.to_json(), as_json=args.json, text=describe_report(report))
    return 0 if report.ok_overall else 1
