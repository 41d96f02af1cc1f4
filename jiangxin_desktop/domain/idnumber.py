"""公民身份号码 (GB 11643-1999) normalisation and validation.

The county part (digits 3-6) is information only: unknown, historic and "younger than the
birth date" area codes are accepted, because real people carry them (python-stdnum's
``stdnum.cn.ric.validate`` wrongly rejects e.g. 320707 for a 1980 birth, so it is not used).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from jiangxin_desktop.domain.checks import (
    excel_number_message,
    fullwidth_to_ascii,
    looks_like_excel_number,
    strip_invisible,
)

# GB/T 2260 province-level codes, plus 81/82/83 used by HK/Macao/Taiwan residence permits.
PROVINCES: Mapping[str, str] = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
        "83": "台湾地区（居住证）",
    }
)

# GB 11643's weights are 2**17 … 2**1 modulo 11, and 13 ≡ 2 (mod 11): the first 17 digits
# read as a base-13 number (powers 13**16 … 13**0), times 13, leave the same remainder as
# their weighted sum.
_CHECK_BASE = 13
_CHECK_CHARS = "10X98765432"
_ASCII_DIGITS = "0123456789"
# The 17th digit: odd for a man, even for a woman.
SEX_BY_DIGIT: Mapping[str, str] = MappingProxyType({d: "男" if int(d) % 2 else "女" for d in _ASCII_DIGITS})
_MIN_BIRTH_YEAR = 1900
# An ID already in its normal form (the usual case when importing thousands of rows):
# no normalising, no character-by-character structure check.
_CANONICAL = re.compile(r"[0-9]{17}[0-9X]")
# Month and day of every date of a leap year, as in the number ("0101" … "1231").
_MONTH_DAYS = frozenset(
    f"{month:02d}{day:02d}"
    for month in range(1, 13)
    for day in range(1, calendar.monthrange(2000, month)[1] + 1)
)


@dataclass(frozen=True)
class IdCheck:
    """Result of :func:`check_id`. ``birth_date`` and ``sex`` are set only when valid."""

    input: str
    valid: bool
    id_number: str
    birth_date: date | None
    sex: str | None
    message: str | None


def normalize_id(raw: str) -> str:
    """Full-width to half-width, drop all whitespace (incl. U+3000) and zero-width chars, x → X."""
    return strip_invisible(fullwidth_to_ascii(raw or "")).replace("x", "X")


def age_on(birth: date, on: date) -> int:
    """Full years of age on ``on`` (a 29 February birthday counts from 1 March in common years).

    Negative when ``on`` precedes ``birth``.
    """
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _check_char(body17: str) -> str:
    return _CHECK_CHARS[int(body17, _CHECK_BASE) * _CHECK_BASE % 11]


def _fail(raw: str, number: str, message: str) -> IdCheck:
    return IdCheck(input=raw, valid=False, id_number=number, birth_date=None, sex=None, message=message)


def _structure_error(number: str) -> str | None:
    """Length and character errors, or None."""
    if len(number) == 15 and all(c in _ASCII_DIGITS for c in number):
        return "这是15位旧身份证号码，请换算成18位号码后再录入"
    if len(number) != 18:
        return f"公民身份号码应为18位，现在是{len(number)}位，请核对"
    for pos, ch in enumerate(number[:17], start=1):
        if ch not in _ASCII_DIGITS:
            return f"第{pos}位“{ch}”无效：前17位只能是数字，请核对"
    if number[17] not in _ASCII_DIGITS + "X":
        return f"第18位“{number[17]}”无效：只能是数字或X，请核对"
    return None


def birth_of(number: str) -> date:
    """The birth date in digits 7–14 of an 18-digit number (ValueError: no such day)."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    """男 or 女, from the 17th digit of an 18-digit number."""
    return SEX_BY_DIGIT[number[16]]


def _birth_error(number: str, today: date) -> tuple[date | None, str | None]:
    digits = number[6:14]
    try:
        birth = birth_of(number)
    except ValueError:
        return None, f"第7–14位出生日期“{digits}”不存在，请核对"
    if birth.year < _MIN_BIRTH_YEAR:
        return None, f"出生年份{birth.year}早于{_MIN_BIRTH_YEAR}年，请核对第7–10位"
    if birth > today:
        return None, f"出生日期{digits}晚于今天，请核对第7–14位"
    return birth, None


def check_id(raw: str, today: date | None = None) -> IdCheck:
    """Validate a 公民身份号码 (or HK/Macao/Taiwan residence-permit number).

    ``today`` defaults to the current date; birth dates after it are rejected.
    """
    raw = raw if raw is not None else ""
    if _CANONICAL.fullmatch(raw):
        number = raw
    else:
        number = normalize_id(raw)
        if not number:
            return _fail(raw, number, "请输入公民身份号码")
        if looks_like_excel_number(number):
            return _fail(raw, number, excel_number_message("身份证号"))
        error = _structure_error(number)
        if error:
            return _fail(raw, number, error)
    if number[:2] not in PROVINCES:
        return _fail(raw, number, f"前两位“{number[:2]}”不是有效的省份代码，请核对")
    birth, error = _birth_error(number, today or date.today())
    if error or birth is None:
        return _fail(raw, number, error or "出生日期无效，请核对")
    if number[17] != _check_char(number[:17]):
        # Never reveal the expected character: it would make fabricating numbers easy.
        return _fail(raw, number, "校验位错误，请逐位核对号码（含第18位）")
    sex = sex_of(number)
    return IdCheck(input=raw, valid=True, id_number=number, birth_date=birth, sex=sex, message=None)


def valid_as_typed(cells: Iterable[object], today: date) -> list[str | None]:
    """For many cells at once: each cell that :func:`check_id` would accept exactly as it is
    (a valid number in its normal form), None for any other (empty, to normalise, invalid).

    Numbers of a roster are checked this way, without a call per number; a None gets the
    full :func:`check_id` with its message.
    """
    latest = f"{today:%Y%m%d}"
    canonical, provinces, base, chars = _CANONICAL.fullmatch, PROVINCES, _CHECK_BASE, _CHECK_CHARS
    return [
        cell
        if cell.__class__ is str
        and canonical(cell)
        and cell[:2] in provinces
        and "19000101" <= cell[6:14] <= latest
        and (month_day := cell[10:14]) in _MONTH_DAYS
        and (month_day != "0229" or calendar.isleap(int(cell[6:10])))
        and cell[17] == chars[int(cell[:17], base) * base % 11]
        else None
        for cell in cells
    ]
