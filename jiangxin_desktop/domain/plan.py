"""The city plan's targets, the follow-up periods, and what counts as a person-time (pure).

The catalog's ``plan`` (all configurable; the shipped values are the plan's, 2025–2027):

- ``period``: ``{"start": "2025-01-01", "end": "2027-12-31"}``, the plan's years.
- ``targets``: the plan's figures for the whole city, by key (:data:`TARGET_KEYS`):
  ``person_times`` 补贴性职业技能培训人次, ``graduates`` 高校毕业生, ``enterprise`` 企业职工,
  ``digital`` 数字技能, ``manufacturing`` 制造业技能, ``care`` 康养服务 (person-times),
  ``new_skilled`` 新增技能人才, ``high_skill`` 新增高技能人才, ``top_tier`` 技师以上,
  ``carriers`` 培训载体, ``enterprise_self_assessment`` 企业自主评价; and
  ``employment_rate`` (0.45: 培训后就业创业率, rural workers and the unemployed).
- ``followup``: ``periods_months`` ([3, 6]: a follow-up call 3 and 6 months after the class
  ends), ``due_before_days`` (7: a follow-up shows in 待回访 this many days before it is due),
  ``overdue_after_days`` (30: after this many days past due it is 逾期).
- ``counting``: how a person-time is counted (:class:`Counting`): an enrolment counts when its
  class reached 结业 (finished or archived), the enrolment was not withdrawn, it was a
  subsidised training (``subsidised_only``), and its attendance reached the catalog's
  threshold (``min_attendance``: ``"threshold"``, or a number such as 0.8). Its day is the
  class's end date. This is the one definition; the page, the exports and ``stats summary`` use it.

Which target a person-time counts toward: ``graduates`` by target group (``group`` 高校毕业生 of
the code list), ``enterprise`` by group 企业职工, ``digital`` by an occupation marked
``digital``, ``manufacturing`` by occupation class A, ``care`` by the project's area 康养服务.
``employment_rate``: of the follow-ups recorded for rural workers and the unemployed (groups
农村转移劳动力, 失业人员) at the last period, the share whose outcome is employed (受雇就业,
自主创业, 灵活就业); 联系不上 counts as not employed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

TARGET_KEYS = {
    "person_times": "补贴性职业技能培训（人次）",
    "graduates": "高校毕业生技能培训（人次）",
    "enterprise": "企业职工技能提升（人次）",
    "digital": "数字技术技能培训（人次）",
    "manufacturing": "制造业技能培训（人次）",
    "care": "康养服务技能培训（人次）",
    "new_skilled": "新增技能人才（人）",
    "high_skill": "新增高技能人才（人）",
    "top_tier": "技师及以上（人）",
    "carriers": "培训载体（个）",
    "enterprise_self_assessment": "企业自主评价（人次）",
}
EMPLOYMENT_RATE_LABEL = "培训后就业创业率"
EMPLOYMENT_GROUPS = ("农村转移劳动力", "失业人员")  # whose employment rate the plan sets (≥ 45 %)
EMPLOYED_OUTCOMES = ("employed", "self_employed", "flexible")


@dataclass(frozen=True)
class Counting:
    """What makes an enrolment one person-time (人次)."""

    subsidised_only: bool = True
    min_attendance: float | None = None  # None: the catalog's attendance threshold

    def threshold(self, catalog_threshold: float) -> float:
        return catalog_threshold if self.min_attendance is None else self.min_attendance

    def describe(self, catalog_threshold: float) -> str:
        """The definition in words, as the page and the exports print it."""
        who = "补贴性培训的" if self.subsidised_only else ""
        return (f"一人次 = 一名学员参加一个已结业培训班（{who}报名未退班），"
                f"且出勤率达到 {self.threshold(catalog_threshold):.0%}；按培训班结业日期计入期间。")


@dataclass(frozen=True)
class FollowupRules:
    periods_months: tuple[int, ...] = (3, 6)
    due_before_days: int = 7
    overdue_after_days: int = 30


@dataclass(frozen=True)
class Plan:
    start: date = date(2025, 1, 1)
    end: date = date(2027, 12, 31)
    targets: dict[str, int] = field(default_factory=dict)
    employment_rate: float = 0.45
    followup: FollowupRules = field(default_factory=FollowupRules)
    counting: Counting = field(default_factory=Counting)


def parse_plan(raw: Any, problem: Callable[[str, str], None]) -> Plan:
    """``plan`` of a catalog document; every problem goes to ``problem(where, what)``.

    A catalog without it (an older one) gets the defaults and no targets.
    """
    if raw is None:
        return Plan()
    if not isinstance(raw, dict):
        problem("plan", "应为计划目标的对应表")
        return Plan()
    period = raw.get("period") or {}
    try:
        start = date.fromisoformat(str(period.get("start", "2025-01-01")))
        end = date.fromisoformat(str(period.get("end", "2027-12-31")))
        if end < start:
            raise ValueError
    except (ValueError, AttributeError):
        problem("plan.period", "应有 start ≤ end，日期形如 2025-01-01")
        start, end = date(2025, 1, 1), date(2027, 12, 31)
    targets: dict[str, int] = {}
    for key, value in (raw.get("targets") or {}).items():
        if key == "employment_rate":
            continue
        if key not in TARGET_KEYS:
            problem(f"plan.targets {key}", f"应为 {'、'.join(TARGET_KEYS)} 之一")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problem(f"plan.targets {key}", "应为不小于 0 的整数")
        else:
            targets[key] = value
    rate = (raw.get("targets") or {}).get("employment_rate", 0.45)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        problem("plan.targets employment_rate", "应为 0–1 之间的数（0.45 即 45%）")
        rate = 0.45
    f = raw.get("followup") or {}
    periods = f.get("periods_months", [3, 6])
    if not (isinstance(periods, list) and periods and all(isinstance(m, int) and 1 <= m <= 36 for m in periods)):
        problem("plan.followup.periods_months", "应为 1–36 的整数列表，如 [3, 6]")
        periods = [3, 6]
    numbers = {}
    for key, default, high in (("due_before_days", 7, 90), ("overdue_after_days", 30, 365)):
        value = f.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            problem(f"plan.followup.{key}", f"应为 0–{high} 的整数")
            value = default
        numbers[key] = value
    c = raw.get("counting") or {}
    minimum = c.get("min_attendance", "threshold")
    if minimum != "threshold" and (isinstance(minimum, bool) or not isinstance(minimum, int | float)
                                   or not 0 <= minimum <= 1):
        problem("plan.counting.min_attendance", "应为 \"threshold\"（按目录的出勤率要求）或 0–1 之间的数")
        minimum = "threshold"
    counting = Counting(bool(c.get("subsidised_only", True)),
                        None if minimum == "threshold" else float(minimum))
    return Plan(start, end, targets, float(rate),
                FollowupRules(tuple(sorted(set(periods))), **numbers), counting)
