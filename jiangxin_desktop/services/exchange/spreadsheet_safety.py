"""Text written into spreadsheets must never turn into a formula (CSV/formula injection).

A cell whose text starts with ``= + - @`` (or a tab/carriage return, which some programs
strip before looking) is run as a formula by Excel, WPS and LibreOffice when the file is
opened or re-typed. Exports and error reports pass every piece of text through
:func:`safe_cell_text`, which puts a single quote in front: spreadsheets show the quote
as the "this is text" marker, and the value can never be evaluated.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> str:
    """A cell value as plain text: whole floats without ".0", dates in ISO form, '' for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula."""
    return text.startswith(FORMULA_START)


def safe_cell_text(value: object) -> str:
    """Text for a cell that is never evaluated: formula-like text gets a leading ``'``."""
    text = cell_text(value)
    return "'" + text if is_formula_like(text) else text


def put_text_cell(cell: Any, value: object) -> None:
    """Store ``value`` in an openpyxl cell as text that is never evaluated.

    The text is kept exactly (an ID keeps all its digits, "=HYPERLINK(…)" stays those
    characters); formula-like text is typed as a string and marked with the quote prefix,
    which is how Excel itself stores text typed as ``'=…``.
    """
    text = cell_text(value)
    cell.number_format = "@"  # a number typed in later stays text too
    if not text:
        cell.value = None
        return
    cell.value = text
    cell.data_type = "s"  # openpyxl types text starting with "=" as a formula otherwise
    if is_formula_like(text):
        cell.quotePrefix = True
