"""The facts of an enrolment as a claim sees them, gathered from the database.

The class with its project and occupation from the ACTIVE catalog (category, shortage; the
class's copied names when the catalog no longer has them), the planned hours (the class's
sessions), the hours counted from the recorded times (the attendance service's ``rates``,
never recomputed here), the latest assessment attempt, the enrolment's certificate, what
evidence is still missing (``domain.eligibility.missing_evidence``), and the person's earlier
subsidies: this station's other claims that count (reviewed, approved, paid: any class) and
those the city reported from other stations (``subsidy_elsewhere``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.eligibility import missing_evidence
from jiangxin_desktop.domain.subsidy import ClaimFacts, ClaimRules, EarlierSubsidy, months_between
from jiangxin_desktop.errors import NotFoundError
from jiangxin_desktop.services.catalog import CatalogService, TrainingCatalog
from jiangxin_desktop.services.training import AttendanceService
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.models import (
    Assessment,
    Certificate,
    ClassSession,
    Enrollment,
    Trainee,
    TrainingClass,
)
from jiangxin_desktop.store.subsidy_models import APPROVED, PAID, REVIEWED, SubsidyClaim, SubsidyElsewhere

# Raw claim statuses that count toward the person's limits (domain.subsidy.COUNTING_STATUSES).
COUNTING_RAW = (REVIEWED, APPROVED, PAID)
ELSEWHERE_COUNTING = ("submitted", "reviewed", "approved", "paid")

# What each part of the frozen inputs is called when it changed.
INPUT_LABELS = {
    "enrolled": "报名状态",
    "subsidised": "是否补贴性培训",
    "project_name": "培训项目",
    "subsidy_kind": "补贴类别",
    "variant": "创业培训类别",
    "project_amount_fen": "项目补贴金额",
    "certificate_type": "证书类型",
    "occupation_code": "职业",
    "category": "职业分类",
    "shortage": "紧缺职业",
    "level": "等级",
    "level_rank": "等级序位",
    "occupation_name": "职业名称",
    "class_months": "培训月数",
    "fee_fen": "培训费",
    "government_fen": "政府分担",
    "employer_fen": "企业分担",
    "personal_fen": "个人分担",
    "attended_hours": "出勤课时",
    "planned_hours": "计划课时",
    "assessment_result": "考核结果",
    "assessment_text": "考核成绩",
    "certificate_number": "证书编号",
    "certificate_date": "发证日期",
    "certificate_valid": "证书状态",
    "evidence_missing": "人员类别证明材料",
    "earlier": "此前享受的补贴",
    "catalog_version": "补贴目录版本",
    "standard": "补贴标准",
    "rules": "目录规则",
}


@dataclass(frozen=True)
class Gathered:
    """An enrolment's facts and what a claim row needs besides them."""

    facts: ClaimFacts
    rules: ClaimRules
    catalog_version: str
    enrollment_uuid: str
    trainee_uuid: str
    trainee_id_number: str
    trainee_bank_card: str
    class_uuid: str
    class_code: str
    class_name: str
    certificate_uuid: str | None
    fee_fen: int
    government_fen: int
    employer_fen: int
    personal_fen: int


def claim_rules(catalog: TrainingCatalog) -> ClaimRules:
    r = catalog.rules
    return ClaimRules(
        catalog.standards,
        r.attendance_threshold,
        r.claim_within_months,
        r.max_subsidised_trainings,
        r.same_occupation_level_once,
        r.no_lower_level_after_higher,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def inputs_of(g: Gathered, kind: str, standard_fen: int, amount_fen: int) -> dict:
    """What a claim rests on, as plain JSON values: the facts that matter, the standard, the
    catalog version and the rules it read."""
    facts = asdict(g.facts)
    facts.pop("trainee_name")  # the claim names the person; the inputs are what is judged
    for shown in ("example_catalog", "certificate_type_label", "level_label"):  # words, not facts
        facts.pop(shown)
    rules = g.rules
    return _plain(
        {
            **facts,
            "catalog_version": g.catalog_version,
            "standard": {"kind": kind, "standard_fen": standard_fen, "amount_fen": amount_fen},
            "rules": {
                "attendance_threshold": rules.attendance_threshold,
                "claim_within_months": rules.claim_within_months,
                "max_subsidised_trainings": rules.max_subsidised_trainings,
                "same_occupation_level_once": rules.same_occupation_level_once,
                "no_lower_level_after_higher": rules.no_lower_level_after_higher,
                "standards": asdict(rules.standards),
            },
        }
    )


def canonical(inputs: dict) -> str:
    return json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def changes(frozen: dict, now: dict, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """What differs between frozen inputs and today's, in words (``出勤课时：36 → 32``)."""
    out = []
    order = list(INPUT_LABELS)
    for key in sorted(set(frozen) | set(now), key=lambda k: order.index(k) if k in order else len(order)):
        if key in ignore or frozen.get(key) == now.get(key):
            continue
        label = INPUT_LABELS.get(key, key)
        old, new = frozen.get(key), now.get(key)
        if isinstance(old, dict | list) or isinstance(new, dict | list):
            out.append(f"{label}已变化")
        else:
            out.append(f"{label}：{_shown(old)} → {_shown(new)}")
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "无"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


class FactSource:
    """Gathers :class:`Gathered` for one enrolment or every enrolment of a class."""

    def __init__(self, db: Database, catalogs: CatalogService, codes: CodeCatalog,
                 attendance: AttendanceService) -> None:
        self.db = db
        self.catalogs = catalogs
        self.codes = codes
        self.attendance = attendance

    def class_key(self, key: str) -> str:
        """The uuid of the class named by its code or uuid."""
        with self.db.read() as s:
            return self._class(s, key).uuid

    def for_class(self, class_key: str) -> list[Gathered]:
        with self.db.read() as s:
            klass = self._class(s, class_key)
            enrollments = list(s.scalars(
                select(Enrollment).where(Enrollment.class_uuid == klass.uuid).order_by(Enrollment.seq)
            ))
        return self._gather(klass, enrollments)

    def for_enrollment(self, enrollment_uuid: str) -> Gathered:
        with self.db.read() as s:
            enrollment = s.scalar(select(Enrollment).where(Enrollment.uuid == enrollment_uuid))
            if enrollment is None:
                raise NotFoundError("找不到该报名记录。")
            klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == enrollment.class_uuid))
            assert klass is not None
        return self._gather(klass, [enrollment])[0]

    # --- helpers --------------------------------------------------------------------
    @staticmethod
    def _class(s: Session, key: str) -> TrainingClass:
        key = key.strip()
        row = s.scalar(select(TrainingClass).where((TrainingClass.uuid == key) | (TrainingClass.code == key)))
        if row is None:
            raise NotFoundError(f"找不到培训班 {key}。请用 class list 查看班级编号。")
        return row

    def _gather(self, klass: TrainingClass, enrollments: list[Enrollment]) -> list[Gathered]:
        catalog = self.catalogs.active()
        rules = claim_rules(catalog)
        attended = {r.enrollment_uuid: r.attended_hours for r in self.attendance.rates(klass.uuid)}
        uuids = [e.uuid for e in enrollments]
        with self.db.read() as s:
            planned = sum(s.scalars(select(ClassSession.hours).where(ClassSession.class_uuid == klass.uuid)))
            trainees = {t.uuid: t for t in s.scalars(
                select(Trainee).where(Trainee.uuid.in_([e.trainee_uuid for e in enrollments])))}
            latest: dict[str, Assessment] = {}
            for a in s.scalars(select(Assessment).where(Assessment.enrollment_uuid.in_(uuids))
                               .order_by(Assessment.attempt)):
                latest[a.enrollment_uuid] = a
            certificates: dict[str, Certificate] = {}
            for c in s.scalars(select(Certificate).where(Certificate.enrollment_uuid.in_(uuids))
                               .order_by(Certificate.year, Certificate.serial)):
                kept = certificates.get(c.enrollment_uuid)
                if kept is None or kept.status != "valid":  # a valid one wins over a revoked one
                    certificates[c.enrollment_uuid] = c
            earlier = self._earlier(s, list(trainees))
        project = catalog.projects.get(klass.project_code)
        occupation = catalog.occupations.get(klass.occupation_code)
        out = []
        for e in enrollments:
            trainee = trainees[e.trainee_uuid]
            cert = certificates.get(e.uuid)
            a = latest.get(e.uuid)
            certificate_type = cert.certificate_type if cert is not None else klass.certificate_type
            level = cert.level if cert is not None else klass.level
            facts = ClaimFacts(
                trainee_name=trainee.name,
                enrolled=e.status == "enrolled",
                subsidised=bool(e.subsidised),
                project_name=project.name if project else klass.project_name,
                subsidy_kind=project.subsidy_kind if project else None,
                variant=project.variant if project else None,
                project_amount_fen=project.amount_fen if project else None,
                certificate_type=certificate_type,
                certificate_type_label=self.codes["certificate_type"].label(certificate_type) or "",
                occupation_code=klass.occupation_code,
                occupation_name=occupation.name if occupation else klass.occupation_name,
                category=occupation.category if occupation else None,
                shortage=bool(occupation.shortage) if occupation else False,
                level=level,
                level_label=self._level_label(level),
                level_rank=self._rank(level),
                class_months=months_between(klass.start_date, klass.end_date),
                fee_fen=klass.fee_fen,
                government_fen=klass.government_fen,
                employer_fen=klass.employer_fen,
                personal_fen=klass.personal_fen,
                attended_hours=attended.get(e.uuid, 0),
                planned_hours=planned,
                assessment_result=a.result if a else None,
                assessment_text=_scores(a),
                certificate_number=cert.number if cert else None,
                certificate_date=cert.issue_date if cert else None,
                certificate_valid=bool(cert and cert.status == "valid"),
                evidence_missing=missing_evidence(
                    self.codes, e.target_group, e.evidence_type, e.evidence_number
                ),
                earlier=tuple(x for enrolment, x in earlier.get(trainee.uuid, ()) if enrolment != e.uuid),
                example_catalog=catalog.example,
            )
            out.append(Gathered(
                facts, rules, catalog.version, e.uuid, trainee.uuid, trainee.id_number,
                trainee.bank_card or "",
                klass.uuid, klass.code, klass.name, cert.uuid if cert else None,
                klass.fee_fen, klass.government_fen, klass.employer_fen, klass.personal_fen,
            ))  # fmt: skip
        return out

    def _earlier(self, s: Session, trainee_uuids: list[str]) -> dict[str, list[tuple[str, EarlierSubsidy]]]:
        """trainee → (enrolment or "", subsidy) for each earlier subsidy that counts."""
        out: dict[str, list[tuple[str, EarlierSubsidy]]] = {}
        rows = s.execute(
            select(SubsidyClaim.trainee_uuid, SubsidyClaim.enrollment_uuid, SubsidyClaim.number,
                   TrainingClass.occupation_code, TrainingClass.occupation_name, TrainingClass.level)
            .join(TrainingClass, TrainingClass.uuid == SubsidyClaim.class_uuid)
            .where(SubsidyClaim.trainee_uuid.in_(trainee_uuids), SubsidyClaim.status.in_(COUNTING_RAW))
            .order_by(SubsidyClaim.number)
        ).all()
        for trainee, enrolment, number, code, name, level in rows:
            out.setdefault(trainee, []).append((enrolment, EarlierSubsidy(
                f"本站申请 {number}", code, name, level, self._level_label(level), self._rank(level))))
        for x in s.scalars(
            select(SubsidyElsewhere)
            .where(
                SubsidyElsewhere.trainee_uuid.in_(trainee_uuids),
                SubsidyElsewhere.status.in_(ELSEWHERE_COUNTING),
            )
            .order_by(SubsidyElsewhere.claim_uuid)
        ):
            out.setdefault(x.trainee_uuid, []).append(("", EarlierSubsidy(
                f"服务站 {x.station_code}", x.occupation_code, x.occupation_name, x.level,
                self._level_label(x.level), self._rank(x.level))))
        return out

    def _level_label(self, level: str) -> str:
        return (self.codes["skill_level"].label(level) or level) if level else ""

    def _rank(self, level: str) -> int | None:
        entry = self.codes["skill_level"].get(level) if level else None
        rank = entry.extra.get("rank") if entry is not None else None
        return rank if isinstance(rank, int) else None


def _scores(a: Assessment | None) -> str:
    if a is None:
        return ""
    parts = [f"{label} {score:g}" for label, score in (("理论", a.theory_score), ("实操", a.practical_score))
             if score is not None]
    return "，".join(parts)
