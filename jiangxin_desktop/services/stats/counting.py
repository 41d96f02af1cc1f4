"""The one implementation of domain/plan.py's counting: which enrolment is a person-time, and
which target group, programme area and plan target it counts toward.

A person-time (人次) is a row of ``enrollment_outcome`` (one enrolment of a class that reached
结业, store/stats_models.py) that is not withdrawn, subsidised (when ``plan.counting`` says
``subsidised_only``) and whose counted hours over the timetable's hours reach the threshold
(``plan.counting.min_attendance``, or the catalog's ``rules.attendance_threshold``) — the same
division as the attendance rates (RateRow.rate ≥ threshold) — dated by the class's end date.

Toward which target (plan.py's docstring): ``graduates`` by the code list's group 高校毕业生,
``enterprise`` by group 企业职工, ``digital`` by an occupation marked ``digital``,
``manufacturing`` by occupation class A, ``care`` by the project's area 康养服务;
``person_times`` every one. From the certificates (valid, issued in the period):
``new_skilled`` 职业技能等级证书 and 专项职业能力证书, ``high_skill`` 职业技能等级证书 of 三级/高级工
or above, ``top_tier`` of 二级/技师 or above. ``carriers`` and ``enterprise_self_assessment``
are not a station's records: no figure (shown as —).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, cast, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.plan import EMPLOYED_OUTCOMES, EMPLOYMENT_GROUPS, Plan
from jiangxin_desktop.store.models import CatalogRecord
from jiangxin_desktop.store.stats_models import EnrollmentOutcome as O

# Person-time targets and what decides them: the dimension a row is judged by.
PERSON_TIME_TARGETS = ("person_times", "graduates", "enterprise", "digital", "manufacturing", "care")
CERTIFICATE_TARGETS = ("new_skilled", "high_skill", "top_tier")
NOT_COUNTED_HERE = ("carriers", "enterprise_self_assessment")
NEW_SKILLED_KINDS = ("职业技能等级证书", "专项职业能力证书")  # certificate_type labels
LEVELLED_KIND = "职业技能等级证书"
HIGH_SKILL_RANK, TOP_TIER_RANK = 3, 2  # skill_level extra.rank: 3 三级/高级工, 2 二级/技师 (smaller is higher)
OTHER_GROUP, NO_AREA = "其他", "未注明"
GROUP_TARGETS = {"高校毕业生": "graduates", "企业职工": "enterprise"}  # code list group → target
AREA_TARGETS = {"康养服务": "care"}  # project area → target; digital and manufacturing: by occupation


def counted(plan: Plan, catalog_threshold: float) -> Any:
    """The SQL condition on ``enrollment_outcome`` that makes a row one person-time."""
    threshold = plan.counting.threshold(catalog_threshold)
    parts = [O.enrolled.is_(True), O.planned_hours > 0,
             cast(O.attended_hours, Float) / O.planned_hours >= threshold]
    if plan.counting.subsidised_only:
        parts.append(O.subsidised.is_(True))
    return and_(*parts)


def employed(outcome: str | None) -> bool:
    return outcome in EMPLOYED_OUTCOMES  # 联系不上 and 未就业 are not


@dataclass(frozen=True)
class CatalogFacts:
    """What the rows' codes mean: project → area, occupation → (category, digital). From every
    installed catalog, the active one winning, so a class opened under an older one still sorts."""

    areas: dict[str, str]
    occupations: dict[str, tuple[str, bool]]
    area_order: tuple[str, ...]


def catalog_facts(session: Session) -> CatalogFacts:
    rows = session.execute(
        select(CatalogRecord.content_json).order_by(CatalogRecord.active, CatalogRecord.seq)
    ).scalars().all()  # the active catalog last: its entries win
    areas: dict[str, str] = {}
    occupations: dict[str, tuple[str, bool]] = {}
    order: list[str] = []
    for content in rows:
        data = json.loads(content)
        order = []
        for p in data.get("projects", []):
            area = str(p.get("area") or "") or NO_AREA
            areas[str(p.get("code"))] = area
            if area not in order:
                order.append(area)
        for o in data.get("occupations", []):
            occupations[str(o.get("code"))] = (str(o.get("category") or ""), bool(o.get("digital")))
    return CatalogFacts(areas, occupations, tuple(order))


class Classifier:
    """Group, area and targets of a person-time's codes (the plan's rules, code lists, catalog)."""

    def __init__(self, codes: CodeCatalog, facts: CatalogFacts) -> None:
        self.facts = facts
        self.groups = {c.code: str(c.extra.get("group") or OTHER_GROUP) for c in codes["target_group"]}
        self.group_order = tuple(dict.fromkeys([*self.groups.values(), OTHER_GROUP]))
        self.area_order = tuple(dict.fromkeys([*facts.area_order, NO_AREA]))

    def group(self, target_group: str) -> str:
        return self.groups.get(target_group, OTHER_GROUP)

    def area(self, project_code: str) -> str:
        return self.facts.areas.get(project_code, NO_AREA)

    def employment_group(self, target_group: str) -> bool:
        return self.group(target_group) in EMPLOYMENT_GROUPS

    def group_targets(self, target_group: str) -> list[str]:
        return [key for group, key in GROUP_TARGETS.items() if self.group(target_group) == group]

    def occupation_targets(self, occupation_code: str) -> list[str]:
        category, digital = self.facts.occupations.get(occupation_code, ("", False))
        return (["digital"] if digital else []) + (["manufacturing"] if category == "A" else [])

    def project_targets(self, project_code: str) -> list[str]:
        return [key for area, key in AREA_TARGETS.items() if self.area(project_code) == area]

    def targets(self, target_group: str, project_code: str, occupation_code: str) -> list[str]:
        """The plan's person-time targets one person-time counts toward."""
        return ["person_times", *self.group_targets(target_group), *self.occupation_targets(occupation_code),
                *self.project_targets(project_code)]


def certificate_targets(kind_label: str, rank: int | None) -> list[str]:
    """The plan's certificate targets one valid certificate counts toward."""
    keys = []
    if kind_label in NEW_SKILLED_KINDS:
        keys.append("new_skilled")
    if kind_label == LEVELLED_KIND and rank is not None:
        if rank <= HIGH_SKILL_RANK:
            keys.append("high_skill")
        if rank <= TOP_TIER_RANK:
            keys.append("top_tier")
    return keys
