"""What a roster asks of the clerk before it can be imported, gathered while it is read.

Three kinds of question (answered with services/roster_answers.RosterAnswers):

- ``unknown_values``: a value of a coded column the catalog does not know, once per value,
  with its row count, the rows, and the entries it may mean (高校毕业生 → 21, 22, 23);
- ``unknown_columns``: a header that names none of our fields, with its first 3 values;
- ``missing_columns``: a required coded column the roster lacks (人员类别), for one value
  for the whole class.

A row holding an unanswered value is not an error: it waits for the answer. A real import
with any question open writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_answers import REQUIRED_CODED, RosterAnswers, field_label
from jiangxin_desktop.services.exchange.roster_codes import CodeLookup
from jiangxin_desktop.services.exchange.roster_data import ParsedRoster
from jiangxin_desktop.services.exchange.roster_fields import CODED_FIELDS
from jiangxin_desktop.services.exchange.roster_headers import HeaderLayout
from jiangxin_desktop.services.exchange.spreadsheet_safety import cell_text

SAMPLES = 3  # first values shown for a column nobody named
FIRST_ROWS = 8  # rows named for an unknown value


class ColumnSamples:
    """The first non-empty values of the columns whose header names none of our fields."""

    def __init__(self, layout: HeaderLayout) -> None:
        self._header = layout.header
        self._found: dict[int, list[str]] = {c: [] for c in layout.unknown()}
        self._wanted = bool(self._found)

    def take(self, lines: Sequence[Sequence[object]]) -> None:
        if not self._wanted:
            return
        for line in lines:
            for c, found in self._found.items():
                if len(found) < SAMPLES and c < len(line):
                    text = " ".join(cell_text(line[c]).split())
                    if text:
                        found.append(text)
            if all(len(found) >= SAMPLES for found in self._found.values()):
                self._wanted = False
                return

    def columns(self) -> list[tuple[int, str, list[str]]]:
        return [(c, " ".join(self._header[c].split()), found) for c, found in self._found.items()]


class MissingColumns(KnownError):
    """The header lacks 姓名 or 公民身份号码: the columns nobody named are the candidates."""

    def __init__(
        self, layout: HeaderLayout, top: Sequence[Sequence[object]], message: str, *, detail: str
    ) -> None:
        super().__init__(message, detail=detail)
        samples = ColumnSamples(layout)
        samples.take(top[layout.data_start :])
        self.columns = samples.columns()  # (index, header, first values)
        self.missing = layout.missing()  # our fields


def missing_columns(layout: HeaderLayout, answers: RosterAnswers) -> list[str]:
    """Required coded fields with no column and no class-wide value."""
    return [f for f in REQUIRED_CODED if f not in layout.columns and f not in answers.defaults]


def questions(
    parsed: ParsedRoster, codes: CodeCatalog, layout: HeaderLayout, answers: RosterAnswers
) -> dict[str, list[dict]]:
    """The open questions as the result's JSON has them."""
    values = []
    for (name, value), rows in sorted(parsed.unknown_values.items(), key=lambda item: item[1][0]):
        code_list = codes[CODED_FIELDS[name]]
        lookup = CodeLookup.build(code_list)
        values.append(
            {
                "field": field_label(name),
                "column": parsed.columns.get(name, field_label(name)),
                "value": value,
                "rows": len(rows),
                "first_rows": rows[:FIRST_ROWS],
                "candidates": [
                    {"code": code, "label": code_list.label(code) or code}
                    for code in lookup.candidates(value)
                ],
            }
        )
    columns = [
        {"column": header, "index": index + 1, "samples": samples}
        for index, header, samples in parsed.unknown_columns
    ]
    missing = [{"field": field_label(f), "required": False} for f in missing_columns(layout, answers)]
    return {"unknown_values": values, "unknown_columns": columns, "missing_columns": missing}


def question_lines(result) -> list[str]:
    """The open questions in words, with the options that answer them."""
    lines = []
    for q in result.unknown_values:
        maybe = "、".join(f"{c['code']} {c['label']}" for c in q["candidates"])
        lines.append(
            f"“{q['column']}”列的“{q['value']}”不在代码表中（{q['rows']} 行，"
            f"第{'、'.join(map(str, q['first_rows']))}行{'等' if q['rows'] > len(q['first_rows']) else ''}）"
            + (f"，可能是：{maybe}" if maybe else "")
            + f"。请指定：--map {q['field']}:{q['value']}=代码或名称，或 =不导入"
        )
    for q in result.unknown_columns:
        samples = "、".join(f"“{s}”" for s in q["samples"]) or "（无内容）"
        lines.append(
            f"第{q['index']}列“{q['column']}”不是程序认识的列名（前几个值：{samples}）。"
            f"请指定：--column {q['column']}=字段名，或 --column {q['column']}=忽略"
        )
    for q in result.missing_columns:
        if q.get("required"):  # 姓名 / 公民身份号码: a column of the file must be named as it
            lines.append(
                f"名册中找不到“{q['field']}”列。请指出哪一列是它：--column 表头={q['field']}"
            )
            continue
        lines.append(
            f"名册中没有“{q['field']}”列。请为全班指定一个值：--default {q['field']}=代码或名称"
        )
    return lines
