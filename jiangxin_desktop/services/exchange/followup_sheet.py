"""Reading a follow-up spreadsheet (回访登记表) with the roster import's pieces.

The file is opened and bounded as a roster is (roster_reader: formats, passwords, HTML named
.xls, the administrator's limits before parsing), its header found among the first rows by the
same search (roster_headers: titles above, two-row headers, "*" marks, bracketed remarks), with
this table's own column names and the clerk's answers (``--column 表头=字段``) first. Each row's
cells become plain values or problems naming the row as the spreadsheet shows it and the column
as the file names it; whether the person and the class exist is the importer's business.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from jiangxin_desktop.domain.idnumber import check_id
from jiangxin_desktop.domain.import_limits import ImportLimits
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_data import RowProblem
from jiangxin_desktop.services.exchange.roster_headers import (
    HEADER_SEARCH_ROWS,
    HEADER_SYNONYMS,
    IGNORE,
    HeaderLayout,
    find_header,
    header_key,
)
from jiangxin_desktop.services.exchange.roster_limits import check_rows
from jiangxin_desktop.services.exchange.roster_reader import _data_lines, _open, _sheet_rows
from jiangxin_desktop.services.exchange.spreadsheet_safety import cell_text

# Our field → its label (the column's name in the template and in messages).
FIELD_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "class_code": "班级编号",
    "period": "回访期",
    "outcome": "回访结果",
    "employer_name": "工作单位",
    "employer_uscc": "统一社会信用代码",
    "contract_type": "用工形式",
    "wage_band": "月工资",
    "contacted_on": "回访日期",
    "note": "备注",
}
# Header texts people use for each field (compared after roster_headers.header_key).
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "name": HEADER_SYNONYMS["name"],
    "id_number": HEADER_SYNONYMS["id_number"],
    "class_code": ("班级编号", "班级代码", "培训班编号", "培训班级编号", "班号", "班级"),
    "period": ("回访期", "回访期限", "回访周期", "回访月份", "跟踪期", "回访期（月）", "第几次回访"),
    "outcome": ("回访结果", "就业情况", "就业状态", "就业结果", "结果"),
    "employer_name": ("工作单位", "就业单位", "用工单位", "单位名称", "所在单位", "工作单位名称"),
    "employer_uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "单位信用代码", "单位统一社会信用代码"),
    "contract_type": ("用工形式", "合同类型", "劳动合同类型", "用工方式"),
    "wage_band": ("月工资", "月收入", "工资", "月工资收入", "工资收入", "月薪"),
    "contacted_on": ("回访日期", "回访时间", "联系日期"),
    "note": ("备注", "说明"),
}
REQUIRED = ("id_number", "period", "outcome", "contacted_on")
IGNORE_WORDS = ("忽略", "忽略此列", "不导入")
_DAY = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PERIOD = re.compile(r"^(?:第)?\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*(?:个)?\s*(?:月|个月)?(?:回访)?$")
_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def field_of(text: str, *, option: str) -> str:
    """Our field for a name the clerk typed (回访结果 or outcome), or IGNORE (忽略)."""
    wanted = text.strip()
    if wanted in IGNORE_WORDS:
        return IGNORE
    for name, label in FIELD_LABELS.items():
        if wanted in (name, label):
            return name
    raise KnownError(f"{option} 中的“{wanted}”不是可用的字段名。可用：{'、'.join(FIELD_LABELS.values())}")


def parse_column(text: str, columns: dict[str, str]) -> None:
    """``就业情况说明=备注`` (or ``联系人=忽略``) into ``columns`` (header key → field)."""
    option = f"--column {text}"
    header, eq, target = text.rpartition("=")
    if not eq or not header.strip() or not target.strip():
        raise KnownError(f"{option} 的格式应为 表头=字段名，例如 --column 就业情况=回访结果 或 --column 联系人=忽略")
    columns[header_key(header)] = field_of(target, option=option)


def day_of(cell: object) -> date | None:
    """A date cell (as the spreadsheet stores it) or text such as 2026-06-14, 2026/6/14, 2026年6月14日."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = unicodedata.normalize("NFKC", cell_text(cell)).strip()
    m = _DAY.match(text) or _COMPACT_DAY.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def period_of(cell: object) -> int | None:
    """3, 3.0, "3", "3个月", "三个月", "第6个月" → the number of months; None when it is none of them."""
    text = "".join(unicodedata.normalize("NFKC", cell_text(cell)).split())
    m = _PERIOD.match(text)
    if not m:
        return None
    raw = m[1]
    if raw.isdigit():
        return int(raw)
    if len(raw) == 1:
        return _CHINESE_DIGITS[raw]
    return 10 + _CHINESE_DIGITS.get(raw[1], 0) if raw[0] == "十" else None


@dataclass
class SheetRow:
    number: int  # the row as the spreadsheet shows it
    values: dict[str, object]  # field → str, int (period) or date (contacted_on)


@dataclass
class FollowupSheet:
    """The rows of a follow-up spreadsheet, each checked on its own, and the problems found."""

    path: Path
    sheet: str
    columns: dict[str, str]  # field → the header text as in the file
    unknown_columns: list[str] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def column(self, name: str) -> str:
        return self.columns.get(name) or FIELD_LABELS.get(name, name)


def _answers(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Header key → field: the clerk's answers over this table's names (over the roster's, which
    find_header knows by itself: a 联系电话 column is recognised and left alone)."""
    known = {header_key(text): name for name, texts in SYNONYMS.items() for text in texts}
    return {**known, **(columns or {})}


def _locate(path: Path, limits: ImportLimits, answers: dict[str, str],
            required: tuple[str, ...]) -> tuple[str, HeaderLayout, Iterator[list], int]:
    with _open(path, limits) as workbook:
        best: tuple[str, HeaderLayout, object] | None = None
        for index, name in enumerate(workbook.sheet_names):
            sheet, top = _sheet_rows(workbook, path, index, HEADER_SEARCH_ROWS + 1)
            layout = find_header(top, answers=answers)
            if layout is None:
                continue
            ours = sum(1 for f in layout.columns if f in FIELD_LABELS)
            if best is None or ours > sum(1 for f in best[1].columns if f in FIELD_LABELS):
                best = (name, layout, sheet)
            if all(f in layout.columns for f in required):
                break
    if best is None:
        raise KnownError(f"文件“{path.name}”中找不到表头：前几行里没有“身份证号”“回访结果”等列名。"
                         "请使用回访登记模板，或在数据上方加一行列名后再导入", detail=str(path))
    name, layout, sheet = best
    missing = [f for f in required if f not in layout.columns]
    if missing:
        found = "、".join(f"“{h}”" for h in layout.header if h) or "（无）"
        raise MissingFollowupColumns(
            missing,
            [h for h in layout.header if h],
            f"文件“{path.name}”的工作表“{name}”缺少必需的列{'、'.join(f'“{FIELD_LABELS[f]}”' for f in missing)}。"
            f"找到的列名：{found}。请添加这些列后再导入，或指定哪一列是它"
            f"（命令行：--column 表头={FIELD_LABELS[missing[0]]}）", detail=str(path))
    lines, end = _data_lines(sheet, layout.data_start)  # type: ignore[arg-type]
    return name, layout, lines, end


class MissingFollowupColumns(KnownError):
    """A file without a required column: the fields missing and the headers the file has,
    so that the window can ask which column is which instead of refusing."""

    def __init__(self, fields: list[str], headers: list[str], message: str, *, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.fields, self.headers = fields, headers


def read_followups(path: Path, *, limits: ImportLimits, today: date, columns: Mapping[str, str] | None = None,
                   class_given: bool = False) -> FollowupSheet:
    """Read and check every row; a file that cannot be used raises KnownError."""
    path = Path(path)
    required = REQUIRED if class_given else (*REQUIRED, "class_code")
    name, layout, lines, end = _locate(path, limits, _answers(columns), required)
    check_rows(path, end - layout.data_start, limits)
    header = layout.header
    ours = {f: i for f, i in layout.columns.items() if f in FIELD_LABELS}
    result = FollowupSheet(path, name, {f: " ".join(header[i].split()) for f, i in ours.items()})
    named = set(layout.columns.values()) | layout.ignored
    result.unknown_columns = [" ".join(h.split()) for c, h in enumerate(header) if h and c not in named]
    for number, line in enumerate(lines, start=layout.data_start + 1):
        cells = {f: (line[i] if i < len(line) else None) for f, i in ours.items()}
        if all(not cell_text(c).strip() for c in cells.values()):
            continue  # a blank row
        values, problems = _check(cells, today)
        result.problems += [RowProblem(number, result.column(f), m) for f, m in problems]
        if not problems:
            result.rows.append(SheetRow(number, values))
    return result


def _check(cells: dict[str, object], today: date) -> tuple[dict[str, object], list[tuple[str, str]]]:
    values: dict[str, object] = {}
    problems: list[tuple[str, str]] = []
    for name, cell in cells.items():
        text = " ".join(cell_text(cell).split())
        if name == "id_number":
            checked = check_id(text, today)
            if not checked.valid:
                problems.append((name, checked.message or "公民身份号码无效，请核对"))
            values[name] = checked.id_number
        elif name == "period":
            months = period_of(cell)
            if months is None:
                problems.append((name, "请填写回访期：3 或 6（个月）" if not text else f"“{text}”应写成 3 或 6（个月）"))
            values[name] = months
        elif name == "contacted_on":
            day = day_of(cell)
            if day is None:
                problems.append((name, "请填写回访日期" if not text else f"“{text}”不是日期，应写成 2026-06-14"))
            values[name] = day
        else:
            values[name] = text
    for name in ("outcome",):
        if not values.get(name):
            problems.append((name, "请填写回访结果"))
    return values, problems
