"""The subsidy rules at their boundaries, driven by tables of cases (pure: no database, no clock)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from jiangxin_desktop.domain.money import capital, multiply
from jiangxin_desktop.domain.subsidy import (
    ClaimFacts,
    ClaimRules,
    EarlierSubsidy,
    add_months,
    judge_claim,
    months_between,
    parse_standards,
)

LEVELS = {"5", "4", "3", "2", "1"}
RAW = {
    "by_level": {"5": {"A": 1000, "B": 800, "C": 500}, "4": {"A": 1500, "B": 1200, "C": 1000}},
    "special_ability": {"A": 800, "B": 600, "C": 400},
    "training_certificate": {"min": 300, "max": 1000, "default": 500},
    "entrepreneurship": {"GYB": 350, "SYB": 1000, "IYB": 1000, "网络创业": 1000},
    "pre_job": 500,
    "apprenticeship_per_year": 5000,
    "shortage_uplift": 0.3,
}
TODAY = date(2026, 12, 1)
ISSUED = date(2026, 3, 11)


def standards(**changes):
    problems: list[str] = []
    parsed = parse_standards({**RAW, **changes}, LEVELS, lambda where, what: problems.append(f"{where}：{what}"))
    return parsed, problems


def rules(max_trainings: int = 3, within: int = 12, **changes) -> ClaimRules:
    parsed, problems = standards(**changes)
    assert not problems
    return ClaimRules(parsed, 0.8, within, max_trainings)


def facts(**changes) -> ClaimFacts:
    base = ClaimFacts(
        trainee_name="钱小满", enrolled=True, subsidised=True, project_name="康养服务技能培训", subsidy_kind=None,
        variant=None, project_amount_fen=None, certificate_type="1", certificate_type_label="职业技能等级证书",
        occupation_code="4-10-01-05", occupation_name="养老护理员", category="C", shortage=False, level="5",
        level_label="五级/初级工", level_rank=5, class_months=1, fee_fen=100000, government_fen=100000,
        employer_fen=0, personal_fen=0, attended_hours=40, planned_hours=40, assessment_result="pass",
        assessment_text="理论 90，实操 88", certificate_number="320706001-2026-000001", certificate_date=ISSUED,
        certificate_valid=True, evidence_missing=None,
    )  # fmt: skip
    return replace(base, **changes)


def elsewhere(n: int, occupation: str = "4-03-02-02", level: str = "5", rank: int | None = 5) -> EarlierSubsidy:
    return EarlierSubsidy(f"服务站 320703-0{n}", occupation, "中式面点师", level, "五级/初级工", rank)


def here(number: str, occupation: str = "6-31-01-03", level: str = "5", rank: int | None = 5) -> EarlierSubsidy:
    """A claim of this station (paid to an institution or to the person: it counts the same)."""
    return EarlierSubsidy(f"本站申请 {number}", occupation, "电工", level, "五级/初级工", rank)


def failing(verdict) -> list[str]:
    return [f"{x.rule}：{x.text}" for x in verdict.blocking]


@pytest.mark.parametrize(
    ("earlier", "eligible", "said"),
    [
        ((), True, "这是第 1 次培训补贴"),
        ((here("BT2026-00007"), elsewhere(1)), True, "这是第 3 次培训补贴，每人最多 3 次（此前：本站申请"),
        ((here("BT2026-00007"), elsewhere(1), elsewhere(2)), False, "已享受 3 次培训补贴"),
        ((elsewhere(1), elsewhere(2), elsewhere(3), elsewhere(4)), False, "已享受 4 次培训补贴"),
    ],
)
def test_the_third_subsidy_is_allowed_and_the_fourth_refused(earlier, eligible, said):
    verdict = judge_claim(facts(earlier=earlier), rules(), TODAY)
    assert verdict.eligible is eligible
    (line,) = [x for x in verdict.gate_lines if x.rule == "补贴次数"]
    assert said in line.text and line.ok is eligible
    if not eligible:
        assert "含支付给机构的和外站的" in line.text and "服务站 320703-01" in line.text


@pytest.mark.parametrize(
    ("issued", "months", "today", "eligible"),
    [
        (ISSUED, 12, date(2027, 3, 11), True),  # exactly twelve months
        (ISSUED, 12, date(2027, 3, 12), False),  # the day after
        (date(2026, 1, 31), 1, date(2026, 2, 28), True),  # 31 January + 1 month is 28 February
        (date(2026, 1, 31), 1, date(2026, 3, 1), False),
        (date(2028, 1, 31), 1, date(2028, 2, 29), True),  # … or 29 February in a leap year
        (date(2028, 1, 31), 1, date(2028, 3, 1), False),
    ],
)
def test_the_claim_window(issued, months, today, eligible):
    verdict = judge_claim(facts(certificate_date=issued), rules(within=months), today)
    assert verdict.eligible is eligible
    (line,) = [x for x in verdict.gate_lines if x.rule == "申请期限"]
    assert line.ok is eligible and (eligible or "已超过期限" in line.text)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [(date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29)),
     (date(2026, 3, 11), 12, date(2027, 3, 11)), (date(2026, 8, 31), 6, date(2027, 2, 28))],
)
def test_add_months(start, months, end):
    assert add_months(start, months) == end


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [(date(2026, 3, 2), date(2026, 3, 11), 1), (date(2026, 1, 1), date(2026, 7, 1), 6),
     (date(2026, 1, 1), date(2026, 7, 2), 7), (date(2026, 1, 31), date(2026, 2, 28), 1)],
)
def test_months_between_counts_a_started_month_whole(start, end, months):
    assert months_between(start, end) == months


@pytest.mark.parametrize(
    ("fee", "government", "personal", "shortage", "amount", "eligible"),
    [
        (100000, 100000, 0, False, 50000, True),  # below the fee: the standard
        (60000, 60000, 0, True, 60000, True),  # the standard (650) above the fee (600): the fee
        (65000, 65000, 0, True, 65000, True),  # equal: the standard
        (0, 0, 0, False, 0, False),  # no fee charged: nothing to claim
        (100000, 30000, 70000, True, 30000, True),  # the government's share caps it
        (100000, 0, 100000, False, 0, False),  # the person paid it all: nothing from the government
    ],
)
def test_the_fee_and_the_government_share_cap_the_amount(fee, government, personal, shortage, amount, eligible):
    verdict = judge_claim(facts(fee_fen=fee, government_fen=government, personal_fen=personal, shortage=shortage),
                          rules(), TODAY)
    assert (verdict.amount_fen, verdict.eligible) == (amount, eligible)
    assert verdict.standard_fen == (65000 if shortage else 50000)
    if fee == 0:
        assert any("补贴不得高于实际收费，无法申请" in reason for reason in failing(verdict))


@pytest.mark.parametrize(
    ("shortage", "adjustment", "amount", "said"),
    [
        (False, 0, 50000, None),
        (True, 0, 65000, "500 × 1.3 = 650 元"),
        (False, 0.3, 65000, "市里在省基准上上浮 30%：500 × 1.3 = 650 元"),
        (False, -0.3, 35000, "市里在省基准上下调 30%：500 × 0.7 = 350 元"),
        (True, 0.3, 84500, "650 × 1.3 = 845 元"),
    ],
)
def test_shortage_uplift_and_city_adjustment(shortage, adjustment, amount, said):
    verdict = judge_claim(facts(shortage=shortage), rules(city_adjustment=adjustment), TODAY)
    assert verdict.amount_fen == amount
    if said:
        assert any(said in x.text for x in verdict.amount_lines)


@pytest.mark.parametrize(("adjustment", "accepted"), [(0.3, True), (-0.3, True), (0.31, False), (-0.31, False)])
def test_the_city_may_move_thirty_per_cent_and_no_more(adjustment, accepted):
    parsed, problems = standards(city_adjustment=adjustment)
    if accepted:
        assert not problems and parsed.city_adjustment == Decimal(str(adjustment))
    else:
        assert problems == ["subsidy_amounts.city_adjustment：应在 ±30% 以内（如 -0.1 即下调 10%）"]
        assert parsed.city_adjustment == 0


@pytest.mark.parametrize(
    ("fen", "factor", "result"),
    [(1005, "1.3", 1307), (1005, "0.7", 704), (1015, "0.7", 711), (1, "0.5", 1), (3, "0.5", 2), (50000, "1.3", 65000)],
)
def test_rounding_to_the_fen_half_up(fen, factor, result):
    assert multiply(fen, factor) == result  # 1005 × 1.3 = 1306.5 → 1307, never round-half-even's 1306


def test_rounding_through_the_rules():
    raw = {**RAW, "by_level": {"5": {"A": 10.05, "B": 10.05, "C": 10.05}}}
    parsed = parse_standards(raw, LEVELS, lambda where, what: pytest.fail(f"{where}：{what}"))
    verdict = judge_claim(facts(shortage=True), ClaimRules(parsed, 0.8, 12, 3), TODAY)
    assert (verdict.standard_fen, verdict.amount_fen) == (1307, 1307)


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (1, "壹分"),
        # 10 元: the payment-settlement rules (《正确填写票据和结算凭证的基本规定》) require the 壹 of
        # 壹拾: "壹拾几的‘壹’字一定要写" — 拾元整 alone could be altered; so 壹拾元整, 壹万零壹拾元整.
        (1000, "壹拾元整"),
        (100050, "壹仟元伍角"),
        (1001000, "壹万零壹拾元整"),
        (100000000, "壹佰万元整"),
        (120000, "壹仟贰佰元整"),
        (65000, "陆佰伍拾元整"),
        (100530, "壹仟零伍元叁角"),
        (0, "零元整"),
    ],
)
def test_capital_amounts(fen, words):
    assert capital(fen) == words


@pytest.mark.parametrize(
    ("earlier", "level", "rank", "rule"),
    [
        ((elsewhere(1, "4-10-01-05", "5", 5),), "5", 5, "同一职业同一等级只补一次"),
        ((elsewhere(1, "4-10-01-05", "4", 4),), "5", 5, "不补贴较低等级"),  # 初级 after 中级
        ((elsewhere(1, "4-10-01-05", "5", 5),), "4", 4, None),  # 中级 after 初级: a step up
        ((elsewhere(1, "4-03-02-02", "5", 5),), "5", 5, None),  # another occupation
    ],
)
def test_same_occupation_and_level_once_and_no_lower_level_after_a_higher(earlier, level, rank, rule):
    verdict = judge_claim(facts(earlier=earlier, level=level, level_rank=rank), rules(), TODAY)
    assert verdict.eligible is (rule is None)
    if rule:
        assert failing(verdict)[0].startswith(rule)


@pytest.mark.parametrize(
    ("kind", "variant", "months", "amount"),
    [
        ("entrepreneurship", "GYB", 1, 35000),
        ("entrepreneurship", "SYB", 1, 100000),
        ("entrepreneurship", "IYB", 1, 100000),
        ("entrepreneurship", "网络创业", 1, 100000),
        ("entrepreneurship", None, 1, 0),  # the project does not say which: not claimable
        ("pre_job", None, 1, 50000),
        ("apprenticeship", None, 12, 500000),
        ("apprenticeship", None, 6, 250000),
        ("apprenticeship", None, 7, 291667),  # 5000 × 7 / 12 = 2916.666… → 2916.67
    ],
)
def test_entrepreneurship_pre_job_and_apprenticeship(kind, variant, months, amount):
    verdict = judge_claim(
        facts(subsidy_kind=kind, variant=variant, class_months=months, shortage=True, certificate_type="4",
              fee_fen=600000, government_fen=600000),
        rules(city_adjustment=0.2), TODAY)
    assert (verdict.kind, verdict.amount_fen, verdict.eligible) == (kind, amount, amount > 0)
    assert not any(x.rule in ("紧缺职业上浮", "本市调整") for x in verdict.amount_lines)  # benchmarks only


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"evidence_missing": "待补证明材料：失业人员须提供失业登记证，申请补贴前补齐"}, "人员类别证明材料"),
        ({"attended_hours": 31}, "出勤率"),
        ({"assessment_result": None}, "结业考核"),
        ({"certificate_valid": False}, "证书"),
        ({"enrolled": False}, "报名"),
        ({"subsidised": False}, "补贴性培训"),
        ({"government_fen": 90000}, "费用分担"),  # the shares do not add up to the fee
    ],
)
def test_each_gate_blocks_the_claim(changes, rule):
    verdict = judge_claim(facts(**changes), rules(), TODAY)
    assert not verdict.eligible and failing(verdict)[0].startswith(rule)
    assert judge_claim(facts(attended_hours=32), rules(), TODAY).eligible  # 80 % exactly
