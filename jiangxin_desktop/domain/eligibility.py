"""Eligibility: the catalog's rules for one person and one class, in words (pure, no I/O).

``judge`` says what blocks an enrolment and what is only to be noted;
``missing_evidence`` says what evidence an enrolment still lacks (待补证明材料), which
blocks only the subsidy claim. Enrolment, roster import and the subsidy claim call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.idnumber import age_on


class EligibilityRules(Protocol):
    """What ``judge`` reads of the catalog's rules (the catalog's ``Rules``)."""

    @property
    def min_age(self) -> int: ...
    @property
    def max_age(self) -> int | None: ...
    @property
    def max_subsidised_trainings(self) -> int: ...
    @property
    def same_occupation_level_once(self) -> bool: ...
    @property
    def no_lower_level_after_higher(self) -> bool: ...


class ClassTerms(Protocol):
    """What ``judge`` reads of a class (a ``TrainingClass`` row or a ``ClassRecord``)."""

    @property
    def start_date(self) -> date: ...
    @property
    def end_date(self) -> date: ...
    @property
    def capacity(self) -> int: ...
    @property
    def level(self) -> str: ...
    @property
    def occupation_code(self) -> str: ...


@dataclass
class Eligibility:
    problems: list[str] = field(default_factory=list)  # block
    warnings: list[str] = field(default_factory=list)  # shown, recorded, do not block

    @property
    def ok(self) -> bool:
        return not self.problems


EVIDENCE_PENDING = "待补证明材料"


def missing_evidence(
    codes: CodeCatalog, group: str, evidence_type: str | None, evidence_number: str | None
) -> str | None:
    """What evidence the group needs and the enrolment lacks, in words; None when complete.

    The subsidy claim must refuse while this says something; enrolment does not.
    """
    entry = codes["target_group"].get(group or "")
    allowed = tuple(entry.extra.get("evidence", ())) if entry is not None else ()
    if not allowed:
        return None
    if not evidence_type or evidence_type not in allowed:
        return f"{EVIDENCE_PENDING}：{entry.label}须提供{'或'.join(allowed)}，申请补贴前补齐"
    if not (evidence_number or "").strip():
        return f"{EVIDENCE_PENDING}：请补填{evidence_type}的编号，申请补贴前补齐"
    return None


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
    rules: EligibilityRules,
    codes: CodeCatalog,
    klass: ClassTerms,
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
