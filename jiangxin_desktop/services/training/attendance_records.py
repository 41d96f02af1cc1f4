"""What attendance looks like to the windows and the command line: labels, rows, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.store.models import Attendance

ATTENDANCE_LABELS = {"present": "出勤", "late": "迟到", "early": "早退", "leave": "请假", "absent": "缺勤"}
ATTENDED = ("present", "late", "early")


class OutsideWindow(KnownError):
    """A sign-in or sign-out outside the session's window; ``window`` and ``moment`` as HH:MM."""

    def __init__(self, message: str, *, window: str, moment: str, sign_in: bool) -> None:
        super().__init__(message)
        self.window, self.moment, self.sign_in = window, moment, sign_in


class LateEntry(KnownError):
    """A time typed in longer after the session than the catalog allows: a 补签 now."""


@dataclass(frozen=True)
class AttendanceRow:
    enrollment_uuid: str
    trainee_name: str
    id_number: str
    status: str | None  # None: nothing recorded yet
    sign_in_at: str | None
    sign_out_at: str | None
    counted: int = 0  # class hours this session counts for the person
    reason: str = ""  # why it counts less than the session's hours
    makeup: str | None = None  # 补签: pending | approved | rejected
    attendance_uuid: str | None = None


@dataclass(frozen=True)
class RateRow:
    enrollment_uuid: str
    trainee_name: str
    attended_hours: int
    total_hours: int  # hours of the sessions held so far
    threshold: float
    planned_hours: int = 0  # the whole timetable
    untimed: int = 0  # 出勤/迟到/早退 sessions without a sign-in time: counted 0 until a 补签

    @property
    def rate(self) -> float:
        return self.attended_hours / self.total_hours if self.total_hours else 0.0

    @property
    def meets_threshold(self) -> bool:
        return self.total_hours > 0 and self.rate >= self.threshold


def hhmm_on(moment: datetime, day: date) -> str:
    """HH:MM, with the date when it is not the session's day."""
    local = moment.astimezone()
    return f"{local:%H:%M}" if local.date() == day else f"{local:%Y-%m-%d %H:%M}"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def snapshot(row: Attendance) -> dict:
    """The row as its audit event records it."""
    data = {"status": row.status, "sign_in_at": row.sign_in_at, "sign_out_at": row.sign_out_at}
    if row.note:
        data["note"] = row.note
    if row.makeup:
        data.update(
            makeup=row.makeup,
            makeup_reason=row.makeup_reason,
            makeup_sign_in_at=row.makeup_sign_in_at,
            makeup_sign_out_at=row.makeup_sign_out_at,
            makeup_by=row.makeup_by,
            makeup_reviewed_by=row.makeup_reviewed_by,
        )
    return data
