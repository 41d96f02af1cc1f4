"""Which class, session and trainee an ``attendance`` command names, and its times (HH:MM).

Shared by attendance_commands.py and makeup_commands.py (which attendance_commands registers).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time

from jiangxin_desktop.cli.enrollment_commands import find_enrollment, find_trainee, require_options
from jiangxin_desktop.errors import FieldError, KnownError, ValidationError


def add_target(p: argparse.ArgumentParser, *, session: bool, trainee: bool) -> None:
    p.add_argument("--class", dest="class_code", help="班级编号（必填）")
    if session:
        p.add_argument("--session", help="第几次课（必填）")
    if trainee:
        p.add_argument("--id", dest="id_number", help="学员的公民身份号码（必填）")


def require_target(args, *, session: bool = False, trainee: bool = False) -> None:
    options = {"--class": "班级编号"}
    if session:
        options["--session"] = "第几次课"
    if trainee:
        options["--id"] = "公民身份号码"
    require_options(args, **options)


def session_of(klass, raw: str):
    try:
        number = int(raw.strip())
    except ValueError:
        number = 0
    for s in klass.sessions:
        if s.number == number:
            return s
    raise KnownError(
        f"培训班 {klass.code} 没有第 {raw} 次课（共 {len(klass.sessions)} 次）。请用 class show 查看课次。"
    )


def hhmm(iso: str | None) -> str | None:
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%H:%M")


def at_time(day: date, raw: str | None) -> str | None:
    """HH:MM on the session's day, local time, as the UTC instant the services store."""
    from jiangxin_desktop.cli.class_input import parse_hhmm

    if not raw:
        return None
    parsed = parse_hhmm(raw)
    if parsed is None:
        raise ValidationError([FieldError("时间", f"“{raw}”应写成 08:30")])
    moment = datetime.combine(day, time(int(parsed[:2]), int(parsed[3:]))).astimezone()
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def in_class(ctx, args):
    """The class, the session and the trainee's enrolment the options name."""
    klass = ctx.classes.get(args.class_code)
    sess = session_of(klass, args.session)
    trainee = find_trainee(ctx, args.id_number)
    return klass, sess, trainee, find_enrollment(ctx, klass, trainee)
