"""Mobile phone, social-security/bank card and 统一社会信用代码 validation."""

from __future__ import annotations

import re
from collections.abc import Iterable

from jiangxin_desktop.domain.checks import (
    DASHES,
    FieldCheck,
    excel_number_message,
    fullwidth_to_ascii,
    looks_like_excel_number,
    strip_invisible,
)

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # already normal: no cleaning needed
_PLAIN_CARD = re.compile(r"[0-9]{16,19}")
LUHN_WARNING = "卡号校验未通过，请核对"
# Luhn: a doubled digit's digit sum, as a byte translation "0123456789" → 0,2,4,6,8,1,3,5,7,9.
_DOUBLED = bytes.maketrans(b"0123456789", bytes((0, 2, 4, 6, 8, 1, 3, 5, 7, 9)))
_DIGITS = re.compile(r"^[0-9]+$")
_FLOAT_11 = re.compile(r"^1\d{10}\.0+$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V


def _clean_digits(raw: str, extra: str = "") -> str:
    return strip_invisible(fullwidth_to_ascii(raw or ""), DASHES + extra)


def check_phone(raw: str, required: bool = True) -> FieldCheck:
    """Mainland mobile number; strips +86/0086/86 prefixes, spaces, dashes and brackets."""
    if raw and _PLAIN_MOBILE.fullmatch(raw):
        return FieldCheck(raw, True)
    value = _clean_digits(raw, "()")
    if _FLOAT_11.match(value):  # a spreadsheet number cell read as float keeps all 11 digits
        value = value.split(".")[0]
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086") and len(value) == 15:
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value:
        return FieldCheck("", True) if not required else FieldCheck("", False, "请输入手机号码")
    if looks_like_excel_number(value):
        return FieldCheck(value, False, excel_number_message("手机号码"))
    if not _DIGITS.match(value):
        return FieldCheck(value, False, "手机号码只能包含数字，请核对")
    if len(value) != 11:
        return FieldCheck(value, False, f"手机号码应为11位，现在是{len(value)}位，请核对")
    if not _MOBILE.match(value):
        return FieldCheck(value, False, "手机号码应以13–19开头，请填写11位手机号码（不要填座机）")
    return FieldCheck(value, True)


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check of a string of ASCII digits."""
    data = digits.encode("ascii")
    plain, doubled = data[-1::-2], data[-2::-2].translate(_DOUBLED)
    return (sum(plain) + sum(doubled) - ord("0") * len(plain)) % 10 == 0


def phones_as_typed(cells: Iterable[object]) -> list[str | None]:
    """For many cells at once: each that :func:`check_phone` accepts unchanged, else None."""
    plain = _PLAIN_MOBILE.fullmatch
    return [cell if cell.__class__ is str and plain(cell) else None for cell in cells]


def cards_as_typed(cells: Iterable[object]) -> list[str | None]:
    """For many cells at once: each that :func:`check_bank_card` accepts unchanged, else None.

    Its Luhn check is the caller's (a failure is a warning, :data:`LUHN_WARNING`).
    """
    plain = _PLAIN_CARD.fullmatch
    return [cell if cell.__class__ is str and plain(cell) else None for cell in cells]


def check_bank_card(raw: str, required: bool = False) -> FieldCheck:
    """社保卡/bank card number: 16-19 digits; a Luhn failure is only a warning."""
    if raw and _PLAIN_CARD.fullmatch(raw):
        return FieldCheck(raw, True) if luhn_ok(raw) else FieldCheck(raw, True, warning=LUHN_WARNING)
    value = _clean_digits(raw)
    if not value:
        return FieldCheck("", True) if not required else FieldCheck("", False, "请输入社保卡或银行卡号")
    if looks_like_excel_number(value):
        return FieldCheck(value, False, excel_number_message("卡号"))
    if not _DIGITS.match(value):
        return FieldCheck(value, False, "卡号只能包含数字，请核对")
    if not 16 <= len(value) <= 19:
        return FieldCheck(value, False, f"卡号应为16–19位，现在是{len(value)}位，请核对")
    if not luhn_ok(value):
        return FieldCheck(value, True, warning=LUHN_WARNING)
    return FieldCheck(value, True)


def _uscc_char_error(value: str) -> str | None:
    for pos, ch in enumerate(value, start=1):
        if 3 <= pos <= 8:
            if not ch.isascii() or not ch.isdigit():
                return f"第{pos}位“{ch}”无效：第3–8位是行政区划码，只能是数字，请核对"
        elif ch not in _USCC_ALPHABET:
            return f"第{pos}位“{ch}”无效：只能是数字或大写字母（不含I、O、Z、S、V），请核对"
    return None


def check_uscc(raw: str, required: bool = True) -> FieldCheck:
    """统一社会信用代码 (GB 32100-2015): length, characters, then the check character.

    The first two positions may be letters (e.g. N for 农业 registrations), which
    ``stdnum.cn.uscc.validate`` would reject; stdnum is used for the check character only.
    """
    value = _clean_digits(raw).upper()
    if not value:
        return FieldCheck("", True) if not required else FieldCheck("", False, "请输入统一社会信用代码")
    if len(value) != 18:
        return FieldCheck(value, False, f"统一社会信用代码应为18位，现在是{len(value)}位，请核对")
    error = _uscc_char_error(value)
    if error:
        return FieldCheck(value, False, error)
    from stdnum.cn import uscc as _uscc  # imported when first needed: stdnum costs ~50 ms at start

    if value[17] != _uscc.calc_check_digit(value[:17]):
        return FieldCheck(value, False, "统一社会信用代码校验位错误，请逐位核对（含第18位）")
    return FieldCheck(value, True)
