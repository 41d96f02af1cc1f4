"""Attendance per session (sign-in, sign-out, 请假/迟到/早退/缺勤); hours from the recorded times.

Checking someone in by typing or scanning an ID number is the fast path: the number is
looked up among the class's enrolments. A sign-in is accepted only inside the session's
window (``rules.attendance`` of the catalog: from a tolerance before the start to the end),
a sign-out from the sign-in to a while after the end; anything else is refused with the
window named, and recording it anyway is a 补签 (attendance_makeup.py) that a reviewer
approves. A sign-in after the start is 迟到, a sign-out before the end is 早退. The keyboard's
出勤/迟到 signs the person in now, 早退 signs them out now; 请假 and 缺勤 are set directly.

What a session counts is computed from the times (attendance_rules.py): the attendance
rate is those hours over the hours of the sessions held so far. The clock is
``Acting.now``. Assessment results live in assessment.py (mixed in here).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.idnumber import normalize_id
from jiangxin_desktop.domain.class_lifecycle import RECORDING
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.training.assessment import RESULT_LABELS, AssessmentMixin, AssessmentRecord
from jiangxin_desktop.services.training.attendance_makeup import MakeupMixin, MakeupRow
from jiangxin_desktop.services.training.attendance_untimed import UntimedMixin
from jiangxin_desktop.services.training.attendance_records import (
    ATTENDANCE_LABELS,
    ATTENDED,
    AttendanceRow,
    LateEntry,
    OutsideWindow,
    RateRow,
    hhmm_on,
    iso,
    snapshot,
)
from jiangxin_desktop.domain.attendance_rules import (
    AttendanceRules,
    SessionWindow,
    counted_hours,
    hours_by_enrollment,
    local_moment,
    parse_moment,
    session_window,
)
from jiangxin_desktop.services.training.class_records import STATUS_LABELS
from jiangxin_desktop.services.training.classes import ClassService
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.claim_lock import frozen_claim, frozen_message
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Attendance, ClassSession, Enrollment, Trainee, TrainingClass
from jiangxin_desktop.store.outcome_summary import FINISHED_STATES, refresh_classes

__all__ = [
    "ATTENDANCE_LABELS",
    "ATTENDED",
    "RECORDING",
    "RESULT_LABELS",
    "AssessmentRecord",
    "AttendanceRow",
    "LateEntry",
    "MakeupRow",
    "OutsideWindow",
    "RateRow",
    "iso",
]
FUTURE_SLACK = timedelta(minutes=1)


class AttendanceService(AssessmentMixin, MakeupMixin, UntimedMixin):
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService, classes: ClassService) -> None:
        self.db = db
        self.acting = acting
        self.catalogs = catalogs
        self.classes = classes

    # --- attendance -----------------------------------------------------------------
    def rules(self) -> AttendanceRules:
        return self.catalogs.active().rules.attendance

    def window(self, session_uuid: str) -> SessionWindow:
        with self.db.read() as s:
            sess = self._session(s, session_uuid)
            return session_window(sess.day, sess.start_time, sess.end_time, self.rules())

    def sheet(self, session_uuid: str) -> list[AttendanceRow]:
        """Every enrolled trainee of the session's class, with what is recorded and counted for them."""
        with self.db.read() as s:
            sess = self._session(s, session_uuid)
            recorded = {
                a.enrollment_uuid: a
                for a in s.scalars(select(Attendance).where(Attendance.session_uuid == sess.uuid))
            }
            rows = s.execute(
                select(Enrollment.uuid, Trainee.name, Trainee.id_number)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == sess.class_uuid, Enrollment.status == "enrolled")
                .order_by(Enrollment.seq)
            ).all()
            return [self._row(sess, uuid, name, number, recorded.get(uuid)) for uuid, name, number in rows]

    def check_in(self, session_uuid: str, id_number: str, *, at: str | None = None) -> AttendanceRow:
        """Typed or scanned ID number → signed in (迟到 after the start time); refused outside the window."""
        return self._scan(session_uuid, id_number, at, sign_in=True)

    def check_out(self, session_uuid: str, id_number: str, *, at: str | None = None) -> AttendanceRow:
        return self._scan(session_uuid, id_number, at, sign_in=False)

    def set_status(
        self, session_uuid: str, enrollment_uuid: str, status: str, note: str = ""
    ) -> AttendanceRow:
        """The grid's keyboard path: 出勤/迟到 sign in now, 早退 signs out now, 请假/缺勤 are set."""
        if status not in ATTENDANCE_LABELS:
            raise ValidationError([FieldError("考勤", f"未知的考勤状态 {status}")])
        self.acting.require("clerk", "admin", action="记录考勤")
        with self.db.write() as s:
            sess = self._session(s, session_uuid)
            enrollment = s.scalar(
                select(Enrollment).where(
                    Enrollment.uuid == enrollment_uuid, Enrollment.class_uuid == sess.class_uuid
                )
            )
            if enrollment is None or enrollment.status != "enrolled":
                raise NotFoundError("该学员不在本班。")
            if status in ATTENDED:
                return self._sign(s, sess, enrollment, None, sign_in=status != "early", note=note)
            return self._write(s, sess, enrollment, status=status, note=note)

    def rates(self, class_uuid: str) -> list[RateRow]:
        """Hours counted from the recorded times over the hours of the sessions held so far (started
        by now, or with anything recorded); ``planned_hours`` is the whole timetable."""
        rules = self.catalogs.active().rules
        now = self.acting.now()
        with self.db.read() as s:
            sessions = {
                x.uuid: x for x in s.scalars(select(ClassSession).where(ClassSession.class_uuid == class_uuid))
            }
            enrolled = s.execute(
                select(Enrollment.uuid, Trainee.name)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == class_uuid, Enrollment.status == "enrolled")
                .order_by(Enrollment.seq)
            ).all()
            held = {u for u, x in sessions.items() if local_moment(x.day, x.start_time) <= now}
            recorded = s.execute(
                select(Attendance.session_uuid, Attendance.enrollment_uuid, Attendance.status,
                       Attendance.sign_in_at, Attendance.sign_out_at)
                .where(Attendance.session_uuid.in_(list(sessions)))
            ).all()
            held.update(r[0] for r in recorded)
            timetable = {u: (x.day, x.start_time, x.end_time, x.hours) for u, x in sessions.items()}
            hours = hours_by_enrollment(timetable, recorded, rules.attendance)
            total = sum(sessions[u].hours for u in held)
            planned = sum(x.hours for x in sessions.values())
            threshold = rules.attendance_threshold
            untimed: dict[str, int] = {}  # 出勤 without a sign-in time: counted 0, a 补签 would fix it
            for _session, enrollment, status, sign_in, _out in recorded:
                if status in ATTENDED and not sign_in:
                    untimed[enrollment] = untimed.get(enrollment, 0) + 1
            return [
                RateRow(uuid, name, hours.get(uuid, 0), total, threshold, planned, untimed.get(uuid, 0))
                for uuid, name in enrolled
            ]

    # --- helpers --------------------------------------------------------------------
    def _counted(self, sess: ClassSession, a: Attendance, rules: AttendanceRules):
        window = session_window(sess.day, sess.start_time, sess.end_time, rules)
        return counted_hours(
            window, sess.hours, a.status, parse_moment(a.sign_in_at), parse_moment(a.sign_out_at), rules
        )

    def _row(
        self, sess: ClassSession, uuid: str, name: str, number: str, a: Attendance | None
    ) -> AttendanceRow:
        if a is None:
            return AttendanceRow(uuid, name, number, None, None, None)
        counted = self._counted(sess, a, self.rules())
        return AttendanceRow(
            uuid, name, number, a.status, a.sign_in_at, a.sign_out_at, counted.hours, counted.reason,
            a.makeup, a.uuid,
        )  # fmt: skip

    def _scan(self, session_uuid: str, raw_id: str, at: str | None, *, sign_in: bool) -> AttendanceRow:
        self.acting.require("clerk", "admin", action="签到" if sign_in else "签退")
        number = normalize_id(raw_id)
        with self.db.write() as s:
            sess = self._session(s, session_uuid)
            found = s.execute(
                select(Enrollment, Trainee)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == sess.class_uuid, Trainee.id_number == number)
            ).first()
            if found is None or found[0].status != "enrolled":
                raise NotFoundError(f"身份证号 {raw_id.strip()} 的学员不在本班，请核对后再签到。")
            return self._sign(s, sess, found[0], at, sign_in=sign_in)

    def _moment(self, at: str | None, sess: ClassSession, *, check: bool = True) -> datetime:
        """The recorded instant: ``at`` (refused when it is still to come) or now."""
        now = self.acting.now()
        moment = parse_moment(at) or now
        if check and moment > now + FUTURE_SLACK:
            raise KnownError(
                f"{hhmm_on(moment, sess.day)} 还没有到（现在是 {hhmm_on(now, sess.day)}），不能提前记录签到或签退。"
            )
        return moment

    def _sign(
        self,
        s: Session,
        sess: ClassSession,
        enrollment: Enrollment,
        at: str | None,
        *,
        sign_in: bool,
        note: str = "",
    ) -> AttendanceRow:
        self._unfrozen(s, enrollment.uuid)
        moment = self._moment(at, sess, check=False)
        window = session_window(sess.day, sess.start_time, sess.end_time, self.rules())
        existing = s.scalar(
            select(Attendance).where(
                Attendance.session_uuid == sess.uuid, Attendance.enrollment_uuid == enrollment.uuid
            )
        )
        first_in = parse_moment(existing.sign_in_at) if existing else None
        when = hhmm_on(moment, sess.day)
        if sign_in:
            if first_in is not None:  # a second scan keeps the first sign-in and writes nothing
                assert existing is not None
                if existing.status in ATTENDED:
                    trainee = s.scalar(select(Trainee).where(Trainee.uuid == enrollment.trainee_uuid))
                    assert trainee is not None
                    return self._row(sess, enrollment.uuid, trainee.name, trainee.id_number, existing)
                self._in_time(sess, window)  # marked 请假/缺勤 after signing in: back to the times
                status = self._status(window, first_in)
                return self._write(s, sess, enrollment, status=status, note=note)
            if not window.opens <= moment <= window.end:
                raise OutsideWindow(
                    f"第 {sess.number} 次课（{sess.day.isoformat()}）签到时间为 {window.label()}，"
                    f"{when} 不在其中，未记录。如确实到课，请办理补签并写明原因，审核人批准后才计课时。",
                    window=window.label(),
                    moment=when,
                    sign_in=True,
                )
            self._in_time(sess, window)
            self._moment(at, sess)
            status = self._status(window, moment)
            return self._write(s, sess, enrollment, status=status, sign_in=iso(moment), note=note)
        if existing is None or first_in is None:
            raise KnownError("该学员还没有签到，不能签退。请先签到；未到课的请标记请假或缺勤。")
        if not first_in <= moment <= window.out_closes:
            raise OutsideWindow(
                f"第 {sess.number} 次课（{sess.day.isoformat()}）签退时间为 {window.out_label(first_in)}，"
                f"{when} 不在其中，未记录。如需更正，请办理补签并写明原因。",
                window=window.out_label(first_in),
                moment=when,
                sign_in=False,
            )
        self._in_time(sess, window)
        self._moment(at, sess)
        status = existing.status if existing.status in ATTENDED else self._status(window, first_in)
        if moment < window.end and status == "present":
            status = "early"
        return self._write(s, sess, enrollment, status=status, sign_out=iso(moment), note=note)

    def _in_time(self, sess: ClassSession, window: SessionWindow) -> None:
        """Entering a session's times afterwards is allowed for ``record_within_hours``."""
        hours = self.rules().record_within_hours
        if hours and self.acting.now() > window.end + timedelta(hours=hours):
            raise LateEntry(
                f"第 {sess.number} 次课（{sess.day.isoformat()} {sess.end_time} 下课）已结束超过 {hours} 小时，"
                "不能再直接补录签到、签退，未记录。如确实到课，请办理补签并写明原因，审核人批准后才计课时。"
            )

    @staticmethod
    def _status(window: SessionWindow, sign_in: datetime) -> str:
        return "late" if sign_in > window.start else "present"

    def _attendance_row(self, s: Session, sess: ClassSession, enrollment: Enrollment, status: str):
        """The row to change (a new one with ``status`` if none), once the class may take attendance."""
        self._unfrozen(s, enrollment.uuid)
        klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == sess.class_uuid))
        assert klass is not None
        if klass.status not in RECORDING:
            raise KnownError(f"培训班 {klass.code} 现在是“{STATUS_LABELS[klass.status]}”，不能记录考勤。")
        if klass.status == "opened":
            self.classes.start_in(s, klass)  # the first attendance starts the training
        row = s.scalar(
            select(Attendance).where(
                Attendance.session_uuid == sess.uuid, Attendance.enrollment_uuid == enrollment.uuid
            )
        )
        now = utc_now()
        if row is None:
            row = Attendance(
                uuid=uuid7(),
                station_code=self.acting.station_code,
                version=1,
                created_at=now,
                updated_at=now,
                session_uuid=sess.uuid,
                enrollment_uuid=enrollment.uuid,
                status=status,
                recorded_by=self.acting.actor,
            )
            s.add(row)
            return klass, row, None
        before = snapshot(row)
        row.version += 1
        row.updated_at = now
        return klass, row, before

    def _write(
        self,
        s: Session,
        sess: ClassSession,
        enrollment: Enrollment,
        *,
        status: str,
        sign_in: str | None = None,
        sign_out: str | None = None,
        note: str = "",
    ) -> AttendanceRow:
        klass, row, before = self._attendance_row(s, sess, enrollment, status)
        row.status = status
        if sign_in:
            row.sign_in_at = sign_in
        if sign_out:
            row.sign_out_at = sign_out
        if note.strip():
            row.note = note.strip()
        return self._recorded(s, sess, klass, enrollment, row, before, "attendance.record")

    def _recorded(
        self,
        s: Session,
        sess: ClassSession,
        klass: TrainingClass,
        enrollment: Enrollment,
        row: Attendance,
        before: dict | None,
        action: str,
    ) -> AttendanceRow:
        """Audit event and outbox entry for a changed row; the row as the sheet shows it."""
        self._unfrozen(s, enrollment.uuid)  # 补签 approved or rejected too
        s.flush()
        self.acting.record(
            s,
            action=action,
            entity=outbox.ATTENDANCE,
            uuid=row.uuid,
            version=row.version,
            before=before,
            after={"session": sess.number, "class": klass.code, **snapshot(row)},
        )
        if klass.status in FINISHED_STATES:  # a 补签 decided after 结业: the dashboard's summary too
            refresh_classes(s, [klass.uuid], self.rules())
        trainee = s.scalar(select(Trainee).where(Trainee.uuid == enrollment.trainee_uuid))
        assert trainee is not None
        return self._row(sess, enrollment.uuid, trainee.name, trainee.id_number, row)

    @staticmethod
    def _unfrozen(s: Session, enrollment_uuid: str) -> None:
        """Refuse when a reviewed subsidy claim rests on this enrolment's attendance."""
        if number := frozen_claim(s, enrollment_uuid):
            raise KnownError(frozen_message(number, "修改出勤"))

    @staticmethod
    def _session(s: Session, uuid: str) -> ClassSession:
        row = s.scalar(select(ClassSession).where(ClassSession.uuid == uuid))
        if row is None:
            raise NotFoundError("找不到该课次。")
        return row

