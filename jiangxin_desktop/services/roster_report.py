"""The error report of a roster import: the rows that were refused, with the reasons.

The clerk corrects the rows in this file and imports it again, so it keeps the original
header and cells. Every cell is written as text: an ID keeps all its digits, and a cell
like "=HYPERLINK(…)" stays text and is never run as a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.spreadsheet_safety import put_text_cell

if TYPE_CHECKING:
    from jiangxin_desktop.services.roster_reader import ParsedRoster, RowProblem

REASON_HEADER = "问题原因"
REASON_SEPARATOR = "；"


def write_error_report(parsed: ParsedRoster, problems: list[RowProblem], out: Path) -> None:
    """Write the rows named in ``problems`` (in row order) with their reasons to ``out`` (.xlsx)."""
    from openpyxl import Workbook  # imported when needed: openpyxl costs ~150 ms to import
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(f"{problem.column}：{problem.message}")
    header = list(parsed.header)
    while header and not str(header[-1]).strip():
        header.pop()
    width = max([len(header), *(len(parsed.raw_rows.get(r, ())) for r in reasons)])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "问题行"
    for col in range(width):
        put_text_cell(sheet.cell(row=1, column=col + 1), header[col] if col < len(header) else "")
    reason_col = width + 1
    put_text_cell(sheet.cell(row=1, column=reason_col), REASON_HEADER)
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
    try:
        workbook.save(out)
    except OSError as exc:
        raise KnownError(
            f"问题清单无法保存到“{out}”：{exc.strerror or exc}。请关闭正在使用该文件的程序，或换一个位置保存",
            detail=str(out),
        ) from exc
