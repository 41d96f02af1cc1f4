"""Line breaking and table pagination, measured with the fonts that will print.

Chinese breaks between any two characters; a run of Latin letters or digits (an ID number,
a code) stays whole when it fits, and closing punctuation never starts a line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm

from jiangxin_desktop.services.printing import fonts
from jiangxin_desktop.services.printing.elements import TableElement
from jiangxin_desktop.services.printing.fields import fill

_TOKENS = re.compile(r"[A-Za-z0-9*.,:/@_+\-]+|\s|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』】”’,.;:?!)%")


def wrap(text: str, font: str, size: float, width: float, spacing: float = 0.0) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points (explicit newlines kept).

    ``spacing`` is extra space after each character (letter spacing, points)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, font, size, width, spacing))
    return lines


def _wrap_paragraph(text: str, font: str, size: float, width: float, spacing: float) -> list[str]:
    def measure(s: str) -> float:
        return fonts.string_width(font, s, size) + spacing * len(s)

    # TrueType widths add up (reportlab applies no kerning): a line is measured by its tokens
    # (single Chinese characters, Latin words and numbers), whose widths the font module keeps.
    tokens = _TOKENS.findall(text)
    widths = [measure(token) for token in tokens]
    if sum(widths) <= width + spacing:  # the last character's spacing is not drawn
        return [text]
    width += spacing
    lines: list[str] = []
    line, line_width = "", 0.0
    for token, token_width in zip(tokens, widths, strict=True):
        if line_width + token_width <= width:
            line, line_width = line + token, line_width + token_width
        elif line and token[0] in _NO_LINE_START:
            # a little over the edge rather than "，" at the start of a line
            line, line_width = line + token, line_width + token_width
        elif token.isspace():
            lines.append(line)
            line, line_width = "", 0.0
        else:
            if line:
                lines.append(line.rstrip())
            line = token
            while measure(line) > width and len(line) > 1:
                # a token wider than the line (a long number): break it by characters
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            line_width = measure(line)
    lines.append(line)
    return lines


@dataclass(frozen=True)
class Cell:
    lines: list[str]
    align: str


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    height: float  # points


@dataclass(frozen=True)
class TablePage:
    top: float  # mm from the page's top
    rows: list[Row]
    header: bool


def header_row(table: TableElement, font: str) -> Row:
    cells = [
        Cell(wrap(c.title, font, table.header_size, c.width * mm - 2 * table.padding * mm), "center")
        for c in table.columns
    ]
    return Row(cells, _height(cells, table.header_size, table.padding, table.header_height))


def body_rows(table: TableElement, font: str, rows: Sequence[Mapping[str, Any]], page: Mapping) -> list[Row]:
    out = []
    for row in rows:
        cells = [
            Cell(
                wrap(fill(c.parts, (row, page)), font, table.size, c.width * mm - 2 * table.padding * mm),
                c.align,
            )
            for c in table.columns
        ]
        out.append(Row(cells, _height(cells, table.size, table.padding, table.row_height)))
    return out


LEADING = 1.25
CARRIED_ROWS = 2  # rows a new last page takes along with the signatures


def _height(cells: list[Cell], size: float, padding: float, minimum: float) -> float:
    lines = max((len(c.lines) for c in cells), default=1)
    return max(minimum * mm, lines * size * LEADING + 2 * padding * mm)


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
