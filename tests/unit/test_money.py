"""Money in fen: parsing typed 元, text, half-up arithmetic and 大写金额."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jiangxin_desktop.domain.money import (
    MoneyError,
    capital,
    multiply,
    parse_yuan,
    percent,
    to_decimal,
    yuan_number,
    yuan_plain,
    yuan_sign,
    yuan_text,
    yuan_to_fen,
)


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1200", 120000),
        ("1,200.50", 120050),
        ("1，200.5", 120050),
        (" 0.05 ", 5),
        ("", 0),
        (None, 0),
        (Decimal("19.99"), 1999),
        (7, 700),
    ],
)
def test_parse_yuan(typed, fen: int) -> None:
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["abc", "12元", "nan", "Infinity"])
def test_parse_yuan_refuses_what_is_not_a_number(typed: str) -> None:
    with pytest.raises(MoneyError, match="不是金额"):
        parse_yuan(typed)


@pytest.mark.parametrize("typed", ["-1", "1.005", "0.001"])
def test_parse_yuan_refuses_negative_and_fractions_of_a_fen(typed: str) -> None:
    with pytest.raises(MoneyError, match="最多保留两位小数"):
        parse_yuan(typed)


def test_text_forms() -> None:
    assert yuan_text(123450) == "1,234.50"
    assert yuan_text(123450, grouping=False) == "1234.50"
    assert yuan_text(5) == "0.05"
    assert yuan_sign(100000000) == "¥1,000,000.00"
    assert yuan_plain(120000) == "1200"
    assert yuan_plain(120050) == "1200.50"
    assert yuan_plain(123456700) == "1234567"  # never 1.23457e+06
    assert to_decimal(130650) == Decimal("1306.50")
    assert yuan_number(130000) == 1300 and isinstance(yuan_number(130000), int)
    assert yuan_number(130650) == 1306.5


def test_arithmetic_rounds_half_up_to_the_fen() -> None:
    assert multiply(1, "0.5") == 1  # round() would give 0 (half to even)
    assert multiply(3, "0.5") == 2
    assert multiply(100500, 1.3) == 130650  # 1005 元 × 1.3: a float gives 1306.4999… or …5000…2
    assert percent(99, 50) == 50
    assert percent(120000, Decimal("30")) == 36000
    assert yuan_to_fen(1005) == 100500
    assert yuan_to_fen(0.125) == 13
    assert yuan_to_fen("2.675") == 268  # float 2.675 is 2.67499…; its text is not


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (120000, "壹仟贰佰元整"),
        (5, "伍分"),
        (50, "伍角"),
        (55, "伍角伍分"),
        (0, "零元整"),
        (100530, "壹仟零伍元叁角"),
        (100505, "壹仟零伍元零伍分"),
        (1000, "壹拾元整"),
        (168032, "壹仟陆佰捌拾元叁角贰分"),
        (10000000, "壹拾万元整"),
        (100010000, "壹佰万零壹佰元整"),
        (101000000, "壹佰零壹万元整"),
        (1000100000, "壹仟万壹仟元整"),
        (10000000100, "壹亿零壹元整"),
        (10070000053, "壹亿零柒拾万元伍角叁分"),
        (100000000000, "壹拾亿元整"),
        (450000, "肆仟伍佰元整"),
    ],
)
def test_capital(fen: int, words: str) -> None:
    assert capital(fen) == words


def test_capital_refuses_negative() -> None:
    with pytest.raises(ValueError):
        capital(-1)
