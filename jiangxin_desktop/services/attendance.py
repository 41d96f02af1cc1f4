"""Attendance per session (sign-in, sign-out, 请假/迟到/早退/缺勤) and assessment results.

Checking someone in by typing or scanning an ID number is the fast path: the number is
looked up among the class's enrolments, a sign-in after the session's start is 迟到, a
sign-out before its end is 早退. The attendance rate counts the class hours of sessions
attended (present, late or left early) against all the timetable's hours; the threshold
for a subsidy comes from the catalog.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.idnumber import normalize_id
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.acting import Acting
from jiangxin_desktop.services.class_records import STATUS_LABELS
from jiangxin_desktop.services.classes import ClassService
from jiangxin_desktop.services.training_catalog import CatalogService
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import (
    Assessment,
    Attendance,
    ClassSession,
    Enrollment,
    Trainee,
    TrainingClass,
)

ATTENDANCE_LABELS = {"present": "出勤", "late": "迟到", "early": "早退", "leave": "请假", "absent": "缺勤"}
ATTENDED = ("present", "late", "early")
RESULT_LABELS = {"pass": "合格", "fail": "不合格"}
RECORDING = ("opened", "training")


@dataclass(frozen=True)
class AttendanceRow:
    enrollment_uuid: str
    trainee_name: str
    id_number: str
    status: str | None  # None: nothing recorded yet
    sign_in_at: str | None
    sign_out_at: str | None


@dataclass(frozen=True)
class RateRow:
    enrollment_uuid: str
    trainee_name: str
    attended_hours: int
    total_hours: int  # hours of the sessions held so far
    threshold: float
    planned_hours: int = 0  # the whole timetable

    @property
    def rate(self) -> float:
        return self.attended_hours / self.total_hours if self.total_hours else 0.0

    @property
    def meets_threshold(self) -> bool:
        return self.total_hours > 0 and self.rate >= self.threshold


@dataclass(frozen=True)
class AssessmentRecord:
    uuid: str
    enrollment_uuid: str
    attempt: int
    theory_score: float | None
    practical_score: float | None
    result: str
    assessed_on: date


def _local_hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%H:%M")


class AttendanceService:
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService, classes: ClassService) -> None:
        self.db = db
        self.acting = acting
        self.catalogs = catalogs
        self.classes = classes

    # --- attendance -----------------------------------------------------------------
    def sheet(self, session_uuid: str) -> list[AttendanceRow]:
        """Every enrolled trainee of the session's class, with what is recorded for them."""
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
            out = []
            for uuid, name, id_number in rows:
                a = recorded.get(uuid)
                out.append(
                    AttendanceRow(
                        uuid,
                        name,
                        id_number,
                        a.status if a else None,
                        a.sign_in_at if a else None,
                        a.sign_out_at if a else None,
                    )
                )
            return out

    def check_in(self, session_uuid: str, id_number: str, *, at: str | None = None) -> AttendanceRow:
        """Typed or scanned ID number → signed in (迟到 after the start time)."""
        return self._scan(session_uuid, id_number, at or utc_now(), sign_in=True)

    def check_out(self, session_uuid: str, id_number: str, *, at: str | None = None) -> AttendanceRow:
        return self._scan(session_uuid, id_number, at or utc_now(), sign_in=False)

    def set_status(
        self, session_uuid: str, enrollment_uuid: str, status: str, note: str = ""
    ) -> AttendanceRow:
        """Record 出勤/迟到/早退/请假/缺勤 directly (the grid's keyboard path)."""
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
            if enrollment is None:
                raise NotFoundError("该学员不在本班。")
            return self._write(s, sess, enrollment, status=status, note=note)

    def rates(self, class_uuid: str) -> list[RateRow]:
        """Attendance so far: hours attended over the hours of the sessions held (up to today,
        and any later one already recorded); ``planned_hours`` is the whole timetable."""
        threshold = self.catalogs.active().rules.attendance_threshold
        today = self.acting.today()
        with self.db.read() as s:
            sessions = {
                x.uuid: (x.hours, x.day)
                for x in s.scalars(select(ClassSession).where(ClassSession.class_uuid == class_uuid))
            }
            enrolled = s.execute(
                select(Enrollment.uuid, Trainee.name)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == class_uuid, Enrollment.status == "enrolled")
                .order_by(Enrollment.seq)
            ).all()
            hours: dict[str, int] = {}
            held = {uuid for uuid, (_h, day) in sessions.items() if day <= today}
            for a in s.scalars(select(Attendance).where(Attendance.session_uuid.in_(list(sessions)))):
                held.add(a.session_uuid)
                if a.status in ATTENDED:
                    hours[a.enrollment_uuid] = hours.get(a.enrollment_uuid, 0) + sessions[a.session_uuid][0]
            total = sum(sessions[u][0] for u in held)
            planned = sum(h for h, _day in sessions.values())
            return [
                RateRow(uuid, name, hours.get(uuid, 0), total, threshold, planned) for uuid, name in enrolled
            ]

    # --- assessment -----------------------------------------------------------------
    def record_assessment(
        self,
        enrollment_uuid: str,
        *,
        theory: float | None,
        practical: float | None,
        assessed_on: date,
        result: str | None = None,
        retake: bool = False,
    ) -> AssessmentRecord:
        """结业考核. Without ``result`` it follows the pass score; a retake only after a fail."""
        self.acting.require("clerk", "admin", action="记录考核成绩")
        errors = [
            FieldError(label, "成绩应在 0–100 之间")
            for label, score in (("理论成绩", theory), ("实操成绩", practical))
            if score is not None and not 0 <= score <= 100
        ]
        if theory is None and practical is None and result is None:
            errors.append(FieldError("考核", "请填写理论或实操成绩，或直接填写考核结果"))
        if result is not None and result not in RESULT_LABELS:
            errors.append(FieldError("考核结果", "考核结果应为合格或不合格"))
        if errors:
            raise ValidationError(errors)
        pass_score = self.catalogs.active().rules.assessment_pass_score
        if result is None:
            scores = [x for x in (theory, practical) if x is not None]
            result = "pass" if all(x >= pass_score for x in scores) else "fail"
        with self.db.write() as s:
            enrollment = s.scalar(select(Enrollment).where(Enrollment.uuid == enrollment_uuid))
            if enrollment is None or enrollment.status != "enrolled":
                raise NotFoundError("找不到该报名记录，或已退学。")
            klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == enrollment.class_uuid))
            assert klass is not None
            if klass.status not in ("training", "finished"):
                raise KnownError(
                    f"培训班 {klass.code} 现在是“{STATUS_LABELS[klass.status]}”，培训开始后才能记录考核。"
                )
            last = s.scalar(
                select(Assessment)
                .where(Assessment.enrollment_uuid == enrollment_uuid)
                .order_by(Assessment.attempt.desc())
            )
            now = utc_now()
            if last is not None and not retake:  # correcting the latest attempt
                before = asdict(self._assessment(last))
                row = last
                row.theory_score, row.practical_score, row.result, row.assessed_on = (
                    theory,
                    practical,
                    result,
                    assessed_on,
                )
                row.version += 1
                row.updated_at = now
                action = "assessment.correct"
            else:
                if retake and (last is None or last.result != "fail"):
                    raise KnownError("只有考核不合格的学员才能补考。")
                before = None
                row = Assessment(
                    uuid=uuid7(),
                    station_code=self.acting.station_code,
                    version=1,
                    created_at=now,
                    updated_at=now,
                    enrollment_uuid=enrollment_uuid,
                    attempt=(last.attempt + 1) if last else 1,
                    theory_score=theory,
                    practical_score=practical,
                    result=result,
                    assessed_on=assessed_on,
                    recorded_by=self.acting.actor,
                )
                s.add(row)
                action = "assessment.retake" if retake else "assessment.record"
            s.flush()
            record = self._assessment(row)
            self.acting.record(
                s,
                action=action,
                entity="assessment",
                uuid=row.uuid,
                version=row.version,
                before=before,
                after=asdict(record),
            )
            return record

    def assessments(self, class_uuid: str) -> dict[str, AssessmentRecord]:
        """The latest attempt per enrolment of the class."""
        with self.db.read() as s:
            rows = s.scalars(
                select(Assessment)
                .join(Enrollment, Enrollment.uuid == Assessment.enrollment_uuid)
                .where(Enrollment.class_uuid == class_uuid)
                .order_by(Assessment.attempt)
            )
            return {r.enrollment_uuid: self._assessment(r) for r in rows}

    # --- helpers --------------------------------------------------------------------
    def _scan(self, session_uuid: str, raw_id: str, at: str, *, sign_in: bool) -> AttendanceRow:
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
            enrollment, _trainee = found
            hhmm = _local_hhmm(at)
            existing = s.scalar(
                select(Attendance).where(
                    Attendance.session_uuid == sess.uuid, Attendance.enrollment_uuid == enrollment.uuid
                )
            )
            if sign_in:
                status = "late" if hhmm > sess.start_time else "present"
                if existing is not None and existing.sign_in_at:
                    status = existing.status  # a second scan keeps the first sign-in
                return self._write(
                    s,
                    sess,
                    enrollment,
                    status=status,
                    sign_in=existing.sign_in_at if existing and existing.sign_in_at else at,
                )
            if existing is None or not existing.sign_in_at:
                raise KnownError("该学员还没有签到，不能签退。请先签到，或直接标记考勤状态。")
            status = existing.status
            if hhmm < sess.end_time and status == "present":
                status = "early"
            return self._write(s, sess, enrollment, status=status, sign_out=at)

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
        before = None
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
        else:
            before = {"status": row.status, "sign_in_at": row.sign_in_at, "sign_out_at": row.sign_out_at}
            row.version += 1
            row.updated_at = now
            row.status = status
        if sign_in:
            row.sign_in_at = sign_in
        if sign_out:
            row.sign_out_at = sign_out
        if note.strip():
            row.note = note.strip()
        s.flush()
        after = {
            "session": sess.number,
            "class": klass.code,
            "status": row.status,
            "sign_in_at": row.sign_in_at,
            "sign_out_at": row.sign_out_at,
            "note": row.note,
        }
        self.acting.record(
            s,
            action="attendance.record",
            entity="attendance",
            uuid=row.uuid,
            version=row.version,
            before=before,
            after=after,
        )
        trainee = s.scalar(select(Trainee).where(Trainee.uuid == enrollment.trainee_uuid))
        assert trainee is not None
        return AttendanceRow(
            enrollment.uuid, trainee.name, trainee.id_number, row.status, row.sign_in_at, row.sign_out_at
        )

    @staticmethod
    def _session(s: Session, uuid: str) -> ClassSession:
        row = s.scalar(select(ClassSession).where(ClassSession.uuid == uuid))
        if row is None:
            raise NotFoundError("找不到该课次。")
        return row

    @staticmethod
    def _assessment(row: Assessment) -> AssessmentRecord:
        return AssessmentRecord(
            row.uuid,
            row.enrollment_uuid,
            row.attempt,
            row.theory_score,
            row.practical_score,
            row.result,
            row.assessed_on,
        )
