"""Phone, card and 统一社会信用代码 validation."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from jiangxin_desktop.domain.checks import FieldCheck
from jiangxin_desktop.domain.contact import check_bank_card, check_phone, check_uscc, luhn_ok


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def make_luhn(body: str) -> str:
    """Append the Luhn check digit to ``body``."""
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError("unreachable")


def make_uscc(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


# --- phone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "(+86)138-1234-5678",
        "008613812345678",
        "8613812345678",
        full_width("13812345678"),
        "１３８\u3000１２３４\u3000５６７８",
        "13812345678.0",
    ],
)
def test_phone_normalised(raw: str) -> None:
    assert check_phone(raw) == FieldCheck("13812345678", True)


@pytest.mark.parametrize("first_two", ["13", "14", "15", "16", "17", "18", "19"])
def test_phone_prefixes(first_two: str) -> None:
    assert check_phone(f"{first_two}012345678").ok


def test_phone_empty() -> None:
    assert check_phone("") == FieldCheck("", False, "请输入手机号码")
    assert check_phone("  ").message == "请输入手机号码"
    assert check_phone("", required=False) == FieldCheck("", True)
    assert check_phone(" \u3000", required=False).ok


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12812345678", "13–19"),
        ("10000000000", "13–19"),
        ("02512345678", "座机"),
        ("1381234567", "11位"),
        ("138123456789", "11位"),
        ("861381234567", "11位"),  # 12 digits: the 86 is not a country prefix here
        ("1381234567a", "数字"),
        ("1.38123E+10", "科学计数法"),
    ],
)
def test_phone_invalid(raw: str, fragment: str) -> None:
    result = check_phone(raw)
    assert not result.ok
    assert fragment in (result.message or "")


# --- bank / social-security card ----------------------------------------------------------------


def test_luhn_known_numbers() -> None:
    assert luhn_ok("4111111111111111")
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_card_valid_lengths(length: int) -> None:
    number = make_luhn("6222021234567890123"[: length - 1])
    assert check_bank_card(number) == FieldCheck(number, True)


def test_card_normalised() -> None:
    number = make_luhn("622202123456789012")
    spaced = f"{number[:4]} {number[4:8]}-{number[8:12]}\u3000{full_width(number[12:])}"
    assert check_bank_card(spaced) == FieldCheck(number, True)


def test_card_luhn_failure_is_only_a_warning() -> None:
    number = make_luhn("622202123456789012")
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    result = check_bank_card(bad)
    assert result.ok
    assert result.message is None
    assert result.warning == "卡号校验未通过，请核对"
    assert result.value == bad


def test_card_empty() -> None:
    assert check_bank_card("") == FieldCheck("", True)
    result = check_bank_card(" ", required=True)
    assert not result.ok and result.message


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("622202123456789", "16–19位"),
        ("62220212345678901234", "16–19位"),
        ("6222O21234567890", "数字"),
        ("6.22202E+18", "科学计数法"),
        ("6222021234567890000.0", "科学计数法"),
    ],
)
def test_card_invalid(raw: str, fragment: str) -> None:
    result = check_bank_card(raw)
    assert not result.ok
    assert fragment in (result.message or "")


# --- USCC --------------------------------------------------------------------------------------


def test_uscc_valid_example() -> None:
    code = make_uscc("91320700MA1MXXXXX")
    uscc.validate(code)  # stdnum agrees
    assert check_uscc(code) == FieldCheck(code, True)
    assert check_uscc("91110000600037341L").ok  # the example published with python-stdnum


def test_uscc_normalised() -> None:
    code = make_uscc("91320700MA1MXXXXX")
    raw = f" {code[:2]} {code[2:8]}-{code[8:].lower()} "
    assert check_uscc(raw) == FieldCheck(code, True)
    assert check_uscc(full_width(code)).value == code


def test_uscc_letter_registration_authority_accepted() -> None:
    # GB 32100 allows letters in position 1-2 (e.g. N for agricultural collectives), stdnum does not.
    code = make_uscc("N2320700MA1MXXXXX")
    with pytest.raises(ValidationError):
        uscc.validate(code)
    assert check_uscc(code).ok


def test_uscc_empty() -> None:
    assert check_uscc("") == FieldCheck("", False, "请输入统一社会信用代码")
    assert check_uscc("", required=False) == FieldCheck("", True)


@pytest.mark.parametrize("length", [15, 17, 19])
def test_uscc_length(length: int) -> None:
    result = check_uscc(make_uscc("91320700MA1MXXXXX")[:length] + "1" * max(0, length - 18))
    assert not result.ok
    assert "18位" in (result.message or "")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("91320700MA1MIXXXX", "第13位"),  # I is not in the alphabet
        ("91320700MA1MOXXXX", "不含I、O、Z、S、V"),
        ("9132A700MA1MXXXXX", "行政区划码"),
    ],
)
def test_uscc_bad_characters(body: str, fragment: str) -> None:
    result = check_uscc(body + "0")
    assert not result.ok
    assert fragment in (result.message or "")


def test_uscc_wrong_check_character() -> None:
    code = make_uscc("91320700MA1MXXXXX")
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    result = check_uscc(bad)
    assert not result.ok
    assert "校验位" in (result.message or "")
    assert "应为18位" not in (result.message or "")  # distinct from the length message
