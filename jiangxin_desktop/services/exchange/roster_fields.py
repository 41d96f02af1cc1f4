"""Check and normalise the cells of one roster row (no I/O, no database).

The same rules as the registration form (domain/names, domain/idnumber, domain/contact,
the code lists), plus what only spreadsheets do: numbers where text was meant, codes
written as labels or aliases, full-width digits, "-" or "/" for "nothing".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from operator import itemgetter
from typing import Any

from jiangxin_desktop.domain.checks import FieldCheck, excel_number_message
from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.contact import (
    LUHN_WARNING,
    cards_as_typed,
    check_bank_card,
    check_phone,
    luhn_ok,
    phones_as_typed,
)
from jiangxin_desktop.domain.idnumber import check_id, sex_of, valid_as_typed
from jiangxin_desktop.domain.names import check_name, names_as_typed
from jiangxin_desktop.services.exchange.roster_codes import SKIP, CodeLookup, text_key
from jiangxin_desktop.services.exchange.spreadsheet_safety import cell_text, is_formula_like

# Our fields, in the order of the import template (DOMAIN.md "Trainee fields").
ROSTER_FIELDS = (
    "name",
    "id_number",
    "phone",
    "bank_card",
    "employer",
    "hukou",
    "ethnicity",
    "education",
    "target_group",
    "evidence_type",
    "evidence_number",
    "employment_status",
    "address",
    "note",
)
# Coded fields → the code list that holds their values (as services/registry.CODED_FIELDS).
CODED_FIELDS: Mapping[str, str] = {
    "hukou": "hukou",
    "ethnicity": "ethnicity",
    "education": "education",
    "target_group": "target_group",
    "employment_status": "employment_status",
}
# Free-text fields and their longest allowed length (as services/registry._TEXT_LIMITS).
TEXT_LIMITS: Mapping[str, int] = {"evidence_number": 60, "address": 200, "employer": 200, "note": 2000}
# What people type into a cell to mean "nothing here".
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "/", "\\"})
# Fields that must be filled, and fields whose number cells lost digits (→ what to call them).
_REQUIRED = frozenset({"name", "id_number"})
_TEXT_ONLY = {"id_number": "身份证号", "bank_card": "卡号"}
_SEXES: Mapping[Any, str] = {"男": "男", "男性": "男", "女": "女", "女性": "女"}
# Full-width digits and letters, and the ideographic space, to ASCII (punctuation is kept:
# "江苏省，连云港市" must not get an ASCII comma).
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
    0x3000: 0x20,
}
_NO_CODES: Mapping[str, str] = {}
_FULLWIDTH = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000"
_HAS_FULLWIDTH = re.compile(f"[{_FULLWIDTH}]")
_LINE_BREAK = re.compile("[\n\r\v\f\x85\u2028\u2029]+")
# Cells meaning "nothing here" → "" (for the many-cells checks of RowChecker.check_many).
_EMPTY_CELLS: Mapping[Any, str] = dict.fromkeys(("", *PLACEHOLDERS), "")
# Free text that plain_text leaves as it is and that does not look like a formula.
_PLAIN_TEXT = rf"[^\s=+\-@{_FULLWIDTH}][^\s{_FULLWIDTH}]*(?: [^\s{_FULLWIDTH}]+)*"


def _looked_up(known: Mapping[Any, str], cells: list[object]) -> list[str | None]:
    return list(map(known.get, cells))


def _or_empty(as_typed: Callable[[list[object]], list[str | None]], cells: list[object]) -> list[str | None]:
    """``as_typed`` of the cells, with "" for the cells meaning "nothing here" ("—" too)."""
    nothing = _EMPTY_CELLS.get
    return [
        typed if (empty := nothing(cell)) is None else empty
        for cell, typed in zip(cells, as_typed(cells), strict=True)
    ]


def _plain_texts(fullmatch: Callable[[str], object], cells: list[object]) -> list[str | None]:
    return [cell if cell.__class__ is str and fullmatch(cell) else None for cell in cells]


def _plain_text_pattern(limit: int | None) -> re.Pattern[str]:
    bound = f"(?=.{{1,{limit}}}\\Z)" if limit else ""
    return re.compile(bound + _PLAIN_TEXT, re.DOTALL)


def plain_text(text: str) -> str:
    """Free text: full-width digits/letters to ASCII, spaces collapsed, trimmed."""
    if not text.isascii() and _HAS_FULLWIDTH.search(text):
        text = text.translate(_FULLWIDTH_ALNUM)
    return " ".join(text.split())


@dataclass
class CheckedRow:
    """Normalised values of one row, its errors and warnings as (field, message)."""

    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (field, value): to ask the clerk
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (field, value): left out as told


class RowChecker:
    """Checks rows of one sheet; built once per file so that per-row work stays small."""

    def __init__(
        self,
        codes: CodeCatalog,
        columns: Mapping[str, int],
        today: date,
        answers: Mapping[str, Mapping[str, str]] | None = None,  # field → value key → code/SKIP
    ) -> None:
        self.today = today
        answers = answers or {}
        self.lookups = {
            f: CodeLookup.build(codes[name], answers.get(f))
            for f, name in CODED_FIELDS.items()
            if name in codes
        }
        handlers: dict[str, Callable[[str, str, CheckedRow], None]] = {
            "name": self._check_name,
            "id_number": self._check_id,
            "phone": self._check_phone,
            "bank_card": self._check_card,
        }
        # (field, column index, checker, may be empty, cell text → code for the usual spellings)
        self.columns = [
            (
                f,
                columns[f],
                handlers.get(f) or (self._check_code if f in self.lookups else self._check_text),
                f not in _REQUIRED,
                self.lookups[f].keys if f in self.lookups else _NO_CODES,
            )
            for f in ROSTER_FIELDS
            if f in columns
        ]
        self.sex_column = columns.get("sex")
        self.blank = dict.fromkeys(ROSTER_FIELDS, "")
        self.evidence: dict[str, tuple[str, ...]] = {}
        self.evidence_keys: dict[str, str] = {}
        if "target_group" in codes:
            for group in codes["target_group"]:
                self.evidence[group.code] = tuple(group.extra.get("evidence", ()))
                for label in self.evidence[group.code]:
                    self.evidence_keys.setdefault(text_key(label), label)
        self._evidence_pairs = {(group, label) for group, labels in self.evidence.items() for label in labels}
        self._indexes = {f: columns[f] for f in ROSTER_FIELDS if f in columns}
        self._as_typed = {f: self._as_typed_check(f) for f in self._indexes}

    def _as_typed_check(self, name: str) -> Callable[[list[object]], list[str | None]]:
        """For ``check_many``: a column's cells → each cell's value when :meth:`check` would
        take the cell as it is (or as "nothing") without a remark, else None."""
        if name == "name":
            return names_as_typed
        if name == "id_number":
            return partial(valid_as_typed, today=self.today)
        if name in self.lookups:
            return partial(_looked_up, {**_EMPTY_CELLS, **self.lookups[name].keys})
        if name == "evidence_type":
            labels = {label: label for label in self.evidence_keys.values() if not is_formula_like(label)}
            return partial(_looked_up, {**_EMPTY_CELLS, **labels})
        if name == "phone":
            return partial(_or_empty, phones_as_typed)
        if name == "bank_card":
            return partial(_or_empty, cards_as_typed)
        return partial(_or_empty, partial(_plain_texts, _plain_text_pattern(TEXT_LIMITS.get(name)).fullmatch))

    def check_many(
        self, lines: Sequence[Sequence[object]]
    ) -> tuple[list[dict[str, str]], dict[int, CheckedRow]]:
        """Check many rows: each row's values, and the :meth:`check` of every row that needed one.

        Most cells of a roster are valid and already in their normal form; such cells are
        recognised a column at a time. A row with any other cell (to normalise, or with a
        problem) gets :meth:`check`, which is in the second item under the row's index with
        its errors and warnings. The values are those :meth:`check` gives, row by row.
        """
        count = len(lines)
        width = min(map(len, lines), default=0)

        def column(index: int) -> list[object]:
            if index < width:
                return list(map(itemgetter(index), lines))
            return [line[index] if index < len(line) else "" for line in lines]

        indexes, as_typed = self._indexes, self._as_typed
        values = [
            as_typed[name](column(indexes[name])) if name in indexes else [""] * count
            for name in ROSTER_FIELDS
        ]
        full: set[int] = set()
        for cells in values:
            if None in cells:
                full.update(i for i, value in enumerate(cells) if value is None)
        by_name = dict(zip(ROSTER_FIELDS, values, strict=True))
        numbers, groups, evidences = by_name["id_number"], by_name["target_group"], by_name["evidence_type"]
        if self.sex_column is not None:
            full.update(
                i
                for i, (cell, number) in enumerate(zip(column(self.sex_column), numbers, strict=True))
                if number is not None and cell not in _EMPTY_CELLS and _SEXES.get(cell) != sex_of(number)
            )
        ruled, pairs = self.evidence, self._evidence_pairs
        full.update(
            i
            for i, (group, evidence) in enumerate(zip(groups, evidences, strict=True))
            if evidence and group in ruled and (group, evidence) not in pairs
        )
        rows: list[dict] = [dict(zip(ROSTER_FIELDS, row, strict=True)) for row in zip(*values, strict=True)]
        checked: dict[int, CheckedRow] = {}
        for i in sorted(full):
            checked[i] = self.check(lines[i])
            rows[i] = checked[i].values
        # A card number failing the Luhn check is kept, with a warning (as check_bank_card does).
        for i, card in enumerate(by_name["bank_card"]):
            if card and i not in checked and not luhn_ok(card):
                checked[i] = CheckedRow(rows[i], warnings=[("bank_card", LUHN_WARNING)])
        return rows, checked

    def check(self, cells: Sequence[object]) -> CheckedRow:
        out = CheckedRow(values=self.blank.copy())
        width = len(cells)
        values = out.values
        for name, index, handler, optional, codes in self.columns:
            cell = cells[index] if index < width else ""
            if isinstance(cell, str):
                code = codes.get(cell)
                if code is not None:  # a coded cell spelled as usual ("汉族", "初中"): nothing to check
                    values[name] = code
                    continue
                if optional and (not cell or cell in PLACEHOLDERS):
                    continue
                text = cell.strip()
                if not text and optional:
                    continue
            elif name in _TEXT_ONLY:
                # Digits beyond the 15th are gone: never rebuild the number.
                out.errors.append((name, excel_number_message(_TEXT_ONLY[name])))
                continue
            else:
                text = cell_text(cell)
            if optional and text in PLACEHOLDERS:
                continue
            handler(name, text, out)
        if self.sex_column is not None:
            self._check_sex(cells, out)
        if out.values["evidence_type"]:
            self._check_evidence(out)
        return out

    @staticmethod
    def _store(name: str, result: FieldCheck, out: CheckedRow) -> None:
        out.values[name] = result.value
        if not result.ok:
            out.errors.append((name, result.message or "请核对"))
        elif result.warning:
            out.warnings.append((name, result.warning))

    def _check_name(self, name: str, text: str, out: CheckedRow) -> None:
        if _LINE_BREAK.search(text):  # two names in one cell, or a name and a note: never merged
            shown = " / ".join(part.strip() for part in _LINE_BREAK.split(text) if part.strip())
            out.values[name] = text
            out.errors.append(
                (name, f"单元格内有换行（“{shown}”），请只填写一个姓名，删除换行和多余的内容")
            )
            return
        self._store(name, check_name(text), out)

    def _check_phone(self, name: str, text: str, out: CheckedRow) -> None:
        self._store(name, check_phone(text, required=False), out)

    def _check_card(self, name: str, text: str, out: CheckedRow) -> None:
        self._store(name, check_bank_card(text, required=False), out)

    def _check_id(self, name: str, text: str, out: CheckedRow) -> None:
        idc = check_id(text, today=self.today)
        out.values[name] = idc.id_number
        if not idc.valid:
            out.errors.append((name, idc.message or "公民身份号码无效，请核对"))

    def _check_code(self, name: str, text: str, out: CheckedRow) -> None:
        lookup = self.lookups[name]
        code = lookup.resolve(text)
        if code == SKIP:  # the clerk said: leave these rows out
            out.skipped.append((name, text))
        elif code is not None:
            out.values[name] = code
        elif (flagged := lookup.flag(text)) is not None:  # 脱贫家庭劳动力: a flag of a group
            out.values[name], out.values["target_flags"] = flagged
        else:  # not a row error: a question for the clerk (services/exchange/roster_answers.py)
            out.unknown.append((name, text))

    def _check_text(self, name: str, text: str, out: CheckedRow) -> None:
        value = plain_text(text)
        if name == "evidence_type" and value:
            label = self.evidence_keys.get(value) or self.evidence_keys.get(text_key(value))
            if label is None:
                known = "、".join(self.evidence_keys.values())
                out.errors.append((name, f"“{value}”不是可用的证明材料类型，请填写其中之一：{known}"))
                return
            value = label
        limit = TEXT_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            out.errors.append((name, f"不能超过{limit}个字，现在是{len(value)}个字，请删减"))
        elif is_formula_like(value):
            out.errors.append((name, "不能以 = + - @ 开头（会被表格软件当作公式），请删除开头的符号"))
        out.values[name] = value

    def _check_sex(self, cells: Sequence[object], out: CheckedRow) -> None:
        index = self.sex_column
        cell = cells[index] if index is not None and index < len(cells) else ""
        sex = _SEXES.get(cell) if isinstance(cell, str) else None
        if sex is None:
            text = text_key(cell_text(cell))
            if not text or text in PLACEHOLDERS:
                return
            sex = _SEXES.get(text)
            if sex is None:
                out.errors.append(
                    ("sex", f"“{text}”不是性别，请填写“男”或“女”（也可以不填，性别按身份证号确定）")
                )
                return
        number = out.values["id_number"]
        if any(f == "id_number" for f, _ in out.errors) or len(number) != 18:
            return
        id_sex = sex_of(number)
        if sex != id_sex:
            out.errors.append(
                ("sex", f"性别“{sex}”与公民身份号码不符（号码第17位表示{id_sex}），请核对号码或性别")
            )

    def _check_evidence(self, out: CheckedRow) -> None:
        evidence, group = out.values["evidence_type"], out.values["target_group"]
        allowed = self.evidence.get(group)
        if evidence and allowed is not None and evidence not in allowed:
            label = self.lookups["target_group"].code_list.label(group)
            options = "、".join(allowed) or "无"
            out.errors.append(("evidence_type", f"“{evidence}”不是{label}的证明材料，可选：{options}"))
