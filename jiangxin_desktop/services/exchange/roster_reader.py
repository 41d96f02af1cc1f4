"""Read a trainee roster (.xlsx, .xls, .ods) into checked rows, independent of the database.

Files come from Excel, WPS and LibreOffice: a title above the header, merged cells,
header synonyms, blank rows, full-width digits, IDs that a spreadsheet turned into numbers.
Every problem names the row as the spreadsheet shows it and the column as the file names it.
A file that cannot be used at all raises :class:`KnownError` with a message for the clerk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from itertools import islice
from pathlib import Path

import python_calamine as calamine

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.labels import FIELD_LABELS
from jiangxin_desktop.domain.import_limits import ImportLimits
from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.services.exchange.roster_answers import RosterAnswers
from jiangxin_desktop.services.exchange.roster_data import ParsedRoster, RosterRow, RowProblem
from jiangxin_desktop.services.exchange.roster_fields import ROSTER_FIELDS, CheckedRow, RowChecker
from jiangxin_desktop.services.exchange.roster_headers import HEADER_SEARCH_ROWS, HeaderLayout, find_header
from jiangxin_desktop.services.exchange.roster_questions import ColumnSamples, MissingColumns
from jiangxin_desktop.services.exchange.roster_limits import check_before_parsing, check_rows

__all__ = [
    "ROSTER_FIELDS",
    "ParsedRoster",
    "RosterRow",
    "RosterSheet",
    "RowProblem",
    "read_roster",
]

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
COLUMN_LABELS = {**FIELD_LABELS, "sex": "性别"}


def _unreadable(path: Path, why: str) -> KnownError:
    return KnownError(f"无法读取文件“{path.name}”：{why}", detail=str(path))


def _open(path: Path, limits: ImportLimits) -> calamine.CalamineWorkbook:
    if not path.is_file():
        raise _unreadable(path, "文件不存在或不是文件，请重新选择")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise _unreadable(
            path, "只能导入Excel（.xlsx、.xls）或WPS/LibreOffice（.ods）表格，请另存为.xlsx后再导入"
        )
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise _unreadable(path, f"文件打不开（{describe_error(exc)}），请关闭正在使用它的程序后重试") from exc
    if magic == _OLE2_MAGIC and path.suffix.lower() != ".xls":
        raise _unreadable(path, "文件设置了打开密码（已加密），请在表格软件中取消密码、另存后再导入")
    if magic.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # Web systems export HTML or "XML Spreadsheet 2003" and name it .xls.
        raise _unreadable(
            path,
            "这是网页（HTML/XML）格式的导出文件，不是真正的表格文件。请用Excel或WPS打开后另存为.xlsx再导入",
        )
    if magic[:4] != _ZIP_MAGIC and magic != _OLE2_MAGIC:
        raise _unreadable(path, "这不是表格文件，或文件已损坏，请用表格软件打开确认后另存为.xlsx")
    check_before_parsing(path, limits, is_zip=magic[:4] == _ZIP_MAGIC)  # size, rows, unpacked size
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise _unreadable(path, "文件设置了打开密码，请在表格软件中取消密码、另存后再导入") from exc
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, "文件格式无法识别或已损坏，请用表格软件打开确认后另存为.xlsx") from exc


def _sheet_rows(
    workbook: calamine.CalamineWorkbook, path: Path, index: int, nrows: int | None = None
) -> tuple[calamine.CalamineSheet, list]:
    name = workbook.sheet_names[index]
    try:
        sheet = workbook.get_sheet_by_index(index)
        # Keep the empty area above and left of the data so that indexes are row/column numbers.
        return sheet, sheet.to_python(skip_empty_area=False, nrows=nrows)
    except (calamine.CalamineError, ValueError) as exc:
        raise _unreadable(path, f"工作表“{name}”已损坏，请用表格软件打开确认后另存为.xlsx") from exc


def _locate(
    workbook: calamine.CalamineWorkbook, path: Path, columns: Mapping[str, str] | None = None
) -> tuple[int, HeaderLayout, calamine.CalamineSheet]:
    """The first sheet whose header names every required column (``columns``: the clerk's
    answers, header key → field)."""
    partial: tuple[str, HeaderLayout, list] | None = None
    for index, name in enumerate(workbook.sheet_names):
        sheet, top = _sheet_rows(workbook, path, index, HEADER_SEARCH_ROWS + 1)
        layout = find_header(top, answers=columns)
        if layout is None:
            continue
        if not layout.missing():
            return index, layout, sheet
        if partial is None or layout.score > partial[1].score:
            partial = (name, layout, top)
    if partial is None:
        raise KnownError(
            f"文件“{path.name}”中找不到表头：前几行里没有“姓名”“公民身份号码”等列名。"
            "请使用导入模板，或在数据上方加一行列名后再导入",
            detail=str(path),
        )
    name, layout, top = partial
    missing = "、".join(f"“{COLUMN_LABELS[f]}”" for f in layout.missing())
    found = "、".join(f"“{h}”" for h in layout.header if h) or "（无）"
    raise MissingColumns(
        layout,
        top,
        f"文件“{path.name}”的工作表“{name}”缺少必需的列{missing}。"
        f"找到的列名：{found}。请添加这些列（“公民身份号码”也可写作“身份证号”）后再导入，"
        "或指定哪一列是它（命令行：--column 表头=公民身份号码）",
        detail=str(path),
    )


def _data_lines(sheet: calamine.CalamineSheet, data_start: int) -> tuple[Iterator[list], int]:
    """The rows below the header (index ``data_start`` on), converted to Python values as
    they are taken, and the index after the last row.

    Rows and columns are numbered from A1, as ``to_python(skip_empty_area=False)`` gives
    them: ``iter_rows`` already yields the empty rows above the data, not the empty columns
    left of it (python-calamine 0.9; tests/services/test_roster_reader.py holds it to that).
    """
    first_row, first_column = sheet.start or (0, 0)
    lines: Iterator[list] = iter(sheet.iter_rows())
    if first_column:
        padding = [""] * first_column
        lines = (padding + line for line in lines)
    return islice(lines, data_start, None), first_row + sheet.height


def _filled(cell: object) -> bool:
    return not isinstance(cell, str) or bool(cell) and not cell.isspace()


def _is_blank(cells: Sequence[object]) -> bool:
    return all(isinstance(c, str) and not c.strip() for c in cells)


class RosterSheet:
    """A roster file opened and its header found; rows are checked in chunks by :meth:`check`.

    A roster import checks a chunk, hands its rows on (to the database writer) and checks
    the next, so that checking and writing overlap; :func:`read_roster` checks them all.
    Problems, duplicates and warnings accumulate here; :meth:`result` gathers them.
    """

    def __init__(
        self,
        path: Path,
        codes: CodeCatalog,
        *,
        today: date | None = None,
        answers: RosterAnswers | None = None,
        limits: ImportLimits | None = None,
    ) -> None:
        self.path = Path(path)
        limits = limits or ImportLimits()
        with _open(self.path, limits) as workbook:
            index, layout, sheet = _locate(workbook, self.path, answers.columns if answers else None)
            self.sheet = workbook.sheet_names[index]
        self.layout = layout
        self._lines, self._end = _data_lines(sheet, layout.data_start)
        check_rows(self.path, self._end - layout.data_start, limits)  # before any row is converted
        # Header texts for messages: as in the file, line breaks shown as spaces.
        header = layout.header
        self.columns = {f: " ".join(header[i].split()) for f, i in layout.columns.items() if f != "seq"}
        self._checker = RowChecker(
            codes, layout.columns, today or date.today(), answers.values if answers else None
        )
        self._samples = ColumnSamples(layout)
        self.unknown_values: dict[tuple[str, str], list[int]] = {}
        self.skipped: list[RowProblem] = []
        self._next = layout.data_start  # index into the cells of the next row to check
        self.rows: list[RosterRow] = []
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.duplicates: list[tuple[int, str, int]] = []
        self.raw_rows: dict[int, Sequence[object]] = {}
        self._first_seen: dict[str, int] = {}

    @property
    def remaining(self) -> int:
        return self._end - self._next

    def column(self, name: str) -> str:
        return self.columns.get(name) or COLUMN_LABELS.get(name, name)

    def check(self, count: int) -> list[RosterRow]:
        """Check the next ``count`` rows of the sheet; returns those without problems."""
        layout, column = self.layout, self.column
        problems, warnings, duplicates = self.problems, self.warnings, self.duplicates
        raw_rows, first_seen = self.raw_rows, self._first_seen
        name_col, id_col = layout.columns["name"], layout.columns["id_number"]
        start = self._next
        try:
            chunk = list(islice(self._lines, count))  # converted to Python values only now
        except (calamine.CalamineError, ValueError) as exc:
            why = f"工作表“{self.sheet}”第{start + 1}行附近已损坏，请用表格软件打开确认后另存为.xlsx"
            raise _unreadable(self.path, why) from exc
        self._next += len(chunk)
        numbers, lines = [], []
        for number, line in enumerate(chunk, start=start + 1):
            # Fast test first: a row with a name or an ID is not blank.
            name_cell = line[name_col] if name_col < len(line) else ""
            id_cell = line[id_col] if id_col < len(line) else ""
            if (_filled(name_cell) or _filled(id_cell)) or not _is_blank(line):
                numbers.append(number)
                lines.append(line)
        raw_rows.update(zip(numbers, lines, strict=True))
        self._samples.take(lines)
        values, checked = self._checker.check_many(lines)
        good: list[RosterRow] = []
        for i, (number, line, row_values) in enumerate(zip(numbers, lines, values, strict=True)):
            row_check = checked.get(i)
            errors = row_check.errors if row_check is not None else None
            row_problems = [RowProblem(number, column(f), m) for f, m in errors] if errors else []
            id_number = row_values["id_number"]
            if not errors or all(f != "id_number" for f, _ in errors):
                first = first_seen.setdefault(id_number, number)
                if first != number:
                    duplicates.append((number, id_number, first))
                    row_problems.append(
                        RowProblem(
                            number,
                            column("id_number"),
                            f"与第{first}行的公民身份号码相同，同一人只能出现一次，请删除重复的行",
                        )
                    )
            if row_check is not None and row_check.warnings:
                warnings.extend(RowProblem(number, column(f), m) for f, m in row_check.warnings)
            if row_check is not None and self._held(number, row_check, bool(row_problems)):
                problems.extend(row_problems)  # a value to ask about, or left out as the clerk said
            elif row_problems:
                problems.extend(row_problems)
            else:
                good.append(RosterRow(number, row_values, line))
        self.rows.extend(good)
        return good

    def _held(self, number: int, check: CheckedRow, has_problems: bool) -> bool:
        """Note a row's unknown values and skipped values; True when the row is held out."""
        if not check.unknown and not check.skipped:
            return False
        for name, value in check.unknown:
            self.unknown_values.setdefault((name, value), []).append(number)
        if not has_problems:
            for name, value in check.skipped:
                self.skipped.append(RowProblem(number, self.column(name), f"“{value}”：已选择不导入这些行"))
        return True

    def result(self) -> ParsedRoster:
        """Everything checked so far (all of the sheet once :attr:`remaining` is 0)."""
        return ParsedRoster(
            path=self.path,
            sheet=self.sheet,
            header_row=self.layout.data_start,
            columns=self.columns,
            rows=self.rows,
            problems=self.problems,
            duplicates=self.duplicates,
            data_rows=len(self.raw_rows),
            header=self.layout.header,
            raw_rows=self.raw_rows,
            warnings=self.warnings,
            unknown_values=self.unknown_values,
            unknown_columns=self._samples.columns(),
            skipped=self.skipped,
        )


def read_roster(
    path: Path, codes: CodeCatalog, *, today: date | None = None, limits: ImportLimits | None = None
) -> ParsedRoster:
    """Read and check a roster file. ``today`` (default: the current date) bounds birth dates;
    ``limits`` (default: the shipped ones) bound the file before it is parsed.

    Raises KnownError for a file that cannot be read, has no header or lacks the
    姓名/公民身份号码 columns; problems in rows are returned, never raised.
    """
    sheet = RosterSheet(path, codes, today=today, limits=limits)
    sheet.check(sheet.remaining)
    return sheet.result()
