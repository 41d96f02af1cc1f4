"""Personal-name (姓名) normalisation and validation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from jiangxin_desktop.domain.checks import FieldCheck, fullwidth_to_ascii

MIDDLE_DOT = "\u00b7"
MIN_LENGTH = 2
MAX_LENGTH = 30

# Dot-like separators always meaning the name separator "·".
_DOT_LIKE = "\u00b7\u0387\u2022\u2027\u2219\u22c5\u2e31\u30fb\uff65\ufe52"
# Full stops that mean "·" only between two CJK characters (full-width ones are already ASCII).
_CONTEXT_DOTS = ".\u3002"
# Leading characters a spreadsheet treats as the start of a formula.
_FORMULA_START = "=+-@"

# CJK Unified Ideographs, Extensions A-I, compatibility ideographs, and 〇 (U+3007).
_CJK_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2EE5F),  # Extensions C, D, E, F, I
    (0x2F800, 0x2FA1F),  # Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # Extensions G, H
)
_WHITESPACE = re.compile(r"\s+")
# A name that is already normal and valid as typed (the common case): basic CJK, maybe "·".
_PLAIN_NAME = re.compile(
    rf"(?=.{{{MIN_LENGTH},{MAX_LENGTH}}}\Z)[\u4e00-\u9fff]+(?:\u00b7[\u4e00-\u9fff]+)*", re.DOTALL
)


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (any extension, compatibility ideographs, 〇)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN ")


def _joins_tight(ch: str) -> bool:
    return bool(ch) and (is_cjk(ch) or ch == MIDDLE_DOT)


def _normalize(raw: str) -> str:
    text = fullwidth_to_ascii(unicodedata.normalize("NFC", raw or ""))
    text = "".join(MIDDLE_DOT if ch in _DOT_LIKE else ch for ch in text)
    text = _WHITESPACE.sub(" ", text).strip()
    out: list[str] = []
    for i, ch in enumerate(text):
        prev = out[-1] if out else ""
        nxt = text[i + 1 :].lstrip()[:1]
        if ch in _CONTEXT_DOTS and prev and is_cjk(prev) and nxt and is_cjk(nxt):
            ch = MIDDLE_DOT
        elif ch == " " and (_joins_tight(prev) or _joins_tight(nxt)):
            continue  # "张　三" → "张三", "阿依古丽 · 买买提" → "阿依古丽·买买提"
        out.append(ch)
    return "".join(out)


def normalize_name(raw: str) -> str:
    """NFC, trim, collapse spaces, drop spaces next to CJK/"·", unify dot separators to "·"."""
    return _normalize(raw)


def _error(value: str) -> str | None:
    if not value:
        return "请输入姓名"
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return "姓名中有不可见字符（如零宽空格），请删除后重新输入"
    if value[0] in _FORMULA_START:
        return "姓名不能以 = + - @ 开头（会被表格软件当作公式），请删除开头的符号"
    if any(unicodedata.category(ch) == "Nd" for ch in value):
        return "姓名不能包含数字，请核对"
    for ch in value:
        if not (is_cjk(ch) or _is_latin_letter(ch) or ch in (MIDDLE_DOT, " ")):
            return f"姓名中的“{ch}”不是汉字、字母或“·”，请删除或改正"
    if value[0] == MIDDLE_DOT or value[-1] == MIDDLE_DOT:
        return "“·”不能在姓名的开头或结尾，请核对"
    if MIDDLE_DOT * 2 in value:
        return "姓名中不能有连续的“·”，请核对"
    if len(value) < MIN_LENGTH:
        return f"姓名至少{MIN_LENGTH}个字，请填写完整姓名"
    if len(value) > MAX_LENGTH:
        return f"姓名不能超过{MAX_LENGTH}个字，请核对"
    return None


def names_as_typed(cells: Iterable[object]) -> list[str | None]:
    """For many cells at once: each that :func:`check_name` accepts unchanged, else None."""
    plain = _PLAIN_NAME.fullmatch
    return [cell if cell.__class__ is str and plain(cell) else None for cell in cells]


def check_name(raw: str) -> FieldCheck:
    """Validate a 姓名: required, 2-30 characters, CJK (incl. rare extensions), "·", Latin letters."""
    if raw and _PLAIN_NAME.fullmatch(raw):
        return FieldCheck(raw, True)
    value = _normalize(raw)
    error = _error(value)
    return FieldCheck(value, False, error) if error else FieldCheck(value, True)
