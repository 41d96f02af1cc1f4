"""The fast paths for already-normal input give exactly what the full checks give.

A leading space sends the same value down the full path (normalise, then check), so each
pair of calls must agree on everything but the echoed input.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from jiangxin_desktop.domain.contact import check_bank_card, check_phone, luhn_ok
from jiangxin_desktop.domain.idnumber import check_id
from jiangxin_desktop.domain.names import check_name

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
