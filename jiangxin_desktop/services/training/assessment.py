"""结业考核: theory and practical scores, the result, retakes, and when a result may be entered.

A result is recorded only once the class has reached its assessment: its last session has
come (that day or later) or it is 已结业. Scores entered while the course is still running
would let a certificate, and a subsidy, rest on an assessment that has not happened. A
result with a valid certificate issued on it cannot be corrected: the certificate has to be
revoked first (reviewer), so that no certificate stands on a result that was changed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.class_lifecycle import ASSESSING
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.training.class_records import STATUS_LABELS
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.claim_lock import frozen_claim, frozen_message
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import (
    Assessment,
    Certificate,
    ClassSession,
    Enrollment,
    Trainee,
    TrainingClass,
)

RESULT_LABELS = {"pass": "合格", "fail": "不合格"}


@dataclass(frozen=True)
class AssessmentRecord:
    uuid: str
    enrollment_uuid: str
    attempt: int
    theory_score: float | None
    practical_score: float | None
    result: str
    assessed_on: date


class AssessmentMixin:
    """``record_assessment`` and friends; mixed into AttendanceService (``ctx.attendance``)."""

    db: Database
    acting: Acting
    catalogs: CatalogService

    def assessment_block(self, class_uuid: str) -> str | None:
        """Why no result can be recorded for the class now (None: it can)."""
        with self.db.read() as s:
            klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == class_uuid))
            if klass is None:
                raise NotFoundError("找不到该培训班。")
            return self._not_yet(s, klass)

    def certified(self, class_uuid: str) -> dict[str, str]:
        """Enrolment → number of its valid certificate, for the class's trainees who have one."""
        with self.db.read() as s:
            rows = s.execute(
                select(Certificate.enrollment_uuid, Certificate.number).where(
                    Certificate.class_uuid == class_uuid, Certificate.status == "valid"
                )
            ).all()
            return {enrollment: number for enrollment, number in rows}

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
            if number := frozen_claim(s, enrollment_uuid):  # a reviewed claim rests on the result
                raise KnownError(frozen_message(number, "修改考核成绩"))
            klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == enrollment.class_uuid))
            assert klass is not None
            why = self._not_yet(s, klass)
            if why:
                raise KnownError(why + "。")
            self._no_certificate(s, enrollment)
            last = s.scalar(
                select(Assessment)
                .where(Assessment.enrollment_uuid == enrollment_uuid)
                .order_by(Assessment.attempt.desc())
            )
            now = utc_now()
            if last is not None and not retake:  # correcting the latest attempt
                before = asdict(_record(last))
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
            record = _record(row)
            self.acting.record(
                s,
                action=action,
                entity=outbox.ASSESSMENT,
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
            return {r.enrollment_uuid: _record(r) for r in rows}

    # --- helpers --------------------------------------------------------------------
    def _not_yet(self, s: Session, klass: TrainingClass) -> str | None:
        if klass.status not in ASSESSING:
            return (
                f"培训班 {klass.code} 现在是“{STATUS_LABELS[klass.status]}”，"
                "培训开始后、最后一次课起才能记录考核成绩"
            )
        if klass.status == "finished":
            return None
        last = s.scalar(
            select(ClassSession)
            .where(ClassSession.class_uuid == klass.uuid)
            .order_by(ClassSession.day.desc(), ClassSession.start_time.desc())
        )
        if last is not None and self.acting.today() < last.day:
            return (
                f"培训班 {klass.code} 的最后一次课（第 {last.number} 次，{last.day.isoformat()}）还没有到，"
                "考核成绩从最后一次课当天起（或结业后）才能记录"
            )
        return None

    @staticmethod
    def _no_certificate(s: Session, enrollment: Enrollment) -> None:
        found = s.execute(
            select(Certificate.number, Certificate.issue_date, Trainee.name)
            .join(Trainee, Trainee.uuid == Certificate.trainee_uuid)
            .where(Certificate.enrollment_uuid == enrollment.uuid, Certificate.status == "valid")
        ).first()
        if found is not None:
            number, issued, name = found
            raise KnownError(
                f"{name} 已按此考核结果领取证书 {number}（{issued.isoformat()} 发证），考核结果不能再更改。"
                f"如需更正，请先由审核人撤销该证书（证书页“撤销”，或 certificate revoke {number} "
                "--reason …），再记录考核。"
            )


def _record(row: Assessment) -> AssessmentRecord:
    return AssessmentRecord(
        row.uuid,
        row.enrollment_uuid,
        row.attempt,
        row.theory_score,
        row.practical_score,
        row.result,
        row.assessed_on,
    )
