"""Enrolment: a registered trainee joins a class, with the target group and its evidence.

Eligibility is checked against the catalog's rules and explained in words. Problems block
(too young, class full, a fourth subsidised training, the same occupation and level again,
a lower level after a higher one); warnings are shown and recorded with the enrolment
(another class on overlapping dates). Capacity is enforced inside the write transaction.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.acting import Acting
from jiangxin_desktop.services.class_records import ENROLLING, STATUS_LABELS
from jiangxin_desktop.services.training_catalog import CatalogService, Rules
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Enrollment, Trainee, TrainingClass


@dataclass(frozen=True)
class EnrollInput:
    trainee_uuid: str
    target_group: str | None = None  # default: the trainee's registered category
    evidence_type: str | None = None
    evidence_number: str | None = None
    subsidised: bool = True


@dataclass
class Eligibility:
    problems: list[str] = field(default_factory=list)  # block
    warnings: list[str] = field(default_factory=list)  # shown, recorded, do not block

    @property
    def ok(self) -> bool:
        return not self.problems


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

    def to_json(self) -> dict:
        data = asdict(self)
        data["target_flags"], data["warnings"] = list(self.target_flags), list(self.warnings)
        return data


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligible_births(start: date, min_age: int, max_age: int | None) -> tuple[str, str]:
    """Birth dates of the ages the rules allow on ``start``, as in an ID ("YYYYMMDD"): those
    after the first and up to the second, compared as text.

    Someone born on (y, m, d) is n or older on (Y, M, D) exactly when (y + n, m, d) is not
    after (Y, M, D): when "yyyymmdd" is not after the start day's date n years earlier.
    """
    youngest = f"{start.year - min_age:04d}{start:%m%d}"
    too_old = "" if max_age is None else f"{start.year - max_age - 1:04d}{start:%m%d}"
    return too_old, youngest


@dataclass(frozen=True)
class OtherEnrolment:
    """Another enrolment of the same person, with what the rules need of its class."""

    code: str
    occupation_code: str
    occupation_name: str
    level: str
    start: date
    end: date
    subsidised: bool


def judge(
    *,
    rules: Rules,
    codes: CodeCatalog,
    klass: TrainingClass,
    birth_date: date,
    subsidised: bool,
    others: list[OtherEnrolment],
    enrolled: int,
) -> Eligibility:
    """The catalog's rules applied to one person and one class (no database access)."""
    result = Eligibility()
    age = age_on(birth_date, klass.start_date)
    if age < rules.min_age:
        result.problems.append(f"开班时（{klass.start_date}）只有 {age} 岁，须年满 {rules.min_age} 岁")
    if rules.max_age is not None and age > rules.max_age:
        result.problems.append(f"开班时 {age} 岁，超过 {rules.max_age} 岁的上限")
    if enrolled >= klass.capacity:
        result.problems.append(f"培训班已满（计划 {klass.capacity} 人）")
    for other in others:
        if other.start <= klass.end_date and klass.start_date <= other.end:
            result.warnings.append(f"同期还在 {other.code}（{other.start}—{other.end}）参加培训")
    if not subsidised:
        return result
    paid = [o for o in others if o.subsidised]
    if len(paid) >= rules.max_subsidised_trainings:
        result.problems.append(
            f"已享受 {len(paid)} 次补贴性培训（{'、'.join(o.code for o in paid)}），"
            f"每人最多 {rules.max_subsidised_trainings} 次；可作为不享受补贴的学员报名"
        )
    levels = codes["skill_level"]
    here = levels.get(klass.level)
    for other in paid:
        if other.occupation_code != klass.occupation_code or not klass.level or not other.level:
            continue
        if rules.same_occupation_level_once and other.level == klass.level:
            result.problems.append(
                f"{other.occupation_name}{here.label if here else klass.level}已在 {other.code} 享受过补贴，"
                "同一职业同一等级只补贴一次"
            )
        there = levels.get(other.level)
        if (
            rules.no_lower_level_after_higher
            and here is not None
            and there is not None
            and int(there.extra.get("rank", 99)) < int(here.extra.get("rank", 99))
        ):
            result.problems.append(
                f"已在 {other.code} 享受过{other.occupation_name}{there.label}的补贴，"
                f"不能再补贴较低的{here.label}"
            )
    return result


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
            entity="enrollment",
            uuid=row.uuid,
            version=row.version,
            before=before,
            after=record.to_json(),
            subject=trainee.uuid,
        )
        return record

    def list(self, class_uuid: str, *, include_withdrawn: bool = False) -> builtins.list[EnrollmentRecord]:
        with self.db.read() as session:
            query = (
                select(Enrollment, Trainee)
                .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                .where(Enrollment.class_uuid == class_uuid)
                .order_by(Enrollment.seq)
            )
            if not include_withdrawn:
                query = query.where(Enrollment.status == "enrolled")
            return [self._record(e, t) for e, t in session.execute(query).all()]

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
        if allowed and evidence_type not in allowed:
            raise ValidationError(
                [FieldError("证明材料类型", f"{entry.label}须提供证明材料：{'、'.join(allowed)}")]
            )
        if allowed and not evidence_number:
            raise ValidationError([FieldError("证明材料编号", f"请填写{evidence_type}的编号")])
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

    @staticmethod
    def _record(row: Enrollment, trainee: Trainee) -> EnrollmentRecord:
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
        )
