"""Chinese line breaking (禁则, kinsoku): where a line of printed text may end.

A pure function of the text and a measure, used for every text box and table cell:

- a line never starts with closing punctuation (，。、）」…) and never ends with opening
  punctuation (（「“…): closing punctuation sticks to the token before it, opening
  punctuation to the token after it;
- a date (``2026-12-03``, ``2026年12月3日``, ``二〇二六年十二月三日``), a number, an ID or
  certificate number (``320706001-2026-000001``), a figure with its unit (``40课时``) or any run
  of Latin letters and digits is one token and is never split: a token wider than the line
  stays whole on a line of its own and the caller shrinks the text (:func:`widest_token`);
- Chinese breaks between any two characters; an ASCII space is a break that disappears at the
  end of a line; the ideographic space 　 (an indent) is kept like a character.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CLOSING = set("，。、；：？！）》」』】〕〉”’,.;:?!)]}%‰…—·・～")
OPENING = set("（《「『【〔〈“‘([{")

_CN_DIGIT = "〇零一二三四五六七八九十"
_ATOMS = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"  # 2026年12月3日, 2026年9月
    rf"|[{_CN_DIGIT}]{{4}}年[{_CN_DIGIT}]{{1,3}}月(?:[{_CN_DIGIT}]{{1,3}}日)?"  # 二〇二六年十二月三日
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日"  # 9月14日
    r"|\d+(?:\.\d+)?\s*(?:课时|学时|小时|分钟|元|人|页|天)"  # 40课时, 1,500元: a figure and its unit
    r"|[A-Za-z0-9*#@_+\-./:]*[A-Za-z0-9*#@_+\-/:][A-Za-z0-9*#@_+\-./:]*"  # numbers, codes, dates
    r"| +"  # ASCII spaces: a break that disappears at a line's end
    r"|.",
    re.S,
)

Measure = Callable[[str], float]


def tokens(text: str) -> list[str]:
    """``text`` as the units a line may not break inside, in order ("".join gives it back)."""
    out: list[str] = []
    opening = ""  # opening punctuation waiting for the token it belongs to
    for atom in _ATOMS.findall(text):
        if atom.isspace() and atom != "\u3000":
            if opening:
                out.append(opening)
                opening = ""
            out.append(atom)
        elif atom in OPENING:
            opening += atom
        elif atom in CLOSING and not opening and out and not out[-1].isspace():
            out[-1] += atom
        else:
            out.append(opening + atom)
            opening = ""
    if opening:
        out.append(opening)
    return out


def break_lines(text: str, measure: Measure, width: float) -> list[str]:
    """One paragraph broken into lines no wider than ``width`` (in ``measure``'s units).

    Widths add up token by token (no kerning), so ``measure`` is asked once per token. A line
    is only wider than ``width`` when a single token is: the caller shrinks then. A paragraph
    never ends in one lone character (农村转移劳动 / 力): the line before gives it a token."""
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0.0
    for token in tokens(text):
        w = measure(token)
        if token.isspace() and token != "\u3000":
            if line and used + w <= width:
                line.append(token)
                used += w
            elif line:
                lines.append(line)
                line, used = [], 0.0
            continue
        if not line or used + w <= width:
            line.append(token)
            used += w
        else:
            lines.append(line)
            line, used = [token], w
    lines.append(line)
    _no_lone_last_character(lines, measure, width)
    return ["".join(tokens_of_line).rstrip(" ") for tokens_of_line in lines]


def _no_lone_last_character(lines: list[list[str]], measure: Measure, width: float) -> None:
    """Move the previous line's last token down to a last line of one character, when both
    lines keep at least two tokens and the last line still fits."""
    if len(lines) < 2 or len(lines[-1]) != 1 or len(lines[-1][0].rstrip("".join(CLOSING))) != 1:
        return
    before, last = lines[-2], lines[-1]
    if len(before) < 3 or before[-1].isspace() or before[-2].isspace():
        return
    if measure(before[-1]) + measure(last[0]) <= width:
        last.insert(0, before.pop())


def widest_token(text: str, measure: Measure) -> float:
    """The width of the widest unbreakable token: a box narrower than this must shrink."""
    return max((measure(t) for t in tokens(text) if not t.isspace() or t == "\u3000"), default=0.0)
