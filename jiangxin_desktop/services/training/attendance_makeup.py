"""补签: attendance recorded outside the session's window, with a reason and a reviewer's approval.

A clerk who could not record a sign-in or sign-out in its window (the scanner failed, the
paper sheet came in late) records the claimed times with a reason. The claim is kept
apart from the row's own times (``makeup_sign_in_at``/``makeup_sign_out_at``) and counts
no hours while it is pending. A reviewer (审核人, or an administrator; never the person who
asked) approves it, and only then do the claimed times become the row's times and count
by the catalog's rules; or rejects it, and the row stays as it was. Each step is an audit
event and an outbox entry, like every other change of an attendance row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Attendance, ClassSession, Enrollment, Trainee, TrainingClass

MAKEUP_LABELS = {"pending": "补签待审核", "approved": "补签已批准", "rejected": "补签已驳回"}
REVIEWABLE = ("opened", "training", "finished")


@dataclass(frozen=True)
class MakeupRow:
    attendance_uuid: str
    class_code: str
    session_number: int
    session_day: date
    start_time: str
    end_time: str
    enrollment_uuid: str
    trainee_name: str
    id_number: str
    sign_in_at: str | None  # claimed
    sign_out_at: str | None  # claimed
    reason: str
    requested_by: str
    state: str  # pending | approved | rejected
    reviewed_by: str | None
    reviewed_at: str | None

    @property
    def state_label(self) -> str:
        return MAKEUP_LABELS.get(self.state, self.state)


class MakeupMixin:
    """Mixed into AttendanceService (``ctx.attendance``), which provides the row helpers."""

    if TYPE_CHECKING:  # provided by AttendanceService
        from jiangxin_desktop.services.security import Acting
        from jiangxin_desktop.domain.attendance_rules import AttendanceRules
        from jiangxin_desktop.store.database import Database

        db: Database
        acting: Acting

        def rules(self) -> AttendanceRules: ...
        def _session(self, s: Session, uuid: str) -> ClassSession: ...
        def _moment(self, at: str | None, sess: ClassSession) -> datetime: ...
        def _attendance_row(self, s: Session, sess: ClassSession, e: Enrollment, status: str) -> Any: ...
        def _recorded(self, *args: Any) -> Any: ...

    def request_makeup(
        self,
        session_uuid: str,
        enrollment_uuid: str,
        *,
        sign_in_at: str | None,
        sign_out_at: str | None,
        reason: str,
    ) -> MakeupRow:
        """A clerk's 补签: the claimed times with a reason; pending until a reviewer decides."""
        self.acting.require("clerk", "admin", action="补签")
        errors = []
        if not reason.strip():
            errors.append(FieldError("补签原因", "请写明补签原因，如“扫码枪故障，按纸质签到表补录”"))
        if not sign_in_at and not sign_out_at:
            errors.append(FieldError("补签时间", "请填写签到时间或签退时间"))
        if errors:
            raise ValidationError(errors)
        with self.db.write() as s:
            sess = self._session(s, session_uuid)
            enrollment = s.scalar(
                select(Enrollment).where(
                    Enrollment.uuid == enrollment_uuid, Enrollment.class_uuid == sess.class_uuid
                )
            )
            if enrollment is None or enrollment.status != "enrolled":
                raise NotFoundError("该学员不在本班。")
            moments = [self._moment(x, sess) if x else None for x in (sign_in_at, sign_out_at)]
            if moments[0] and moments[1] and moments[1] <= moments[0]:
                raise ValidationError([FieldError("补签时间", "签退时间应晚于签到时间")])
            klass, row, before = self._attendance_row(s, sess, enrollment, "absent")
            if row.makeup == "pending" and before is not None and row.makeup_by != self.acting.actor:
                raise KnownError(f"{row.makeup_by} 提出的补签还在等待审核，请等审核人处理后再补签。")
            row.makeup, row.makeup_reason, row.makeup_by = "pending", reason.strip(), self.acting.actor
            row.makeup_sign_in_at, row.makeup_sign_out_at = sign_in_at or None, sign_out_at or None
            row.makeup_reviewed_by = row.makeup_reviewed_at = None
            self._recorded(s, sess, klass, enrollment, row, before, "attendance.makeup_request")
            return _makeup(s, row)

    def approve_makeup(self, attendance_uuid: str) -> MakeupRow:
        """A reviewer approves: the claimed times become the row's times and count."""
        user = self.acting.require("reviewer", "admin", action="批准补签")
        with self.db.write() as s:
            row, sess, enrollment, klass = self._pending(s, attendance_uuid, user.username)
            before = _before(row)
            if row.makeup_sign_in_at:
                row.sign_in_at = row.makeup_sign_in_at
            if row.makeup_sign_out_at:
                row.sign_out_at = row.makeup_sign_out_at
            window = self.window_of(sess)
            first_in = _moment(row.sign_in_at)
            if first_in is not None:
                status = "late" if first_in > window.start else "present"
                last_out = _moment(row.sign_out_at)
                if status == "present" and last_out is not None and last_out < window.end:
                    status = "early"
                row.status = status
            row.makeup, row.makeup_reviewed_by, row.makeup_reviewed_at = "approved", user.username, utc_now()
            self._bump(row)
            self._recorded(s, sess, klass, enrollment, row, before, "attendance.makeup_approve")
            return _makeup(s, row)

    def reject_makeup(self, attendance_uuid: str, reason: str) -> MakeupRow:
        """A reviewer rejects: the row keeps its own times; the reason goes into its note."""
        user = self.acting.require("reviewer", "admin", action="驳回补签")
        if not reason.strip():
            raise ValidationError([FieldError("驳回原因", "请写明驳回原因")])
        with self.db.write() as s:
            row, sess, enrollment, klass = self._pending(s, attendance_uuid, user.username)
            before = _before(row)
            row.makeup, row.makeup_reviewed_by, row.makeup_reviewed_at = "rejected", user.username, utc_now()
            row.note = f"补签驳回：{reason.strip()}"
            self._bump(row)
            self._recorded(s, sess, klass, enrollment, row, before, "attendance.makeup_reject")
            return _makeup(s, row)

    def makeups(self, class_uuid: str, *, pending_only: bool = False) -> list[MakeupRow]:
        """The class's 补签, oldest session first (only those waiting for a reviewer if asked)."""
        self.acting.require("clerk", "reviewer", "admin", action="查看补签")
        with self.db.read() as s:
            query = (
                select(Attendance)
                .join(ClassSession, ClassSession.uuid == Attendance.session_uuid)
                .where(ClassSession.class_uuid == class_uuid, Attendance.makeup.is_not(None))
                .order_by(ClassSession.number, Attendance.seq)
            )
            if pending_only:
                query = query.where(Attendance.makeup == "pending")
            return [_makeup(s, row) for row in s.scalars(query)]

    # --- helpers --------------------------------------------------------------------
    def window_of(self, sess: ClassSession):
        from jiangxin_desktop.domain.attendance_rules import session_window

        return session_window(sess.day, sess.start_time, sess.end_time, self.rules())

    def _pending(self, s: Session, attendance_uuid: str, reviewer: str):
        row = s.scalar(select(Attendance).where(Attendance.uuid == attendance_uuid))
        if row is None or row.makeup is None:
            raise NotFoundError("找不到该补签记录。")
        if row.makeup != "pending":
            raise KnownError(
                f"这条补签已由 {row.makeup_reviewed_by} {MAKEUP_LABELS[row.makeup][2:]}，无需再次处理。"
            )
        if row.makeup_by == reviewer:
            raise KnownError("补签须由另一位审核人批准：不能审核自己提出的补签。")
        sess = s.scalar(select(ClassSession).where(ClassSession.uuid == row.session_uuid))
        enrollment = s.scalar(select(Enrollment).where(Enrollment.uuid == row.enrollment_uuid))
        assert sess is not None and enrollment is not None
        klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == sess.class_uuid))
        assert klass is not None
        if klass.status not in REVIEWABLE:
            raise KnownError(f"培训班 {klass.code} 已归档，补签不能再审核。")
        return row, sess, enrollment, klass

    @staticmethod
    def _bump(row: Attendance) -> None:
        row.version += 1
        row.updated_at = utc_now()


def _moment(text: str | None):
    from jiangxin_desktop.domain.attendance_rules import parse_moment

    return parse_moment(text)


def _before(row: Attendance) -> dict:
    from jiangxin_desktop.services.training.attendance_records import snapshot

    return snapshot(row)


def _makeup(s: Session, row: Attendance) -> MakeupRow:
    found = s.execute(
        select(ClassSession, TrainingClass.code, Trainee.name, Trainee.id_number)
        .join(TrainingClass, TrainingClass.uuid == ClassSession.class_uuid)
        .join(Enrollment, Enrollment.uuid == row.enrollment_uuid)
        .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
        .where(ClassSession.uuid == row.session_uuid)
    ).one()
    sess, code, name, number = found
    return MakeupRow(
        row.uuid,
        code,
        sess.number,
        sess.day,
        sess.start_time,
        sess.end_time,
        row.enrollment_uuid,
        name,
        number,
        row.makeup_sign_in_at,
        row.makeup_sign_out_at,
        row.makeup_reason or "",
        row.makeup_by or "",
        row.makeup or "",
        row.makeup_reviewed_by,
        row.makeup_reviewed_at,
    )
