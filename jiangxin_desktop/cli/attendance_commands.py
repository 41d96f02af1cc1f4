"""``attendance …`` and ``assessment record``: 考勤 per session and 考核 at the end.

Sign-in and sign-out take the ID number as a scanner types it; ``--at HH:MM`` records a
time on the session's day (entering a paper sign-in sheet afterwards), otherwise now. A time
outside the session's window is refused; ``attendance makeup`` records it as a 补签
(makeup_commands.py). ``set --status 出勤|迟到`` signs in now, ``早退`` signs out now.
"""

from __future__ import annotations

import argparse
from datetime import date

from jiangxin_desktop.cli import makeup_commands, untimed_commands
from jiangxin_desktop.cli.attendance_input import (
    add_target,
    at_time,
    hhmm,
    in_class,
    require_target,
    session_of,
)
from jiangxin_desktop.cli.enrollment_commands import find_enrollment, find_trainee
from jiangxin_desktop.cli.login import open_cli_context
from jiangxin_desktop.cli.output import emit
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import FieldError, KnownError, ValidationError

STATUS_WORDS = "出勤|迟到|早退|请假|缺勤（或 present|late|early|leave|absent）"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    attendance = sub.add_parser("attendance", help="考勤").add_subparsers(
        dest="attendance_command", required=True
    )
    for name, help_text in (
        ("checkin", "签到（开课前规定时间起至下课；迟于开始时间为迟到）"),
        ("checkout", "签退（签到后至下课后规定时间；早于结束时间为早退）"),
    ):
        p = attendance.add_parser(name, parents=[common], help=help_text)
        add_target(p, session=True, trainee=True)
        p.add_argument("--at", help="时间 HH:MM（课次当天；默认为现在）")
        p.set_defaults(handler=cmd_scan, sign_in=name == "checkin")

    p = attendance.add_parser(
        "set", parents=[common], help="记录考勤状态（出勤、迟到即现在签到，早退即现在签退）"
    )
    add_target(p, session=True, trainee=True)
    p.add_argument("--status", help=STATUS_WORDS)
    p.add_argument("--note", default="", help="备注，如请假事由")
    p.set_defaults(handler=cmd_set)

    p = attendance.add_parser("sheet", parents=[common], help="一次课的签到表")
    add_target(p, session=True, trainee=False)
    p.set_defaults(handler=cmd_sheet)

    p = attendance.add_parser("rates", parents=[common], help="每名学员的出勤率，是否达到补贴要求")
    add_target(p, session=False, trainee=False)
    p.set_defaults(handler=cmd_rates)
    makeup_commands.register(attendance, common, add_target)
    untimed_commands.register(attendance, common)

    assessment = sub.add_parser("assessment", help="考核").add_subparsers(
        dest="assessment_command", required=True
    )
    p = assessment.add_parser("record", parents=[common], help="记录考核成绩或结果（再次记录即更正）")
    add_target(p, session=False, trainee=True)
    p.add_argument("--theory", help="理论成绩 0–100")
    p.add_argument("--practical", help="实操成绩 0–100")
    p.add_argument("--result", help="合格|不合格（不填则按合格分数判定）")
    p.add_argument("--date", help="考核日期 YYYY-MM-DD（默认为今天）")
    p.add_argument("--retake", action="store_true", help="补考（仅限上次不合格）")
    p.set_defaults(handler=cmd_assessment)


def _status_label(status: str | None) -> str:
    from jiangxin_desktop.services.training.attendance import ATTENDANCE_LABELS

    return ATTENDANCE_LABELS.get(status or "", "未记录")


def _row_json(klass, sess, row) -> dict:
    return {
        "class_code": klass.code,
        "session": sess.number,
        "enrollment_uuid": row.enrollment_uuid,
        "trainee_name": row.trainee_name,
        "trainee_id_number": mask_id(row.id_number),
        "status": row.status,
        "status_label": _status_label(row.status),
        "sign_in": hhmm(row.sign_in_at),
        "sign_out": hhmm(row.sign_out_at),
        "counted_hours": row.counted,
        "counted_reason": row.reason,
        "makeup": row.makeup,
    }


def _row_text(data: dict) -> str:
    times = "  ".join(
        f"{word} {data[key]}" for word, key in (("签到", "sign_in"), ("签退", "sign_out")) if data[key]
    )
    counted = f"计 {data['counted_hours']} 课时" if data["status"] else ""
    if data["counted_reason"] and data["status"]:
        counted += f"（{data['counted_reason']}）"
    if data["makeup"] == "pending":
        counted += "  补签待审核"
    return f"{data['trainee_name']}\t{data['trainee_id_number']}\t{data['status_label']}\t{times}\t{counted}".rstrip()


def cmd_scan(args) -> int:
    from jiangxin_desktop.services.training.attendance import LateEntry, OutsideWindow

    require_target(args, session=True, trainee=True)
    ctx = open_cli_context(args)
    try:
        klass, sess, trainee, _ = in_class(ctx, args)
        scan = ctx.attendance.check_in if args.sign_in else ctx.attendance.check_out
        try:
            row = scan(sess.uuid, trainee.id_number, at=at_time(sess.day, args.at))
        except OutsideWindow as exc:
            option = "--at" if args.sign_in else "--out"
            raise KnownError(
                f"{exc.message}\n补签：attendance makeup --class {klass.code} --session {sess.number} "
                f"--id … {option} {exc.moment[-5:]} --reason 原因（审核人批准后才计课时）"
            ) from None
        except LateEntry as exc:
            option = "--at" if args.sign_in else "--out"
            raise KnownError(
                f"{exc.message}\n补签：attendance makeup --class {klass.code} --session {sess.number} "
                f"--id … {option} {args.at or 'HH:MM'} --reason 原因（审核人批准后才计课时）"
            ) from None
    finally:
        ctx.close()
    data = _row_json(klass, sess, row)
    word = "签到" if args.sign_in else "签退"
    emit(data, as_json=args.json, text=f"第 {sess.number} 次课{word}：{_row_text(data)}")
    return 0


def cmd_set(args) -> int:
    from jiangxin_desktop.services.training.attendance import ATTENDANCE_LABELS

    require_target(args, session=True, trainee=True)
    raw = (args.status or "").strip()
    status = next((code for code, label in ATTENDANCE_LABELS.items() if raw in (code, label)), None)
    if status is None:
        raise KnownError(f"请用 --status 给出考勤状态：{STATUS_WORDS}。")
    ctx = open_cli_context(args)
    try:
        klass, sess, _, enrollment = in_class(ctx, args)
        row = ctx.attendance.set_status(sess.uuid, enrollment.uuid, status, args.note)
    finally:
        ctx.close()
    data = _row_json(klass, sess, row)
    emit(data, as_json=args.json, text=f"第 {sess.number} 次课：{_row_text(data)}")
    return 0


def cmd_sheet(args) -> int:
    require_target(args, session=True)
    ctx = open_cli_context(args, reads_only=True)
    try:
        klass = ctx.classes.get(args.class_code)
        sess = session_of(klass, args.session)
        rows = ctx.attendance.sheet(sess.uuid)
    finally:
        ctx.close()
    if not args.json:
        print(
            f"签到表 培训班 {klass.code} 第 {sess.number} 次课 {sess.day} {sess.start_time}–{sess.end_time}"
            f"（{sess.hours} 课时）"
        )
    counts: dict[str, int] = {}
    for row in rows:
        data = _row_json(klass, sess, row)
        counts[data["status_label"]] = counts.get(data["status_label"], 0) + 1
        emit(data, as_json=args.json, text=_row_text(data))
    if not args.json:
        print(
            f"共 {len(rows)} 人：" + "，".join(f"{k} {v}" for k, v in counts.items())
            if rows
            else "花名册为空。"
        )
    return 0


def cmd_rates(args) -> int:
    require_target(args)
    ctx = open_cli_context(args, reads_only=True)
    try:
        klass = ctx.classes.get(args.class_code)
        rows = ctx.attendance.rates(klass.uuid)
        ids = {e.uuid: e.trainee_id_number for e in ctx.enrollments.list(klass.uuid)}
    finally:
        ctx.close()
    if not args.json and rows:
        print(f"培训班 {klass.code}：补贴要求出勤率不低于 {rows[0].threshold:.0%}")
    for r in rows:
        data = {
            "class_code": klass.code,
            "enrollment_uuid": r.enrollment_uuid,
            "trainee_name": r.trainee_name,
            "trainee_id_number": mask_id(ids.get(r.enrollment_uuid, "")),
            "attended_hours": r.attended_hours,
            "total_hours": r.total_hours,
            "rate": round(r.rate, 4),
            "threshold": r.threshold,
            "meets_threshold": r.meets_threshold,
            "untimed_sessions": r.untimed,
        }
        text = (
            f"{r.trainee_name}\t{data['trainee_id_number']}\t{r.attended_hours}/{r.total_hours} 课时\t"
            f"{r.rate:.1%}\t{'达到' if r.meets_threshold else '未达到'}"
        )
        if r.untimed:
            text += f"\t其中 {r.untimed} 次出勤没有签到时间，未计课时，可补签"
        emit(data, as_json=args.json, text=text)
    if not rows and not args.json:
        print(f"培训班 {klass.code} 还没有学员。")
    elif any(r.untimed for r in rows) and not args.json:
        print(f"没有签到时间的出勤记录：attendance untimed --class {klass.code}（按纸质签到表补签，审核人批准后计入课时）")
    return 0


def _score(raw: str | None, label: str, errors: list[FieldError]) -> float | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.append(FieldError(label, f"“{raw}”不是数字"))
        return None
    if not 0 <= value <= 100:
        errors.append(FieldError(label, "成绩应在 0–100 之间"))
    return value


def cmd_assessment(args) -> int:
    from jiangxin_desktop.cli.class_input import parse_day
    from jiangxin_desktop.services.training.attendance import RESULT_LABELS

    require_target(args, trainee=True)
    errors: list[FieldError] = []
    theory = _score(args.theory, "理论成绩", errors)
    practical = _score(args.practical, "实操成绩", errors)
    result = None
    if args.result:
        raw = args.result.strip()
        result = next((code for code, label in RESULT_LABELS.items() if raw in (code, label)), None)
        if result is None:
            errors.append(FieldError("考核结果", f"“{raw}”应为 合格 或 不合格"))
    day = date.today()
    if args.date:
        day = parse_day(args.date) or day
        if parse_day(args.date) is None:
            errors.append(FieldError("考核日期", f"“{args.date}”应写成 2026-12-10"))
    if errors:
        raise ValidationError(errors)
    ctx = open_cli_context(args)
    try:
        klass = ctx.classes.get(args.class_code)
        trainee = find_trainee(ctx, args.id_number)
        enrollment = find_enrollment(ctx, klass, trainee)
        record = ctx.attendance.record_assessment(
            enrollment.uuid,
            theory=theory,
            practical=practical,
            assessed_on=day,
            result=result,
            retake=args.retake,
        )
    finally:
        ctx.close()
    data = {
        "class_code": klass.code,
        "trainee_name": trainee.name,
        "trainee_id_number": mask_id(trainee.id_number),
        "uuid": record.uuid,
        "enrollment_uuid": record.enrollment_uuid,
        "attempt": record.attempt,
        "theory_score": record.theory_score,
        "practical_score": record.practical_score,
        "result": record.result,
        "result_label": RESULT_LABELS[record.result],
        "assessed_on": record.assessed_on.isoformat(),
    }
    scores = "，".join(
        f"{label} {value:g}"
        for label, value in (("理论", record.theory_score), ("实操", record.practical_score))
        if value is not None
    )
    attempt = f"第 {record.attempt} 次考核" if record.attempt == 1 else f"第 {record.attempt - 1} 次补考"
    text = (
        f"{trainee.name} {data['trainee_id_number']} {attempt}（{record.assessed_on}）："
        f"{data['result_label']}"
    )
    emit(data, as_json=args.json, text=text + (f"（{scores}）" if scores else ""))
    return 0
