"""Eligibility rules in the domain: no database, the catalog's rules and a class's terms only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from jiangxin_desktop.domain.codes import parse_code_catalog
from jiangxin_desktop.domain.eligibility import OtherEnrolment, judge, missing_evidence
from jiangxin_desktop.services.catalog.codes import read_shipped_codes
from jiangxin_desktop.services.catalog.training import parse_catalog, read_catalog_file, shipped_catalog_path

WELDER = "6-18-02-04"


@dataclass(frozen=True)
class Terms:  # what a class offers the rules (a ClassRecord has more)
    start_date: date = date(2026, 3, 2)
    end_date: date = date(2026, 3, 31)
    capacity: int = 30
    level: str = "4"
    occupation_code: str = WELDER


@pytest.fixture(scope="module")
def codes():
    return parse_code_catalog(read_shipped_codes())


@pytest.fixture(scope="module")
def rules(codes):
    data, _ = read_catalog_file(shipped_catalog_path())
    return parse_catalog(data, codes).rules


def paid(code: str, level: str, year: int) -> OtherEnrolment:
    start = date(year, 5, 1)
    return OtherEnrolment(code, WELDER, "焊工", level, start, start.replace(day=30), True)


def test_age_is_counted_on_the_first_day_of_the_class(rules, codes) -> None:
    turns_16 = date(2026 - rules.min_age, 3, 3)  # one day short of the minimum age on 2 March
    verdict = judge(rules=rules, codes=codes, klass=Terms(), birth_date=turns_16, subsidised=True,
                    others=[], enrolled=0)
    assert not verdict.ok and f"须年满 {rules.min_age} 岁" in verdict.problems[0]
    grown = judge(rules=rules, codes=codes, klass=Terms(), birth_date=date(1990, 1, 1), subsidised=True,
                  others=[], enrolled=0)
    assert grown.ok and grown.warnings == []


def test_a_full_class_and_subsidy_limits_block(rules, codes) -> None:
    full = judge(rules=rules, codes=codes, klass=Terms(capacity=2), birth_date=date(1990, 1, 1),
                 subsidised=False, others=[], enrolled=2)
    assert full.problems == ["培训班已满（计划 2 人）"]
    same = judge(rules=rules, codes=codes, klass=Terms(), birth_date=date(1990, 1, 1), subsidised=True,
                 others=[paid("A-1", "4", 2024)], enrolled=0)
    assert any("同一职业同一等级只补贴一次" in p for p in same.problems)
    lower = judge(rules=rules, codes=codes, klass=Terms(level="5"), birth_date=date(1990, 1, 1),
                  subsidised=True, others=[paid("A-2", "4", 2024)], enrolled=0)
    assert any("不能再补贴较低的" in p for p in lower.problems)
    unpaid = judge(rules=rules, codes=codes, klass=Terms(), birth_date=date(1990, 1, 1), subsidised=False,
                   others=[paid("A-1", "4", 2024)], enrolled=0)
    assert unpaid.ok


def test_missing_evidence_names_what_the_group_needs(codes) -> None:
    assert "就业创业证或失业登记证" in (missing_evidence(codes, "31", None, None) or "")
    assert "编号" in (missing_evidence(codes, "31", "失业登记证", " ") or "")
    assert missing_evidence(codes, "31", "失业登记证", "3207001") is None
    assert missing_evidence(codes, "99", None, None) is None
