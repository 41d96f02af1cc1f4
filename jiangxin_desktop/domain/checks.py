"""Result type shared by the field validators, plus small text helpers they share.

Pure code: no Qt, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldCheck:
    """Outcome of validating one input field.

    ``value`` is the normalised value ("" when the input was empty); ``ok`` is False for a
    blocking error, described by ``message``; ``warning`` is a non-blocking remark.
    Messages are Simplified Chinese and tell the user what to do.
    """

    value: str
    ok: bool
    message: str | None = None
    warning: str | None = None


# Dash-like characters people type or paste between digit groups.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

# Shapes a long digit string takes after a spreadsheet stored it as a number:
# 3.20703E+17, 3.20703198001011e17, 320703198001010000.0, 320,703,198,001,010,000.
_EXCEL_NUMBER = re.compile(
    r"""^(?:
        \d+(?:[.,]\d*)?[eE][+]?\d+       # scientific notation (comma as decimal mark too)
      | \d+\.\d+                         # float with a fractional part
      | \d{1,3}(?:,\d{3}){2,}(?:\.\d+)?  # thousands separators
    )$""",
    re.VERBOSE,
)


def fullwidth_to_ascii(text: str) -> str:
    """Map full-width ASCII variants (U+FF01..U+FF5E) and U+3000 to plain ASCII."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def strip_invisible(text: str, extra: str = "") -> str:
    """Remove whitespace, format characters (zero-width space, BOM) and any ``extra`` characters."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf" and ch not in extra
    )


def looks_like_excel_number(text: str) -> bool:
    """True when ``text`` is a digit string that a spreadsheet turned into a number."""
    return bool(_EXCEL_NUMBER.match(text))


def excel_number_message(what: str) -> str:
    """Chinese message for a number mangled by a spreadsheet (last digits lost; never reconstruct)."""
    return (
        f"{what}被Excel转成了数字（科学计数法），末几位已丢失，无法恢复。"
        "请把该列设为“文本”格式后重新录入完整号码"
    )
