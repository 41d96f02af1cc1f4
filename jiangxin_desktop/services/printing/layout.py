"""Line breaking and table pagination, measured with the fonts that will print.

Lines break by the rules of :mod:`kinsoku` (禁则): Chinese between any two characters, never
inside a date, a number or a code, never before closing or after opening punctuation; a cell
whose number does not fit its column prints that cell smaller instead of splitting it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from jiangxin_desktop.services.printing import fonts
from jiangxin_desktop.services.printing.elements import TableElement
from jiangxin_desktop.services.printing.fields import fill
from jiangxin_desktop.services.printing.kinsoku import break_lines, widest_token


def wrap(text: str, font: str, size: float, width: float, spacing: float = 0.0) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points (explicit newlines kept), by
    the rules of :mod:`kinsoku`: a line wider than ``width`` holds one unbreakable token (a
    date, a number) that does not fit: :func:`fitting_size` says how small to print it.

    ``spacing`` is extra space after each character (letter spacing, points)."""

    def measure(s: str) -> float:
        # TrueType widths add up (reportlab applies no kerning): the font module keeps the
        # width of each token (single Chinese characters, numbers, dates).
        return fonts.string_width(font, s, size) + spacing * len(s)

    lines: list[str] = []
    for paragraph in text.split("\n"):  # the last character's spacing is not drawn
        lines.extend(break_lines(paragraph, measure, width + spacing))
    return lines


def fitting_size(text: str, font: str, size: float, width: float, spacing: float = 0.0) -> float:
    """The largest size up to ``size`` at which every unbreakable token of ``text`` fits in
    ``width`` points (a certificate number in a narrow column prints smaller, never split)."""
    widest = widest_token(text, lambda s: fonts.string_width(font, s, size) + spacing * (len(s) - 1))
    if widest <= width or widest <= 0:
        return size
    return size * width / widest


@dataclass(frozen=True)
class Cell:
    lines: list[str]
    align: str
    size: float  # points: the table's size, or smaller where a number does not fit the column


def cell(text: str, font: str, size: float, width: float, align: str) -> Cell:
    """A cell's lines; a token wider than the column (a certificate number) shrinks the cell."""
    size = fitting_size(text, font, size, width)
    return Cell(wrap(text, font, size, width), align, size)


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    height: float  # points
    span: bool = False  # one cell across the whole table (the 合计 row)


@dataclass(frozen=True)
class TablePage:
    top: float  # mm from the page's top
    rows: list[Row]
    header: bool


def header_row(table: TableElement, font: str) -> Row:
    cells = [
        cell(c.title, font, table.header_size, c.width * mm - 2 * table.padding * mm, "center")
        for c in table.columns
    ]
    return Row(cells, _height(cells, table.header_size, table.padding, table.header_height))


def body_rows(table: TableElement, font: str, rows: Sequence[Mapping[str, Any]], page: Mapping) -> list[Row]:
    out = []
    for row in rows:
        cells = [
            cell(fill(c.parts, (row, page)), font, table.size, c.width * mm - 2 * table.padding * mm, c.align)
            for c in table.columns
        ]
        out.append(Row(cells, _height(cells, table.size, table.padding, table.row_height)))
    return out


def total_row(table: TableElement, font: str, text: str) -> Row:
    """The table's ``total`` (合计) as one full-width row, after the sheet's last row."""
    cells = [cell(text, font, table.size, table.width * mm - 2 * table.padding * mm, "left")]
    return Row(cells, _height(cells, table.size, table.padding, table.row_height), span=True)


LEADING = 1.25
CARRIED_ROWS = 2  # rows a new last page takes along with the signatures


def _height(cells: list[Cell], size: float, padding: float, minimum: float) -> float:
    block = max((len(c.lines) * c.size for c in cells), default=size)
    return max(minimum * mm, block * LEADING + 2 * padding * mm)


def paginate(table: TableElement, header: Row, rows: list[Row]) -> list[TablePage]:
    """Rows split over pages: the header on each, room kept on the last page (``bottom_last``)."""

    def room(top: float, bottom: float) -> float:
        return (bottom - top) * mm - header.height

    pages: list[list[Row]] = []
    i = 0
    while i < len(rows) or not pages:
        top = table.y if not pages else table.y_continued
        available = room(top, table.bottom)
        chunk: list[Row] = []
        while i < len(rows) and (not chunk or sum(r.height for r in chunk) + rows[i].height <= available):
            chunk.append(rows[i])  # a row taller than a page still goes on a page of its own
            i += 1
        pages.append(chunk)
    last_top = table.y if len(pages) == 1 else table.y_continued
    if sum(r.height for r in pages[-1]) > room(last_top, table.bottom_last):
        # No room below the last rows for what follows the table (signatures): carry the last
        # two rows over to a new last page, so that the signatures follow the table there.
        chunk = pages.pop()
        keep = max(1, len(chunk) - CARRIED_ROWS)
        pages += [chunk[:keep], chunk[keep:]]
    tops = [table.y] + [table.y_continued] * (len(pages) - 1)
    return [
        TablePage(top, chunk, bool(chunk) or len(pages) == 1) for top, chunk in zip(tops, pages, strict=True)
    ]
