"""The error report of a roster import: the rows that were refused, with the reasons.

The clerk corrects the rows in this file and imports it again, so it keeps the original
header and cells. Rows that were imported with a note (待补证明材料, another class at the
same time) are listed on a second sheet, 提示, the same way. Every cell is written as text:
an ID keeps all its digits, and a cell
like "=HYPERLINK(…)" stays text and is never run as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.services.exchange.roster_data import ParsedRoster, RowProblem
from jiangxin_desktop.services.exchange.spreadsheet_safety import put_text_cell

REASON_HEADER = "问题原因"
NOTE_HEADER = "提示"
REASON_SEPARATOR = "；"


def write_error_report(
    parsed: ParsedRoster,
    problems: list[RowProblem],
    out: Path,
    notes: Sequence[tuple[int, str]] = (),
) -> None:
    """Write the rows named in ``problems`` (in row order) with their reasons to ``out`` (.xlsx),
    and the rows with ``notes`` ((row, note): imported, with something to follow up) on a
    second sheet."""
    from openpyxl import Workbook  # imported when needed: openpyxl costs ~150 ms to import

    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(f"{problem.column}：{problem.message}")
    workbook = Workbook()
    _rows_sheet(workbook.active, "问题行", REASON_HEADER, parsed, reasons)
    noted: dict[int, list[str]] = {}
    for row, note in notes:
        noted.setdefault(row, []).append(note)
    if noted:
        _rows_sheet(workbook.create_sheet(), NOTE_HEADER, NOTE_HEADER, parsed, noted)
    try:
        workbook.save(out)
    except OSError as exc:
        raise KnownError(
            f"问题清单无法保存到“{out}”：{describe_error(exc)}。请关闭正在使用该文件的程序，或换一个位置保存",
            detail=str(out),
        ) from exc


def _rows_sheet(sheet, title: str, reason_header: str, parsed: ParsedRoster, reasons: dict) -> None:
    """The original header and the rows of ``reasons`` with their reasons in a last column."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.title = title
    header = list(parsed.header)
    while header and not str(header[-1]).strip():
        header.pop()
    width = max([len(header), *(len(parsed.raw_rows.get(r, ())) for r in reasons)])
    for col in range(width):
        put_text_cell(sheet.cell(row=1, column=col + 1), header[col] if col < len(header) else "")
    reason_col = width + 1
    put_text_cell(sheet.cell(row=1, column=reason_col), reason_header)
    for col in range(1, reason_col + 1):
        sheet.cell(row=1, column=col).font = Font(bold=True)
    for out_row, row in enumerate(sorted(reasons), start=2):
        raw = parsed.raw_rows.get(row, ())
        for col in range(width):
            put_text_cell(sheet.cell(row=out_row, column=col + 1), raw[col] if col < len(raw) else "")
        cell = sheet.cell(row=out_row, column=reason_col)
        put_text_cell(cell, f"第{row}行：" + REASON_SEPARATOR.join(reasons[row]))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 20
    sheet.column_dimensions[get_column_letter(reason_col)].width = 60
    sheet.freeze_panes = "A2"
