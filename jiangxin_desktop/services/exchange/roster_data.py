"""The plain data one stage of a roster import hands to the next.

read and check (roster_reader) → :class:`RosterRow`, :class:`RowProblem`, :class:`ParsedRoster`,
which the questions, the error report and the import take. Nothing here reads a file or
the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class RosterRow(NamedTuple):
    """A row without problems. ``row`` is the row number the spreadsheet shows (1-based)."""

    row: int
    values: dict[str, str]  # every field of ROSTER_FIELDS, normalised; "" when empty
    raw: Sequence[object]  # the cells as read


@dataclass(frozen=True)
class RowProblem:
    """``column`` is the header text as in the file (our label when the column is missing)."""

    row: int
    column: str
    message: str

    @property
    def text(self) -> str:
        """The whole sentence for a list of problems: 第5行“身份证号”：…"""
        return f"第{self.row}行“{self.column}”：{self.message}"


@dataclass(frozen=True)
class ParsedRoster:
    """The outcome of :func:`read_roster`.

    ``header_row`` is the row number of the (last) header row: data begins below it.
    ``rows`` holds only rows without problems; ``problems`` every blocking problem (a
    duplicate ID is one too, and is also listed in ``duplicates`` as
    ``(row, id_number, first_row)``); ``warnings`` do not keep a row out (e.g. a card
    number failing the Luhn check). ``raw_rows`` holds the cells of every non-blank data row.
    """

    path: Path
    sheet: str
    header_row: int
    columns: dict[str, str]
    rows: list[RosterRow]
    problems: list[RowProblem]
    duplicates: list[tuple[int, str, int]]
    data_rows: int
    header: tuple
    raw_rows: dict[int, Sequence[object]]
    warnings: list[RowProblem] = field(default_factory=list)
    # Questions for the clerk (services/exchange/roster_questions.py): (field, value) → its rows; columns
    # nobody named: (index, header, first values); rows left out as the clerk said.
    unknown_values: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    unknown_columns: list[tuple[int, str, list[str]]] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)

    def problems_by_row(self) -> dict[int, list[RowProblem]]:
        grouped: dict[int, list[RowProblem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.row, []).append(problem)
        return grouped
