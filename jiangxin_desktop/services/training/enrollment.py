"""Enrolment: a registered trainee joins a class, with the target group and its evidence.

Eligibility is checked against the catalog's rules and explained in words. Problems block
(too young, class full, a fourth subsidised training, the same occupation and level again,
a lower level after a higher one); warnings are shown and recorded with the enrolment
(another class on overlapping dates). Capacity is enforced inside the write transaction.

Missing evidence (证明材料) does not block an enrolment: stations' rosters rarely carry it.
The enrolment is kept and marked 待补证明材料 (``EnrollmentRecord.evidence_missing``,
:func:`missing_evidence`); only the subsidy claim, which the evidence is for, must check
:func:`missing_evidence` and refuse until it is supplied. Evidence of the wrong type for
the group is still refused: that is a mistake, not a gap.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.eligibility import (
    EVIDENCE_PENDING,
    Eligibility,
    OtherEnrolment,
    age_on,
    eligible_births,
    judge,
    missing_evidence,
)
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.training.class_records import ENROLLING, STATUS_LABELS
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Enrollment, Trainee, TrainingClass
from jiangxin_desktop.store.outcome_summary import FINISHED_STATES, refresh_classes

__all__ = [
    "EVIDENCE_PENDING",
    "Eligibility",
    "EnrollInput",
    "EnrollmentRecord",
    "EnrollmentService",
    "NeedsConfirmation",
    "NotEligible",
    "OtherEnrolment",
    "age_on",
    "eligible_births",
    "judge",
    "missing_evidence",
]


@dataclass(frozen=True)
class EnrollInput:
    trainee_uuid: str
    target_group: str | None = None  # default: the trainee's registered category
    evidence_type: str | None = None
    evidence_number: str | None = None
    subsidised: bool = True


class NotEligible(KnownError):
    def __init__(self, name: str, eligibility: Eligibility) -> None:
        super().__init__(f"{name} 不能报名：" + "；".join(eligibility.problems) + "。")
        self.eligibility = eligibility


class NeedsConfirmation(KnownError):
    """Warnings the clerk has not yet confirmed."""

    def __init__(self, name: str, eligibility: Eligibility) -> None:
        super().__init__(f"{name}：" + "；".join(eligibility.warnings) + "。确认后仍可报名。")
        self.eligibility = eligibility


@dataclass(frozen=True)
class EnrollmentRecord:
    uuid: str
    class_uuid: str
    trainee_uuid: str
    trainee_name: str
    trainee_id_number: str
    target_group: str
    target_flags: tuple[str, ...]
    evidence_type: str | None
    evidence_number: str | None
    subsidised: bool
    status: str
    warnings: tuple[str, ...]
    version: int
    created_at: str
    evidence_missing: bool = False  # 待补证明材料: enrolled, the subsidy claim waits for it

    def to_json(self) -> dict:
        data = asdict(self)
        data["target_flags"], data["warnings"] = list(self.target_flags), list(self.warnings)
        return data


class EnrollmentService:
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService) -> None:
        self.db = db
        self.acting = acting
        self.catalogs = catalogs

    def check(self, class_uuid: str, data: EnrollInput) -> Eligibility:
        with self.db.read() as session:
            klass, trainee = self._class(session, class_uuid), self._trainee(session, data.trainee_uuid)
            group = data.target_group or trainee.target_group or ""
            return self._judge(session, klass, trainee, data.subsidised, group)

    def enroll(self, class_uuid: str, data: EnrollInput, *, confirmed: bool = False) -> EnrollmentRecord:
        self.acting.require("clerk", "admin", action="报名")
        with self.db.write() as session:
            return self.enroll_in(session, class_uuid, data, confirmed=confirmed)

    def enroll_in(
        self, session: Session, class_uuid: str, data: EnrollInput, *, confirmed: bool = False
    ) -> EnrollmentRecord:
        """Inside the caller's write transaction (the roster import enrols many in one)."""
        klass, trainee = self._class(session, class_uuid), self._trainee(session, data.trainee_uuid)
        if klass.status not in ENROLLING:
            raise KnownError(f"培训班 {klass.code} 已{STATUS_LABELS[klass.status]}，不能再报名。")
        existing = session.scalar(
            select(Enrollment).where(
                Enrollment.class_uuid == klass.uuid, Enrollment.trainee_uuid == trainee.uuid
            )
        )
        if existing is not None and existing.status == "enrolled":
            if data.evidence_type and self._gap(existing) is not None:  # 待补证明材料, now supplied
                return self._supply(session, existing, trainee, data)
            raise KnownError(f"{trainee.name} 已在培训班 {klass.code} 中，不会重复报名。")
        group, flags, evidence_type, evidence_number = self._group(trainee, data)
        verdict = self._judge(session, klass, trainee, data.subsidised, group)
        if not verdict.ok:
            raise NotEligible(trainee.name, verdict)
        if verdict.warnings and not confirmed:
            raise NeedsConfirmation(trainee.name, verdict)
        now = utc_now()
        values = dict(
            target_group=group,
            target_flags=json.dumps(flags, ensure_ascii=False),
            evidence_type=evidence_type,
            evidence_number=evidence_number,
            subsidised=data.subsidised,
            status="enrolled",
            warnings_json=json.dumps(verdict.warnings, ensure_ascii=False),
            withdrawn_at=None,
            withdrawn_reason=None,
        )
        if existing is not None:  # withdrawn earlier, back again
            before = self._record(existing, trainee).to_json()
            for key, value in values.items():
                setattr(existing, key, value)
            existing.version += 1
            existing.updated_at = now
            row = existing
        else:
            before = None
            row = Enrollment(
                uuid=uuid7(),
                station_code=self.acting.station_code,
                version=1,
                created_at=now,
                updated_at=now,
                class_uuid=klass.uuid,
                trainee_uuid=trainee.uuid,
                created_by=self.acting.actor,
                **values,
            )
            session.add(row)
        return self._recorded(session, row, trainee, before, "enrollment.enroll")

    def _gap(self, row: Enrollment) -> str | None:
        return missing_evidence(self.catalogs.codes, row.target_group, row.evidence_type, row.evidence_number)

    def _supply(
        self, session: Session, row: Enrollment, trainee: Trainee, data: EnrollInput
    ) -> EnrollmentRecord:
        """The evidence an enrolment lacked (待补证明材料), supplied: checked, audited, sent."""
        entry = self.catalogs.codes["target_group"].get(row.target_group)
        allowed = tuple(entry.extra.get("evidence", ())) if entry is not None else ()
        label = entry.label if entry is not None else row.target_group
        if data.evidence_type not in allowed:
            raise ValidationError(
                [FieldError("证明材料类型", f"{label}须提供证明材料：{'、'.join(allowed)}")]
            )
        number = (data.evidence_number or "").strip()
        if not number:
            raise ValidationError([FieldError("证明材料编号", f"请填写{data.evidence_type}的编号")])
        before = self._record(row, trainee).to_json()
        row.evidence_type, row.evidence_number = data.evidence_type, number
        row.version += 1
        row.updated_at = utc_now()
        return self._recorded(session, row, trainee, before, "enrollment.evidence")

    def withdraw(self, enrollment_uuid: str, reason: str) -> EnrollmentRecord:
        self.acting.require("clerk", "admin", action="退学")
        if not reason.strip():
            raise ValidationError([FieldError("退学原因", "请填写退学原因")])
        with self.db.write() as session:
            row = session.scalar(select(Enrollment).where(Enrollment.uuid == enrollment_uuid))
            if row is None or row.status != "enrolled":
                raise NotFoundError("找不到该报名记录，或已退学。")
            trainee = self._trainee(session, row.trainee_uuid)
            before = self._record(row, trainee).to_json()
            row.status, row.withdrawn_at, row.withdrawn_reason = "withdrawn", utc_now(), reason.strip()
            row.version += 1
            row.updated_at = row.withdrawn_at
            return self._recorded(session, row, trainee, before, "enrollment.withdraw")

    def _recorded(
        self, session: Session, row: Enrollment, trainee: Trainee, before: dict | None, action: str
    ) -> EnrollmentRecord:
        """Audit event (the person's fields sealed) and outbox entry for a changed enrolment."""
        session.flush()
        record = self._record(row, trainee)
        self.acting.record(
            session,
            action=action,
            entity=outbox.ENROLLMENT,
            uuid=row.uuid,
            version=row.version,
            before=before,
            after=record.to_json(),
            subject=trainee.uuid,
        )
        status = session.scalar(select(TrainingClass.status).where(TrainingClass.uuid == row.class_uuid))
        if status in FINISHED_STATES:  # withdrawn or corrected after 结业: the dashboard's summary too
            refresh_classes(session, [row.class_uuid], self.catalogs.active().rules.attendance)
        return record

    def list(
        self, class_uuid: str, *, include_withdrawn: bool = False, evidence_missing: bool = False
    ) -> builtins.list[EnrollmentRecord]:
        """The class's enrolments in order; ``evidence_missing``: only those 待补证明材料."""
        with self.db.read() as session:
            query = (
                select(Enrollment, Trainee)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == class_uuid)
                .order_by(Enrollment.seq)
            )
            if not include_withdrawn:
                query = query.where(Enrollment.status == "enrolled")
            records = [self._record(e, t) for e, t in session.execute(query).all()]
        if evidence_missing:
            records = [r for r in records if r.evidence_missing]
        return records

    # --- helpers --------------------------------------------------------------------
    def _group(
        self, trainee: Trainee, data: EnrollInput
    ) -> tuple[str, builtins.list[str], str | None, str | None]:
        codes = self.catalogs.codes
        group = data.target_group or trainee.target_group or ""
        entry = codes["target_group"].get(group)
        if entry is None:
            raise ValidationError([FieldError("人员类别", f"请为 {trainee.name} 选择人员类别")])
        evidence_type = data.evidence_type or (
            trainee.evidence_type if group == trainee.target_group else None
        )
        evidence_number = (data.evidence_number or "").strip() or (
            trainee.evidence_number if group == trainee.target_group else None
        )
        allowed = list(entry.extra.get("evidence", ()))
        if allowed and evidence_type and evidence_type not in allowed:  # a wrong kind, not a gap
            raise ValidationError(
                [FieldError("证明材料类型", f"{entry.label}须提供证明材料：{'、'.join(allowed)}")]
            )
        # Nothing or no number: enrolled all the same, marked 待补证明材料 (missing_evidence).
        flags = json.loads(trainee.target_flags or "[]") if group == trainee.target_group else []
        return group, flags, evidence_type, evidence_number

    def _judge(
        self, session: Session, klass: TrainingClass, trainee: Trainee, subsidised: bool, group: str
    ) -> Eligibility:
        rules = self.catalogs.active().rules
        rows = session.execute(
            select(Enrollment.subsidised, TrainingClass)
            .join(TrainingClass, TrainingClass.uuid == Enrollment.class_uuid)
            .where(
                Enrollment.trainee_uuid == trainee.uuid,
                Enrollment.status == "enrolled",
                Enrollment.class_uuid != klass.uuid,
            )
        ).all()
        others = [
            OtherEnrolment(
                c.code, c.occupation_code, c.occupation_name, c.level, c.start_date, c.end_date, bool(paid)
            )
            for paid, c in rows
        ]
        enrolled = (
            session.scalar(
                select(func.count()).where(
                    Enrollment.class_uuid == klass.uuid, Enrollment.status == "enrolled"
                )
            )
            or 0
        )
        verdict = judge(
            rules=rules,
            codes=self.catalogs.codes,
            klass=klass,
            birth_date=trainee.birth_date,
            subsidised=subsidised,
            others=others,
            enrolled=enrolled,
        )
        project = self.catalogs.active().projects.get(klass.project_code)
        if project is not None and project.target_groups and group not in project.target_groups:
            labels = self.catalogs.codes["target_group"]
            allowed = "、".join(labels.label(g) or g for g in project.target_groups)
            verdict.problems.append(
                f"人员类别“{labels.label(group) or group or '未填写'}”"
                f"不在项目“{project.name}”的培训对象内（{allowed}）"
            )
        return verdict

    @staticmethod
    def _class(session: Session, uuid_or_code: str) -> TrainingClass:
        row = session.scalar(
            select(TrainingClass).where(
                (TrainingClass.uuid == uuid_or_code) | (TrainingClass.code == uuid_or_code)
            )
        )
        if row is None:
            raise NotFoundError(f"找不到培训班 {uuid_or_code}。")
        return row

    @staticmethod
    def _trainee(session: Session, uuid: str) -> Trainee:
        row = session.scalar(select(Trainee).where(Trainee.uuid == uuid))
        if row is None or not row.active:
            raise NotFoundError("找不到该学员，或已注销。请先登记或恢复该学员。")
        return row

    def _record(self, row: Enrollment, trainee: Trainee) -> EnrollmentRecord:
        gap = self._gap(row)
        return EnrollmentRecord(
            uuid=row.uuid,
            class_uuid=row.class_uuid,
            trainee_uuid=row.trainee_uuid,
            trainee_name=trainee.name,
            trainee_id_number=trainee.id_number,
            target_group=row.target_group,
            target_flags=tuple(json.loads(row.target_flags or "[]")),
            evidence_type=row.evidence_type,
            evidence_number=row.evidence_number,
            subsidised=bool(row.subsidised),
            status=row.status,
            warnings=tuple(json.loads(row.warnings_json or "[]")),
            version=row.version,
            created_at=row.created_at,
            evidence_missing=gap is not None,
        )
