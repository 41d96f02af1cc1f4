"""Masking for screens, exports and 公示 lists."""

from __future__ import annotations

import pytest

from jiangxin_desktop.domain.masking import mask_card, mask_id, mask_name, mask_phone


def visible(masked: str) -> int:
    return sum(ch != "*" for ch in masked)


def test_mask_id_18() -> None:
    assert mask_id("320703198001010014") == "320703********0014"
    assert mask_id(" 32070319800101001X ") == "320703********001X"


def test_mask_id_15_digit_old_number() -> None:
    assert mask_id("320703800101001") == "320**********01"


@pytest.mark.parametrize("length", [n for n in range(0, 30) if n != 18])
def test_mask_id_never_reveals_more_than_half(length: int) -> None:
    value = "1234567890abcdefghijklmnopqrstuvwxyz"[:length]
    masked = mask_id(value)
    assert len(masked) == length
    assert visible(masked) <= length // 2
    if length >= 10:
        assert masked.startswith(value[:3]) and masked.endswith(value[-2:])


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("value", ["1381234", "12345", "138123456789"])
def test_mask_phone_other_lengths(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value) and visible(masked) <= len(value) // 2


def test_mask_card() -> None:
    assert mask_card("6222021234567890123") == "6222" + "*" * 11 + "0123"
    assert mask_card("6222021234567890") == "6222********7890"


@pytest.mark.parametrize("length", range(0, 16))
def test_mask_card_short_never_reveals_more_than_half(length: int) -> None:
    masked = mask_card("123456789012345"[:length])
    assert len(masked) == length and visible(masked) <= length // 2


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张小明", "张*明"), ("张三", "张*"), ("欧阳小明", "欧**明"), ("𠇔明", "𠇔*"), ("张", "*"), ("", "")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_minority_name() -> None:
    masked = mask_name("阿依古丽·买买提")
    assert masked[0] == "阿" and masked[-1] == "提" and visible(masked) == 2
