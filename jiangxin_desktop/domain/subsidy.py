"""Subsidy claims: the standard, the amount and every gate, each explained in words (pure).

The catalog's ``subsidy_amounts`` (all configurable; the shipped values are the Jiangsu 2023
benchmark, an example) are read by :func:`parse_standards`; :func:`judge_claim` applies them
and the catalog's rules to the facts of one enrolment (gathered by the service) and returns
the amount and two lists of lines: 为什么是这个金额 (how the amount was reached) and the gates
(为什么能/不能申请), each naming the rule and the figure it used.

How the amount is reached (money in integer fen; ``domain/money.py`` rounds ROUND_HALF_UP to
the fen, once, at the end of each step named below):

1. The standard by kind of subsidy (``subsidy_kind`` of the class's project, else by the
   certificate type): 职业技能等级证书 → ``by_level[level][category]``; 专项职业能力证书 →
   ``special_ability[category]``; 培训合格证书 → the project's ``amount`` or the catalog's
   ``training_certificate.default``, which must lie in ``[min, max]``; 创业培训 →
   ``entrepreneurship[variant]`` (GYB/SYB/IYB/网络创业, the project's ``variant``); 岗前 →
   ``pre_job``; 新型学徒制 → ``apprenticeship_per_year`` × the class's months / 12.
2. Benchmarks (the level and 专项 tables) of a shortage occupation × (1 + ``shortage_uplift``).
3. Benchmarks × (1 + ``city_adjustment``); the adjustment must lie within ±``max_city_adjustment``
   (0.3: "cities may move ±30 % from the provincial benchmark").
4. Never above the fee the class charged (``fee_fen``); a class without a fee claims nothing.

Pure functions: no clock (``today`` is given), no I/O.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiangxin_desktop.domain.contact import check_bank_card, check_uscc
from jiangxin_desktop.domain.money import multiply, yuan_plain
from jiangxin_desktop.domain.subsidy_standards import (
    BY_CERTIFICATE,
    CATEGORIES,
    KINDS,
    VARIANTS,
    Standards,
    fen_of,
    parse_standards,
)

__all__ = ["CATEGORIES", "KINDS", "VARIANTS", "Standards", "fen_of", "parse_standards"]  # re-exported for callers

PAYEE_PERSON, PAYEE_UNIT = "person", "unit"
PAYEES = {PAYEE_PERSON: "本人（社会保障卡银行账户）", PAYEE_UNIT: "单位（培训机构或企业）"}

# What a claim in each state counts toward the per-person limits: a draft or a returned or
# withdrawn claim consumes nothing; once reviewed it does, wherever it is paid.
COUNTING_STATUSES = frozenset({"reviewed", "submitted", "approved", "paid"})


# ---------------------------------------------------------------- facts and rules


@dataclass(frozen=True)
class ClaimRules:
    """What the claim rules read of the catalog's ``rules`` (plus the standards)."""

    standards: Standards
    attendance_threshold: float
    claim_within_months: int
    max_subsidised_trainings: int
    same_occupation_level_once: bool = True
    no_lower_level_after_higher: bool = True


@dataclass(frozen=True)
class EarlierSubsidy:
    """A subsidy the person already has, here (another claim) or elsewhere (the city's downlink)."""

    where: str  # "本站申请 BT-…" or "服务站 320703-01"
    occupation_code: str
    occupation_name: str
    level: str  # skill_level code, "" for a certificate without a level
    level_label: str
    level_rank: int | None  # 5 (初级) … 1 (高级技师); None without a level


@dataclass(frozen=True)
class ClaimFacts:
    """One enrolment as a claim sees it, gathered by the service from the database."""

    trainee_name: str
    enrolled: bool  # not withdrawn
    subsidised: bool  # enrolled as 补贴性培训
    project_name: str
    subsidy_kind: str | None  # the project's ``subsidy_kind``; None: by certificate type
    variant: str | None  # 创业培训: GYB / SYB / IYB / 网络创业 (the project's ``variant``)
    project_amount_fen: int | None  # 培训合格证书: the project's amount within the range
    certificate_type: str
    certificate_type_label: str
    occupation_code: str
    occupation_name: str
    category: str | None  # A / B / C; None when the occupation is not in the catalog
    shortage: bool
    level: str
    level_label: str
    level_rank: int | None
    class_months: int  # whole months from start to end, rounded up (新型学徒制)
    fee_fen: int
    government_fen: int
    employer_fen: int
    personal_fen: int
    attended_hours: int
    planned_hours: int
    assessment_result: str | None  # pass | fail | None (not assessed)
    assessment_text: str  # "理论 86，实操 90" for the explanation
    certificate_number: str | None
    certificate_date: date | None
    certificate_valid: bool
    evidence_missing: str | None  # domain.eligibility.missing_evidence's words; None: complete
    earlier: tuple[EarlierSubsidy, ...] = ()
    example_catalog: bool = False


@dataclass(frozen=True)
class Line:
    """One line of an explanation: the rule it applies, what it found, and whether it passes."""

    rule: str
    text: str
    ok: bool = True
    blocks: bool = True  # False: said, recorded, does not block the claim


@dataclass(frozen=True)
class Verdict:
    amount_fen: int
    standard_fen: int  # before the fee cap
    kind: str  # a key of KINDS, or "" when none applies
    amount_lines: tuple[Line, ...]  # 为什么是这个金额
    gate_lines: tuple[Line, ...]  # 能否申请: every gate, passed or not

    @property
    def blocking(self) -> tuple[Line, ...]:
        return tuple(line for line in (*self.amount_lines, *self.gate_lines) if not line.ok and line.blocks)

    @property
    def eligible(self) -> bool:
        return not self.blocking and self.amount_fen > 0

    @property
    def reasons(self) -> list[str]:
        """Every line as one sentence: ``规则：所见``, the failing ones first."""
        lines = [*self.blocking, *(x for x in (*self.gate_lines, *self.amount_lines) if x not in self.blocking)]
        return [f"{line.rule}：{line.text}" for line in lines]


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st of a shorter month becomes its last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``, a started month counting whole (at least 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) < end:
        months += 1
    return max(1, months)


def _yuan(fen: int) -> str:
    return f"{yuan_plain(fen)} 元"


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def _standard(facts: ClaimFacts, s: Standards) -> tuple[str, int | None, list[Line], bool]:
    """(kind, the standard in fen or None, lines, whether it is a provincial benchmark)."""
    kind = facts.subsidy_kind or BY_CERTIFICATE.get(facts.certificate_type, "")
    rule = "补贴标准"
    if kind == "level":
        row = s.by_level.get(facts.level, {})
        if not facts.level or facts.category is None or facts.category not in row:
            return kind, None, [Line(rule, f"目录中没有{facts.level_label or '该等级'}、"
                                     f"{facts.category or '未分类'}类职业的补贴标准", False)], True
        fen = row[facts.category]
        return kind, fen, [Line(rule, f"{facts.certificate_type_label}{facts.level_label}，"
                                f"{facts.occupation_name}属 {facts.category} 类职业：基准 {_yuan(fen)}")], True
    if kind == "special":
        if facts.category is None or facts.category not in s.special_ability:
            return kind, None, [Line(rule, f"目录中没有{facts.category or '未分类'}类职业专项职业能力的补贴标准",
                                     False)], True
        fen = s.special_ability[facts.category]
        return kind, fen, [Line(rule, f"专项职业能力证书，{facts.occupation_name}属 {facts.category} 类职业："
                                f"基准 {_yuan(fen)}")], True
    if kind == "training_certificate":
        low, high = s.training_certificate_min, s.training_certificate_max
        fen = facts.project_amount_fen if facts.project_amount_fen is not None else s.training_certificate_default
        span = f"目录范围 {yuan_plain(low)}–{yuan_plain(high)} 元"
        if fen is None:
            return kind, None, [Line(rule, f"培训合格证书补贴{span}，但项目“{facts.project_name}”"
                                     "未定金额，目录也没有默认金额", False)], False
        if not low <= fen <= high:
            return kind, None, [Line(rule, f"项目“{facts.project_name}”定的 {_yuan(fen)}不在{span}内", False)], False
        whose = "项目定额" if facts.project_amount_fen is not None else "目录默认"
        return kind, fen, [Line(rule, f"培训合格证书：{whose} {_yuan(fen)}（{span}）")], False
    if kind == "entrepreneurship":
        if not facts.variant or facts.variant not in s.entrepreneurship:
            return kind, None, [Line(rule, f"项目“{facts.project_name}”未写明创业培训类别"
                                     f"（{'/'.join(VARIANTS)}）或目录没有该类别的标准", False)], False
        fen = s.entrepreneurship[facts.variant]
        return kind, fen, [Line(rule, f"创业培训（{facts.variant}）：{_yuan(fen)}")], False
    if kind == "pre_job":
        if s.pre_job is None:
            return kind, None, [Line(rule, "目录没有岗前培训的补贴标准", False)], False
        return kind, s.pre_job, [Line(rule, f"岗前培训：{_yuan(s.pre_job)}")], False
    if kind == "apprenticeship":
        if s.apprenticeship_per_year is None:
            return kind, None, [Line(rule, "目录没有企业新型学徒制的补贴标准", False)], False
        fen = multiply(s.apprenticeship_per_year, Decimal(facts.class_months) / 12)
        return kind, fen, [Line(rule, f"企业新型学徒制：每人每年 {_yuan(s.apprenticeship_per_year)}，"
                                f"培训 {facts.class_months} 个月，计 {_yuan(fen)}")], False
    return "", None, [Line(rule, f"{facts.certificate_type_label or '该证书'}没有对应的补贴标准", False)], False


def _amount(facts: ClaimFacts, s: Standards) -> tuple[str, int, int, list[Line]]:
    kind, fen, lines, benchmark = _standard(facts, s)
    if fen is None:
        return kind, 0, 0, lines
    if benchmark and facts.shortage and s.shortage_uplift:
        raised = multiply(fen, 1 + s.shortage_uplift)
        lines.append(Line("紧缺职业上浮", f"{facts.occupation_name}是紧缺职业，上浮 {_percent(s.shortage_uplift)}："
                          f"{yuan_plain(fen)} × {1 + s.shortage_uplift:g} = {_yuan(raised)}"))
        fen = raised
    if benchmark and s.city_adjustment:
        moved = multiply(fen, 1 + s.city_adjustment)
        way = "上浮" if s.city_adjustment > 0 else "下调"
        lines.append(Line("本市调整", f"市里在省基准上{way} {_percent(abs(s.city_adjustment))}："
                          f"{yuan_plain(fen)} × {1 + s.city_adjustment:g} = {_yuan(moved)}"))
        fen = moved
    standard = fen
    if facts.fee_fen <= 0:
        lines.append(Line("不高于实际收费", "培训班未填写培训费，补贴不得高于实际收费，无法申请", False))
        return kind, 0, standard, lines
    if fen > facts.fee_fen:
        lines.append(Line("不高于实际收费", f"标准 {_yuan(fen)}高于培训费 {_yuan(facts.fee_fen)}，"
                          f"按培训费 {_yuan(facts.fee_fen)}申请"))
        fen = facts.fee_fen
    else:
        lines.append(Line("不高于实际收费", f"培训费 {_yuan(facts.fee_fen)}，标准未超过"))
    shares = facts.government_fen + facts.employer_fen + facts.personal_fen
    if shares == facts.fee_fen and fen > facts.government_fen:
        lines.append(Line("费用分担", f"培训班的费用分担中政府补贴部分为 {_yuan(facts.government_fen)}，"
                          f"补贴不超过这部分，按 {_yuan(facts.government_fen)}申请"))
        fen = facts.government_fen
    elif shares == 0:
        lines.append(Line("费用分担", "培训班未填写政府、企业、个人各分担多少，只按培训费封顶", ok=False, blocks=False))
    if fen <= 0:
        lines.append(Line("申请金额", "0 元，无补贴可申请", False))
    else:
        lines.append(Line("申请金额", f"{_yuan(fen)}（金额以分计，四舍五入到分）"))
    return kind, fen, standard, lines


def _limits(facts: ClaimFacts, rules: ClaimRules) -> list[Line]:
    lines = []
    earlier = facts.earlier
    count = len(earlier)
    where = "、".join(e.where for e in earlier)
    if count >= rules.max_subsidised_trainings:
        lines.append(Line("补贴次数", f"已享受 {count} 次培训补贴（{where}），每人最多 "
                          f"{rules.max_subsidised_trainings} 次（含支付给机构的和外站的）", False))
    else:
        lines.append(Line("补贴次数", f"这是第 {count + 1} 次培训补贴，每人最多 {rules.max_subsidised_trainings} 次"
                          + (f"（此前：{where}）" if count else "")))
    same, lower = [], []
    for e in earlier:
        if e.occupation_code != facts.occupation_code or not facts.level or not e.level:
            continue
        if rules.same_occupation_level_once and e.level == facts.level:
            same.append(e)
        if (rules.no_lower_level_after_higher and facts.level_rank is not None and e.level_rank is not None
                and e.level_rank < facts.level_rank):
            lower.append(e)
    if same:
        lines.append(Line("同一职业同一等级只补一次", f"{facts.occupation_name}{facts.level_label}已在"
                          f"{'、'.join(e.where for e in same)}享受过补贴", False))
    elif rules.same_occupation_level_once and facts.level:
        lines.append(Line("同一职业同一等级只补一次", f"此前没有{facts.occupation_name}{facts.level_label}的补贴"))
    for e in lower:
        lines.append(Line("不补贴较低等级", f"已在{e.where}享受过{e.occupation_name}{e.level_label}的补贴，"
                          f"不能再补贴较低的{facts.level_label}", False))
    return lines


def judge_claim(facts: ClaimFacts, rules: ClaimRules, today: date) -> Verdict:
    """The amount, and every gate with the rule and the figure it used."""
    kind, amount, standard, amount_lines = _amount(facts, rules.standards)
    gates: list[Line] = []
    if facts.example_catalog:
        gates.append(Line("补贴目录", "当前为示例目录，金额和规则仅供演示；正式申请须导入市人社局发布的目录",
                          ok=False, blocks=False))
    gates.append(Line("报名", "已报名在班" if facts.enrolled else "已退班，不能申请", facts.enrolled))
    gates.append(Line("补贴性培训", "报名时登记为补贴性培训" if facts.subsidised
                      else "报名时登记为不享受补贴", facts.subsidised))
    threshold = rules.attendance_threshold
    planned = facts.planned_hours
    rate = facts.attended_hours / planned if planned else 0.0
    met = planned > 0 and rate + 1e-9 >= threshold
    gates.append(Line("出勤率", f"出勤 {facts.attended_hours}/{planned} 课时（{rate:.0%}），"
                      f"{'达到' if met else '低于'}目录要求的 {threshold:.0%}", met))
    if facts.assessment_result == "pass":
        gates.append(Line("结业考核", f"合格（{facts.assessment_text}）" if facts.assessment_text else "合格"))
    elif facts.assessment_result == "fail":
        gates.append(Line("结业考核", f"不合格（{facts.assessment_text}）" if facts.assessment_text else "不合格",
                          False))
    else:
        gates.append(Line("结业考核", "尚未录入考核结果", False))
    if facts.certificate_number and facts.certificate_date and facts.certificate_valid:
        gates.append(Line("证书", f"已发证 {facts.certificate_number}（{facts.certificate_date:%Y-%m-%d}）"))
        deadline = add_months(facts.certificate_date, rules.claim_within_months)
        within = today <= deadline
        gates.append(Line("申请期限", f"发证后 {rules.claim_within_months} 个月内（至 {deadline:%Y-%m-%d}）申请，"
                          f"今天 {today:%Y-%m-%d}{'' if within else '，已超过期限'}", within))
    elif facts.certificate_number and not facts.certificate_valid:
        gates.append(Line("证书", f"证书 {facts.certificate_number} 已注销", False))
    else:
        gates.append(Line("证书", "尚未发证", False))
    if facts.evidence_missing:
        gates.append(Line("人员类别证明材料", facts.evidence_missing, False))
    else:
        gates.append(Line("人员类别证明材料", "已登记"))
    shares = facts.government_fen + facts.employer_fen + facts.personal_fen
    if facts.fee_fen and shares and shares != facts.fee_fen:
        gates.append(Line("费用分担", f"政府 {yuan_plain(facts.government_fen)}、企业 {yuan_plain(facts.employer_fen)}、"
                          f"个人 {yuan_plain(facts.personal_fen)} 元，合计 {_yuan(shares)}，与培训费 "
                          f"{_yuan(facts.fee_fen)}不一致", False))
    elif facts.fee_fen:
        gates.append(Line("费用分担", f"政府 {yuan_plain(facts.government_fen)}、企业 {yuan_plain(facts.employer_fen)}、"
                          f"个人 {yuan_plain(facts.personal_fen)} 元，合计等于培训费"))
    gates.extend(_limits(facts, rules))
    return Verdict(amount, standard, kind, tuple(amount_lines), tuple(gates))


# ---------------------------------------------------------------- payee


@dataclass(frozen=True)
class Payee:
    kind: str  # person | unit
    name: str
    account: str  # bank account (digits)
    bank: str = ""
    uscc: str = ""  # unit only


def check_payee(payee: Payee) -> list[Line]:
    """The payee's lines: a person's social-security card account (16–19 digits; a failing Luhn
    check is a warning), or a unit's name, USCC (GB 32100 check) and account."""
    lines = []
    if payee.kind not in PAYEES:
        return [Line("支付对象", "应为本人或单位", False)]
    if not payee.name.strip():
        lines.append(Line("支付对象", "未填写收款人名称", False))
    if payee.kind == PAYEE_PERSON:
        card = check_bank_card(payee.account, required=True)
        lines.append(Line("收款账户", card.message or "社会保障卡银行账户", card.ok))
        if card.warning:
            lines.append(Line("收款账户", card.warning, ok=False, blocks=False))
        return lines
    uscc = check_uscc(payee.uscc, required=True)
    lines.append(Line("统一社会信用代码", uscc.message or f"{uscc.value} 校验通过", uscc.ok))
    account = "".join(ch for ch in payee.account if not ch.isspace())
    ok = account.isdigit() and 6 <= len(account) <= 32
    lines.append(Line("收款账户", "单位银行账户" if ok else "单位银行账户应为 6–32 位数字", ok))
    return lines
