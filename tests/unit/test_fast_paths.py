"""The fast paths for already-normal input give exactly what the full checks give.

A leading space sends the same value down the full path (normalise, then check), so each
pair of calls must agree on everything but the echoed input.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from jiangxin_desktop.domain.checks import FieldCheck
from jiangxin_desktop.domain.contact import (
    cards_as_typed,
    check_bank_card,
    check_phone,
    luhn_ok,
    phones_as_typed,
)
from jiangxin_desktop.domain.idnumber import check_id, valid_as_typed
from jiangxin_desktop.domain.names import check_name, names_as_typed
from jiangxin_desktop.services.training.enrollment import age_on, eligible_births

TODAY = date(2025, 6, 1)


def _ids(count: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(count):
        area = rng.choice(["320703", "320707", "810000", "110101", "990101", "012345"])
        birth = f"{rng.randrange(1890, 2030)}{rng.randrange(0, 14):02d}{rng.randrange(0, 33):02d}"
        out.append(f"{area}{birth}{rng.randrange(1000):03d}{rng.choice('0123456789X')}")
    return out


@pytest.mark.parametrize("number", _ids(400))
def test_id_fast_path_matches_full_check(number: str) -> None:
    fast, full = check_id(number, TODAY), check_id(" " + number, TODAY)
    assert fast == replace(full, input=number)


def test_id_fast_path_finds_valid_ones() -> None:
    assert sum(check_id(n, TODAY).valid for n in _ids(400)) > 10  # the sample has valid IDs too


NAMES = ["张三", "欧阳娜娜", "阿依古丽·买买提", "王", "张" * 30, "张" * 31, "张·", "·张三", "张··三", "〇一"]


@pytest.mark.parametrize("name", NAMES)
def test_name_fast_path_matches_full_check(name: str) -> None:
    assert check_name(name) == check_name(" " + name)


@pytest.mark.parametrize("phone", ["13812345678", "12812345678", "1381234567", "138123456789", "19912345678"])
def test_phone_fast_path_matches_full_check(phone: str) -> None:
    assert check_phone(phone, required=False) == check_phone(" " + phone, required=False)


@pytest.mark.parametrize("length", [15, 16, 17, 18, 19, 20])
def test_card_fast_path_matches_full_check(length: int) -> None:
    rng = random.Random(length)
    for _ in range(50):
        card = "".join(rng.choice("0123456789") for _ in range(length))
        assert check_bank_card(card) == check_bank_card(" " + card)


def _luhn_reference(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_luhn_matches_the_textbook_algorithm() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 20)))
        assert luhn_ok(digits) == _luhn_reference(digits)


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _with_check_char(body: str) -> str:
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def test_check_character_follows_gb11643_weights() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        body = f"320706{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = _with_check_char(body)
        assert check_id(number, TODAY).valid, number
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        assert not check_id(wrong, TODAY).valid


# 29 February in leap and common years (1900 was not a leap year, 2000 was); today; tomorrow.
EDGE_DATES = [
    _with_check_char(f"320706{birth}123")
    for birth in ("20000229", "19000229", "20240229", "20230229", "19040229", "19000101", "18991231")
    + (f"{TODAY:%Y%m%d}", f"{TODAY + timedelta(days=1):%Y%m%d}")
]


@pytest.mark.parametrize("numbers", [_ids(400), EDGE_DATES])
def test_ids_as_typed_are_those_the_full_check_keeps(numbers: list[str]) -> None:
    cells: list[object] = [*numbers, " " + numbers[0], numbers[0].lower(), 3.20706e17, "", None]
    expected = [
        cell
        if isinstance(cell, str) and check_id(cell, TODAY).valid and check_id(cell, TODAY).id_number == cell
        else None
        for cell in cells
    ]
    assert valid_as_typed(cells, TODAY) == expected
    assert any(expected)


def test_names_and_numbers_as_typed_are_those_the_full_checks_keep() -> None:
    names: list[object] = [*NAMES, " 张三", "Zhang San", "", 12.0]
    fast = names_as_typed(names)
    # None sends a cell to the full check: the fast path may leave out a valid rare name (〇一)
    assert all(value is None or check_name(value) == FieldCheck(value, True) for value in fast)
    assert fast[:3] == NAMES[:3]
    assert [n for n, value in zip(names, fast, strict=True) if value is None] == [
        "王", "张" * 31, "张·", "·张三", "张··三", "〇一", " 张三", "Zhang San", "", 12.0
    ]  # fmt: skip
    phones: list[object] = ["13812345678", "12812345678", "138 1234 5678", 13812345678.0, ""]
    assert phones_as_typed(phones) == ["13812345678", None, None, None, None]
    rng = random.Random(5)
    cards: list[object] = ["".join(rng.choice("0123456789") for _ in range(18)) for _ in range(200)]
    cards += ["6214 8305 1234 5678", 6.2148305e18, ""]
    assert cards_as_typed(cards) == [
        c if c and isinstance(c, str) and check_bank_card(c).value == c and check_bank_card(c).ok else None
        for c in cards
    ]


@pytest.mark.parametrize(
    "start", [date(2025, 3, 1), date(2024, 2, 29), date(2025, 2, 28), date(2025, 12, 31)]
)
@pytest.mark.parametrize(("min_age", "max_age"), [(16, 60), (16, None), (18, 45)])
def test_eligible_births_as_text_agree_with_age_on(start: date, min_age: int, max_age: int | None) -> None:
    """The import compares an ID's birth digits with two texts instead of computing each age."""
    too_old, youngest = eligible_births(start, min_age, max_age)
    for year in (start.year - min_age - 1, start.year - min_age, start.year - (max_age or 70) - 1):
        birth = date(year, 1, 1)
        while birth.year == year:
            age = age_on(birth, start)
            allowed = age >= min_age and (max_age is None or age <= max_age)
            assert (too_old < f"{birth:%Y%m%d}" <= youngest) == allowed, (birth, age)
            birth += timedelta(days=1)
