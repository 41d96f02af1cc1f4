"""When a check-in is accepted and how many class hours a recorded session counts.

The catalog's ``rules.attendance`` (all configurable; the shipped values are examples):

- ``checkin_before_start_minutes``: sign-in opens this long before the session starts; it
  closes at the session's end. A check-in outside that window is refused; recording it
  anyway is a 补签 with a reason, which counts nothing until a reviewer approves it.
- ``checkout_after_end_minutes``: a sign-out is accepted after the sign-in up to this long
  after the end (later: 补签).
- ``record_within_hours``: a time typed in afterwards (a paper sign-in sheet) is accepted up
  to this long after the session's end (default 24; 0: no limit); later entries are 补签.
  Attendance typed in weeks later is how fabricated attendance would arrive.
- ``late_limit_minutes`` / ``early_leave_limit_minutes``: a sign-in up to this late, a
  sign-out up to this early, still counts the whole session.
- ``beyond_limit``: later or earlier than that counts ``"minutes"`` (the session's hours in
  proportion to the minutes actually present between its start and end, rounded down to
  whole class hours; the default, because it never counts more than the recorded times
  show, yet does not wipe out a morning for one minute too many) or ``"zero"``.
- ``missing_signout``: a sign-in without a sign-out counts ``"zero"`` (the default: a
  person who signed in and left unseen has not shown presence) or ``"half"`` (half of what
  the sign-in would count, rounded down to whole class hours).

A catalog without ``rules.attendance`` (an older one) gets these defaults. Only 出勤, 迟到 and
早退 rows with a sign-in count; 请假 and 缺勤 count zero. Pure functions: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

MISSING_SIGNOUT = {"zero": "不计课时", "half": "计一半课时（不足一课时不计）"}
BEYOND_LIMIT = {"minutes": "按实际在场分钟数折算整课时", "zero": "不计课时"}
COUNTING = ("present", "late", "early")


@dataclass(frozen=True)
class AttendanceRules:
    checkin_before_start_minutes: int = 30
    checkout_after_end_minutes: int = 60
    record_within_hours: int = 24
    late_limit_minutes: int = 15
    early_leave_limit_minutes: int = 15
    beyond_limit: str = "minutes"
    missing_signout: str = "zero"


def parse_attendance_rules(raw: Any, problem: Callable[[str, str], None]) -> AttendanceRules:
    """``rules.attendance`` of a catalog document; every problem goes to ``problem(where, what)``."""
    if raw is None:
        return AttendanceRules()
    if not isinstance(raw, dict):
        problem("规则 attendance", "应为考勤规则的对应表")
        return AttendanceRules()
    defaults = AttendanceRules()
    values: dict[str, Any] = {}
    for key in (
        "checkin_before_start_minutes",
        "checkout_after_end_minutes",
        "late_limit_minutes",
        "early_leave_limit_minutes",
    ):
        value = raw.get(key, getattr(defaults, key))
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 240:
            values[key] = value
        else:
            problem(f"规则 attendance.{key}", "应为 0–240 之间的整数（分钟）")
    value = raw.get("record_within_hours", defaults.record_within_hours)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 31:
        values["record_within_hours"] = value
    else:
        problem("规则 attendance.record_within_hours", "应为 0–744 之间的整数（小时，0 为不限）")
    for key, choices in (("beyond_limit", BEYOND_LIMIT), ("missing_signout", MISSING_SIGNOUT)):
        value = raw.get(key, getattr(defaults, key))
        if value in choices:
            values[key] = value
        else:
            problem(f"规则 attendance.{key}", f"应为 {'、'.join(choices)} 之一")
    return AttendanceRules(**values)


@dataclass(frozen=True)
class SessionWindow:
    """A session's moments, aware local time."""

    start: datetime
    end: datetime
    opens: datetime  # first accepted sign-in
    out_closes: datetime  # last accepted sign-out

    def label(self) -> str:
        return f"{self.opens:%H:%M}–{self.end:%H:%M}"

    def out_label(self, sign_in: datetime | None) -> str:
        first = sign_in.astimezone() if sign_in else self.opens
        return f"{first:%H:%M}–{self.out_closes:%H:%M}"


def local_moment(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time(int(hhmm[:2]), int(hhmm[3:5]))).astimezone()


def session_window(day: date, start_time: str, end_time: str, rules: AttendanceRules) -> SessionWindow:
    start, end = local_moment(day, start_time), local_moment(day, end_time)
    return SessionWindow(
        start,
        end,
        start - timedelta(minutes=rules.checkin_before_start_minutes),
        end + timedelta(minutes=rules.checkout_after_end_minutes),
    )


def parse_moment(iso: str | None) -> datetime | None:
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Counted:
    hours: int
    reason: str  # why, in the clerk's words ("" when the session counts fully)


def counted_hours(
    window: SessionWindow,
    session_hours: int,
    status: str | None,
    sign_in: datetime | None,
    sign_out: datetime | None,
    rules: AttendanceRules,
) -> Counted:
    """The class hours a recorded row counts, from its times and the rules."""
    if status not in COUNTING:
        return Counted(0, "请假、缺勤不计课时" if status else "未记录")
    if sign_in is None:
        return Counted(0, "没有签到时间，不计课时")
    if sign_in >= window.end:
        return Counted(0, "签到晚于下课，不计课时")
    late = max(0.0, (sign_in - window.start).total_seconds() / 60)
    if sign_out is None:
        if rules.missing_signout == "zero":
            return Counted(0, "没有签退，按目录规则不计课时")
        whole = _beyond(window, session_hours, sign_in, window.end, late, 0.0, rules)
        return Counted(whole.hours // 2, "没有签退，按目录规则计一半课时")
    if sign_out <= sign_in:
        return Counted(0, "签退早于签到，不计课时")
    early = max(0.0, (window.end - sign_out).total_seconds() / 60)
    return _beyond(window, session_hours, sign_in, sign_out, late, early, rules)


def _beyond(
    window: SessionWindow,
    session_hours: int,
    sign_in: datetime,
    sign_out: datetime,
    late: float,
    early: float,
    rules: AttendanceRules,
) -> Counted:
    parts = []
    if late > rules.late_limit_minutes:
        parts.append(f"迟到 {late:.0f} 分钟（超过 {rules.late_limit_minutes} 分钟）")
    if early > rules.early_leave_limit_minutes:
        parts.append(f"早退 {early:.0f} 分钟（超过 {rules.early_leave_limit_minutes} 分钟）")
    if not parts:
        return Counted(session_hours, "")
    what = "，".join(parts)
    if rules.beyond_limit == "zero":
        return Counted(0, f"{what}，不计课时")
    present = (min(sign_out, window.end) - max(sign_in, window.start)).total_seconds() / 60
    length = (window.end - window.start).total_seconds() / 60
    hours = min(session_hours, max(0, int(session_hours * present // length))) if length > 0 else 0
    return Counted(hours, f"{what}，在场 {present:.0f} 分钟，计 {hours} 课时")


def hours_by_enrollment(
    sessions: Mapping[str, tuple[date, str, str, int]],
    rows: Iterable[tuple[str, str, str | None, str | None, str | None]],
    rules: AttendanceRules,
) -> dict[str, int]:
    """The class hours each enrolment counts over recorded ``rows`` (session uuid, enrolment uuid,
    status, sign-in, sign-out); ``sessions``: uuid → (day, start HH:MM, end HH:MM, hours).

    The one sum of counted hours: the attendance rates and the dashboard's summary both use it.
    """
    windows: dict[str, SessionWindow] = {}
    hours: dict[str, int] = {}
    for session_uuid, enrollment_uuid, status, sign_in, sign_out in rows:
        day, start, end, session_hours = sessions[session_uuid]
        window = windows.get(session_uuid)
        if window is None:
            window = windows[session_uuid] = session_window(day, start, end, rules)
        counted = counted_hours(window, session_hours, status, parse_moment(sign_in), parse_moment(sign_out), rules)
        hours[enrollment_uuid] = hours.get(enrollment_uuid, 0) + counted.hours
    return hours
