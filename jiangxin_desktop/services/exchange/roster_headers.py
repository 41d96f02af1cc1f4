"""Find the header row of a roster spreadsheet and map its columns to our fields.

Real rosters have a title (often merged across the sheet), a unit/date line, sometimes a
two-row header ("证明材料" merged over "类型" and "编号"), and headers written in many ways:
"身份证号码", "公民身份号码*", "联系电话\n(手机)", "姓　名". The header is the row (or pair
of rows) within the first rows of the sheet that names the most of our fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

# How far down the header may be (title, unit, date and instruction rows come first).
HEADER_SEARCH_ROWS = 15

# Our field → header texts people use, compared after :func:`header_key`.
HEADER_SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "seq": ("序号", "序"),
        "name": ("姓名", "学员姓名", "学员名称"),
        "id_number": (
            "公民身份号码",
            "身份证号",
            "身份证号码",
            "身份证件号码",
            "公民身份证号码",
            "身份号码",
            "证件号码",
        ),
        "sex": ("性别",),
        "phone": ("联系电话", "手机号码", "手机号", "电话", "手机", "电话号码", "联系方式", "移动电话"),
        "hukou": ("户口性质", "户籍性质", "户口类型", "户籍类型"),
        "ethnicity": ("民族",),
        "education": ("文化程度", "学历", "最高学历"),
        "target_group": ("人员类别", "人员类型", "学员类别"),
        "evidence_type": ("证明材料类型", "证明材料", "证明材料名称"),
        "evidence_number": ("证明材料编号", "证件编号", "证明材料号码"),
        "employment_status": ("就业状态", "就业情况"),
        "bank_card": (
            "社保卡号",
            "银行账号",
            "银行卡号",
            "社保卡/银行账号",
            "社保卡号/银行账号",
            "社会保障卡号",
            "社保卡/银行卡号",
        ),
        "address": ("联系地址", "住址", "地址", "家庭住址", "家庭地址"),
        "employer": ("工作单位", "单位名称", "所在单位"),
        "note": ("备注",),
    }
)
# Fields that only help to recognise the header (序号) or are cross-checked (性别).
AUXILIARY_FIELDS = ("seq", "sex")
REQUIRED_FIELDS = ("name", "id_number")

_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")


def header_key(text: object) -> str:
    """Comparable form of a header cell: NFKC, no spaces or line breaks, no "*" marks."""
    if not isinstance(text, str):
        return ""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return key.strip("*※").lower()


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field, names in HEADER_SYNONYMS.items():
        for name in names:
            lookup[header_key(name)] = field
    return lookup


_LOOKUP = _build_lookup()


IGNORE = "\x00ignore"  # the clerk's answer for a column: 忽略此列


def match_header(text: object, answers: Mapping[str, str] | None = None) -> str | None:
    """The field a header cell names, or None. "身份证号码(18位)*" → "id_number".

    ``answers`` (header key → field or :data:`IGNORE`), the clerk's, come first."""
    key = header_key(text)
    if not key:
        return None
    if answers and key in answers:
        return answers[key]
    field = _LOOKUP.get(key)
    if field is None:
        bare = _BRACKETED.sub("", key).strip("*※")
        field = _LOOKUP.get(bare) if bare != key else None
    return field


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header is: 0-based indexes of its first row and of the first data row."""

    first_row: int
    data_start: int
    header: tuple[str, ...]  # one text per column; "证明材料类型" for "证明材料" over "类型"
    columns: Mapping[str, int]  # field → column index (first column that names it)
    ignored: frozenset[int] = frozenset()  # columns the clerk said to ignore

    @property
    def score(self) -> int:
        return sum(1 for f in self.columns if f != "seq")

    def unknown(self) -> list[int]:
        """Columns with a header that names none of our fields and that are not ignored."""
        named = set(self.columns.values()) | self.ignored
        return [c for c, text in enumerate(self.header) if text and c not in named]

    def missing(self, required: Sequence[str] = REQUIRED_FIELDS) -> list[str]:
        return [f for f in required if f not in self.columns]


def _text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def _assign(
    found: list[tuple[int, str | None, bool]],
) -> tuple[dict[str, int], frozenset[int]]:
    """(column, field, the clerk's answer?) → field → column: answers first, then the first
    column naming a field; and the columns to ignore."""
    columns: dict[str, int] = {}
    ignored = frozenset(c for c, f, _ in found if f == IGNORE)
    for explicit in (True, False):
        for c, field, answered in found:
            if answered is explicit and field not in (None, IGNORE) and field not in columns:
                if c not in columns.values():
                    columns[field] = c
    return columns, ignored


def _single(
    rows: Sequence[Sequence[object]], r: int, answers: Mapping[str, str] | None = None
) -> HeaderLayout:
    header = tuple(_text(c) for c in rows[r])
    found = [
        (c, match_header(text, answers), bool(answers) and header_key(text) in answers)
        for c, text in enumerate(header)
    ]
    columns, ignored = _assign(found)
    return HeaderLayout(r, r + 1, header, columns, ignored)


def _double(
    rows: Sequence[Sequence[object]], r: int, answers: Mapping[str, str] | None = None
) -> HeaderLayout:
    """Two header rows: a group cell (merged across) above its sub-headers."""
    parents, children = rows[r], rows[r + 1]
    header: list[str] = []
    found: list[tuple[int, str | None, bool]] = []
    parent = ""
    for c in range(max(len(parents), len(children))):
        own = _text(parents[c]) if c < len(parents) else ""
        child = _text(children[c]) if c < len(children) else ""
        # A merged group cell holds its text in the first column only: carry it right.
        parent = own or (parent if child else "")
        field = None
        text = parent
        if child:
            for candidate in (child, parent + child):
                field = match_header(candidate, answers)
                if field is not None:
                    text = candidate
                    break
            else:
                text = child
        else:
            field = match_header(parent, answers)
        header.append(text)
        found.append((c, field, bool(answers) and header_key(text) in answers))
    columns, ignored = _assign(found)
    return HeaderLayout(r, r + 2, tuple(header), columns, ignored)


def find_header(
    rows: Sequence[Sequence[object]],
    search_rows: int = HEADER_SEARCH_ROWS,
    answers: Mapping[str, str] | None = None,
) -> HeaderLayout | None:
    """The best header among the first ``search_rows`` rows (maybe lacking required fields).

    A two-row header wins only when the pair names more fields than either row alone.
    Returns None when no row names any field.
    """
    best: HeaderLayout | None = None
    limit = min(search_rows, len(rows))
    for r in range(limit):
        candidates = [_single(rows, r, answers)]
        if r + 1 < len(rows):
            pair = _double(rows, r, answers)
            if pair.score > candidates[0].score and pair.score > _single(rows, r + 1, answers).score:
                candidates.append(pair)
        for layout in candidates:
            if layout.score and (best is None or layout.score > best.score):
                best = layout
    return best
