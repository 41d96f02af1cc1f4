"""Rows that say 出勤, 迟到 or 早退 but have no sign-in time: they count no hours until a 补签.

Attendance recorded before times were kept (an older database, upgraded) says the person
came, yet shows no presence: by the rules (attendance_rules.counted_hours) such a row counts
0 hours, and the attendance rate drops without a word. These queries name the rows, per class
or for the whole station, so that the clerk can enter the times from the paper sign-in sheet
as a 补签 (attendance_makeup.py) that a reviewer approves; the row then counts by its times.

Both queries read the partial index ``ix_attendance_untimed`` (migration 0017: only rows
without a sign-in are in it, so it stays small even with millions of attendance rows): the
station-wide one by status, the per-class one by status and each of the class's sessions.
Only enrolled trainees' rows are listed, as on the sign-in sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from jiangxin_desktop.domain.attendance_rules import COUNTING
from jiangxin_desktop.domain.class_lifecycle import RECORDING
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.store.models import Attendance, ClassSession, Enrollment, Trainee, TrainingClass

UNTIMED_REASON = "没有签到时间，不计课时"
UNTIMED_HINT = "没有签到时间，不计课时；请按纸质签到表补签"


@dataclass(frozen=True)
class UntimedRow:
    """One 出勤/迟到/早退 row without a sign-in time."""

    attendance_uuid: str
    class_uuid: str
    class_code: str
    class_name: str
    session_uuid: str
    session_number: int
    session_day: date
    start_time: str
    end_time: str
    enrollment_uuid: str
    trainee_name: str
    id_number: str
    status: str  # present | late | early
    makeup: str | None  # the row's 补签, if any: pending | approved | rejected
    class_status: str = "training"

    @property
    def open_for_makeup(self) -> bool:
        """A 补签 is requested while the class takes attendance (已开班, 培训中); 结业 fixed its hours."""
        return self.class_status in RECORDING

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def pending(self) -> bool:
        """A 补签 waits for a reviewer: nothing more to do for the clerk."""
        return self.makeup == "pending"


@dataclass(frozen=True)
class UntimedCount:
    """A class's untimed rows: how many, and how many of them wait for a reviewer's 补签 decision."""

    class_uuid: str
    class_code: str
    class_name: str
    rows: int
    pending: int
    class_status: str = "training"

    @property
    def to_fix(self) -> int:
        """Rows still needing a 补签 from the clerk."""
        return self.rows - self.pending


def untimed_counts(rows: Iterable[UntimedRow]) -> list[UntimedCount]:
    """Per class, in the order the rows come (by class code)."""
    counts: dict[str, list] = {}
    for r in rows:
        entry = counts.setdefault(r.class_uuid, [r.class_code, r.class_name, 0, 0, r.class_status])
        entry[2] += 1
        entry[3] += r.pending
    return [UntimedCount(uuid, *entry) for uuid, entry in counts.items()]


class UntimedMixin:
    """Mixed into AttendanceService (``ctx.attendance.untimed(…)``)."""

    if TYPE_CHECKING:  # provided by AttendanceService
        from jiangxin_desktop.services.security import Acting
        from jiangxin_desktop.store.database import Database

        db: Database
        acting: Acting

    def untimed(self, class_uuid: str | None = None) -> list[UntimedRow]:
        """出勤/迟到/早退 rows without a sign-in of one class (or of every class), by class code,
        session and roster order; each says whether a 补签 is waiting for a reviewer."""
        self.acting.require("clerk", "reviewer", "admin", action="查看考勤")
        query = (
            select(
                Attendance.uuid,
                TrainingClass.uuid,
                TrainingClass.code,
                TrainingClass.name,
                ClassSession.uuid,
                ClassSession.number,
                ClassSession.day,
                ClassSession.start_time,
                ClassSession.end_time,
                Enrollment.uuid,
                Trainee.name,
                Trainee.id_number,
                Attendance.status,
                Attendance.makeup,
                TrainingClass.status,
            )
            .join(ClassSession, ClassSession.uuid == Attendance.session_uuid)
            .join(TrainingClass, TrainingClass.uuid == ClassSession.class_uuid)
            .join(Enrollment, Enrollment.uuid == Attendance.enrollment_uuid)
            .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
            .where(
                Attendance.sign_in_at.is_(None),
                Attendance.status.in_(COUNTING),
                Enrollment.status == "enrolled",
            )
            .order_by(TrainingClass.code, ClassSession.number, Enrollment.seq)
        )
        if class_uuid is not None:  # the class's sessions, then their rows: (status, session) seeks
            sessions = select(ClassSession.uuid).where(ClassSession.class_uuid == class_uuid)
            query = query.where(Attendance.session_uuid.in_(sessions.scalar_subquery()))
        with self.db.read() as s:
            return [UntimedRow(*row) for row in s.execute(query)]
