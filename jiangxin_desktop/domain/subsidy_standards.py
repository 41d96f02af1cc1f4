"""The catalog's subsidy standards (``subsidy_amounts``), parsed into fen (pure).

See ``domain/subsidy.py`` for how a claim's amount is reached from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from jiangxin_desktop.domain.money import yuan_to_fen

CATEGORIES = ("A", "B", "C")
LEVEL_CERTIFICATE, SPECIAL_CERTIFICATE, TRAINING_CERTIFICATE, STARTUP_CERTIFICATE = "1", "2", "3", "4"
KINDS = {
    "level": "职业技能等级证书补贴",
    "special": "专项职业能力证书补贴",
    "training_certificate": "培训合格证书补贴",
    "entrepreneurship": "创业培训补贴",
    "pre_job": "岗前培训补贴",
    "apprenticeship": "企业新型学徒制培训补贴",
}
BY_CERTIFICATE = {
    LEVEL_CERTIFICATE: "level",
    SPECIAL_CERTIFICATE: "special",
    TRAINING_CERTIFICATE: "training_certificate",
    STARTUP_CERTIFICATE: "entrepreneurship",
}
VARIANTS = ("GYB", "SYB", "IYB", "网络创业")


@dataclass(frozen=True)
class Standards:
    """The catalog's ``subsidy_amounts``, in fen."""

    by_level: dict[str, dict[str, int]] = field(default_factory=dict)  # level → category → fen
    special_ability: dict[str, int] = field(default_factory=dict)  # category → fen
    training_certificate_min: int = 0
    training_certificate_max: int = 0
    training_certificate_default: int | None = None
    entrepreneurship: dict[str, int] = field(default_factory=dict)  # variant → fen
    pre_job: int | None = None
    apprenticeship_per_year: int | None = None
    shortage_uplift: Decimal = Decimal("0")
    city_adjustment: Decimal = Decimal("0")
    max_city_adjustment: Decimal = Decimal("0.3")
    note: str = ""


def fen_of(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    return yuan_to_fen(amount)


def _ratio(value: Any) -> Decimal | None:
    if value is None:
        return Decimal("0")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        ratio = Decimal(str(value))
    except InvalidOperation:
        return None
    return ratio if ratio.is_finite() else None


def parse_standards(raw: Any, levels: set[str], problem: Callable[[str, str], None]) -> Standards:
    """``subsidy_amounts`` of a catalog document; every problem goes to ``problem(where, what)``.

    A catalog without it (an older one) has no standards: every claim then says so.
    """
    if raw is None:
        return Standards()
    if not isinstance(raw, dict):
        problem("subsidy_amounts", "应为补贴标准的对应表")
        return Standards()

    def table(key: str, keys: tuple[str, ...] | None, where: str) -> dict[str, int]:
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            problem(where, "应为对应表")
            return {}
        out = {}
        for k, v in value.items():
            fen = fen_of(v)
            if fen is None:
                problem(f"{where} {k}", "金额应为不小于 0 的数（元）")
            elif keys is not None and k not in keys:
                problem(f"{where} {k}", f"应为 {'、'.join(keys)} 之一")
            else:
                out[str(k)] = fen
        return out

    by_level_raw = raw.get("by_level") or {}
    by_level: dict[str, dict[str, int]] = {}
    if not isinstance(by_level_raw, dict):
        problem("subsidy_amounts.by_level", "应为“等级: {A, B, C}”的对应表")
    else:
        for level, row in by_level_raw.items():
            if level not in levels:
                problem(f"subsidy_amounts.by_level {level}", "等级不在代码表中")
                continue
            if not isinstance(row, dict):
                problem(f"subsidy_amounts.by_level {level}", "应为 {A, B, C} 的金额")
                continue
            by_level[str(level)] = table_of(row, f"subsidy_amounts.by_level {level}", problem)
    certificate = raw.get("training_certificate") or {}
    low = fen_of(certificate.get("min", 0)) if isinstance(certificate, dict) else None
    high = fen_of(certificate.get("max", 0)) if isinstance(certificate, dict) else None
    default = certificate.get("default") if isinstance(certificate, dict) else None
    default_fen = None if default is None else fen_of(default)
    if low is None or high is None or low > high or (default is not None and default_fen is None):
        problem("subsidy_amounts.training_certificate", "应有 min ≤ max（元），default 可省略")
        low, high, default_fen = 0, 0, None
    elif default_fen is not None and not low <= default_fen <= high:
        problem("subsidy_amounts.training_certificate", "default 应在 min 与 max 之间")
        default_fen = None
    uplift, adjustment = _ratio(raw.get("shortage_uplift")), _ratio(raw.get("city_adjustment"))
    limit = _ratio(raw.get("max_city_adjustment", "0.3"))
    if uplift is None or not Decimal("0") <= uplift <= Decimal("1"):
        problem("subsidy_amounts.shortage_uplift", "应为 0–1 之间的数（0.3 即上浮 30%）")
        uplift = Decimal("0")
    if limit is None or not Decimal("0") <= limit <= Decimal("1"):
        problem("subsidy_amounts.max_city_adjustment", "应为 0–1 之间的数")
        limit = Decimal("0.3")
    if adjustment is None or abs(adjustment) > limit:
        shown = f"{(limit * 100).normalize():f}"  # 30, not 30.0
        problem("subsidy_amounts.city_adjustment", f"应在 ±{shown}% 以内（如 -0.1 即下调 10%）")
        adjustment = Decimal("0")
    pre_job, per_year = raw.get("pre_job"), raw.get("apprenticeship_per_year")
    pre_job_fen = None if pre_job is None else fen_of(pre_job)
    per_year_fen = None if per_year is None else fen_of(per_year)
    if pre_job is not None and pre_job_fen is None:
        problem("subsidy_amounts.pre_job", "金额应为不小于 0 的数（元）")
    if per_year is not None and per_year_fen is None:
        problem("subsidy_amounts.apprenticeship_per_year", "金额应为不小于 0 的数（元）")
    return Standards(
        by_level=by_level,
        special_ability=table("special_ability", CATEGORIES, "subsidy_amounts.special_ability"),
        training_certificate_min=low,
        training_certificate_max=high,
        training_certificate_default=default_fen,
        entrepreneurship=table("entrepreneurship", VARIANTS, "subsidy_amounts.entrepreneurship"),
        pre_job=pre_job_fen,
        apprenticeship_per_year=per_year_fen,
        shortage_uplift=uplift,
        city_adjustment=adjustment,
        max_city_adjustment=limit,
        note=str(raw.get("note", "")),
    )


def table_of(row: dict, where: str, problem: Callable[[str, str], None]) -> dict[str, int]:
    out = {}
    for category, value in row.items():
        fen = fen_of(value)
        if category not in CATEGORIES or fen is None:
            problem(f"{where} {category}", "应为 A、B、C 的金额（元，不小于 0）")
        else:
            out[category] = fen
    return out
