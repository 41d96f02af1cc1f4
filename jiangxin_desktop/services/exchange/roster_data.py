"""The plain data one stage of a roster import hands to the next.

read and check (roster_reader) → :class:`RosterRow`, :class:`RowProblem`, :class:`ParsedRoster`
(the questions and the error report take it too); plan (roster_plan) → a :class:`RosterChunk`
per chunk for the writer (roster_write), and a :class:`PlanOutcome` for the result
(roster_result). Nothing here reads a file or the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from jiangxin_desktop.services.exchange.roster_fields import ROSTER_FIELDS


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


# A new trainee's row in a RosterChunk: uuid, birth date and sex, then the roster values in the
# order of ROSTER_FIELDS (each stored in the trainee column of the same name), then the flags.
trainee_values = itemgetter(*ROSTER_FIELDS)  # a row's roster values → that order


@dataclass(frozen=True)
class RosterChunk:
    """Rows of one chunk, as the import planned them and the writer's statements take them.

    ``trainees``: new people, (uuid, birth date, sex, *the roster values, flags); ``grams``: each
    new person's name grams, in the same order; ``enrolments``: (uuid, trainee uuid, target
    group, target flags, evidence type, evidence number, warnings), "" for nothing.
    """

    trainees: list[tuple] = field(default_factory=list)
    grams: list[str] = field(default_factory=list)
    enrolments: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class PlanOutcome:
    """What planning every chunk came to: counts, refusals, people already in the class
    ((row, id number)), notes ((row, note)), rows waiting for the class-wide 人员类别."""

    registered: int = 0
    imported: int = 0
    problems: tuple[RowProblem, ...] = ()
    duplicates: tuple[tuple[int, str], ...] = ()
    warnings: tuple[tuple[int, str], ...] = ()
    waiting: int = 0
