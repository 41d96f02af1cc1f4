"""``attendance makeup | makeups | approve-makeup | reject-makeup``: 补签 and its review.

A sign-in or sign-out outside the session's window is refused; a clerk records it anyway
as a 补签 with the claimed times and a reason. It counts no hours until a reviewer (another
person) approves it.
"""

from __future__ import annotations

import argparse

from jiangxin_desktop.cli.attendance_input import at_time, hhmm, in_class, require_target
from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError


def register(attendance: argparse._SubParsersAction, common: argparse.ArgumentParser, target) -> None:
    """``target(parser, session=…, trainee=…)`` adds --class/--session/--id as the other commands have them."""
    p = attendance.add_parser(
        "makeup", parents=[common], help="补签：记录签到时间窗以外的签到/签退，写明原因，待审核人批准"
    )
    target(p, session=True, trainee=True)
    p.add_argument("--at", help="补签的签到时间 HH:MM（课次当天）")
    p.add_argument("--out", help="补签的签退时间 HH:MM（课次当天）")
    p.add_argument("--reason", default="", help="补签原因（必填），如“扫码枪故障，按纸质签到表补录”")
    p.set_defaults(handler=cmd_makeup)

    p = attendance.add_parser("makeups", parents=[common], help="培训班的补签记录（--pending 只列待审核的）")
    target(p, session=False, trainee=False)
    p.add_argument("--pending", action="store_true", help="只列出等待审核的补签")
    p.set_defaults(handler=cmd_makeups)

    for name, help_text in (("approve-makeup", "批准补签（审核人）"), ("reject-makeup", "驳回补签（审核人）")):
        p = attendance.add_parser(name, parents=[common], help=help_text)
        target(p, session=True, trainee=True)
        if name == "reject-makeup":
            p.add_argument("--reason", default="", help="驳回原因（必填）")
        p.set_defaults(handler=cmd_review, approve=name == "approve-makeup")


def makeup_json(m) -> dict:
    return {
        "class_code": m.class_code,
        "session": m.session_number,
        "session_day": m.session_day.isoformat(),
        "session_time": f"{m.start_time}–{m.end_time}",
        "attendance_uuid": m.attendance_uuid,
        "enrollment_uuid": m.enrollment_uuid,
        "trainee_name": m.trainee_name,
        "trainee_id_number": mask_id(m.id_number),
        "sign_in": hhmm(m.sign_in_at),
        "sign_out": hhmm(m.sign_out_at),
        "reason": m.reason,
        "requested_by": m.requested_by,
        "state": m.state,
        "state_label": m.state_label,
        "reviewed_by": m.reviewed_by,
    }


def _text(data: dict) -> str:
    times = "  ".join(
        f"{word} {data[key]}" for word, key in (("签到", "sign_in"), ("签退", "sign_out")) if data[key]
    )
    who = f"{data['requested_by']} 提出" + (f"，{data['reviewed_by']} 审核" if data["reviewed_by"] else "")
    return (
        f"第 {data['session']} 次课（{data['session_day']}）\t{data['trainee_name']}\t{data['trainee_id_number']}\t"
        f"{times}\t{data['state_label']}\t原因：{data['reason']}（{who}）"
    )


def cmd_makeup(args) -> int:
    require_target(args, session=True, trainee=True)
    if not (args.at or args.out):
        raise KnownError("请用 --at 给出补签的签到时间，或用 --out 给出签退时间（HH:MM）。")
    if not args.reason.strip():
        raise KnownError("请用 --reason 写明补签原因，如 --reason 扫码枪故障，按纸质签到表补录。")
    ctx = open_cli_context(args)
    try:
        _klass, sess, _trainee, enrollment = in_class(ctx, args)
        made = ctx.attendance.request_makeup(
            sess.uuid,
            enrollment.uuid,
            sign_in_at=at_time(sess.day, args.at),
            sign_out_at=at_time(sess.day, args.out),
            reason=args.reason,
        )
    finally:
        ctx.close()
    data = makeup_json(made)
    emit(data, as_json=args.json, text=f"已记录补签，等待审核人批准后计入课时：{_text(data)}")
    return 0


def cmd_makeups(args) -> int:
    require_target(args)
    ctx = open_cli_context(args, reads_only=True)
    try:
        klass = ctx.classes.get(args.class_code)
        rows = ctx.attendance.makeups(klass.uuid, pending_only=args.pending)
    finally:
        ctx.close()
    for m in rows:
        data = makeup_json(m)
        emit(data, as_json=args.json, text=_text(data))
    if not rows and not args.json:
        print(f"培训班 {klass.code} 没有{'待审核的' if args.pending else ''}补签。")
    return 0


def cmd_review(args) -> int:
    require_target(args, session=True, trainee=True)
    if not args.approve and not args.reason.strip():
        raise KnownError("请用 --reason 写明驳回原因。")
    ctx = open_cli_context(args)
    try:
        klass, sess, trainee, enrollment = in_class(ctx, args)
        found = next(
            (
                m
                for m in ctx.attendance.makeups(klass.uuid)
                if m.session_number == sess.number and m.enrollment_uuid == enrollment.uuid
            ),
            None,
        )
        if found is None:
            raise KnownError(
                f"{trainee.name} 在培训班 {klass.code} 第 {sess.number} 次课没有补签记录。"
                f"请用 attendance makeups --class {klass.code} --pending 查看待审核的补签。"
            )
        if args.approve:
            done = ctx.attendance.approve_makeup(found.attendance_uuid)
        else:
            done = ctx.attendance.reject_makeup(found.attendance_uuid, args.reason)
    finally:
        ctx.close()
    data = makeup_json(done)
    emit(data, as_json=args.json, text=_text(data))
    return 0
