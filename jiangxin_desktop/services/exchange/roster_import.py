"""Filling a class from a spreadsheet roster: preview, then all valid rows in one transaction.

The import is a pipeline, each stage handing plain data (services/exchange/roster_data.py)
to the next:

- read, check and map values (roster_reader): cells → checked rows, the clerk's answers
  applied to the station's own words, problems naming the row and column;
- plan (roster_plan): rows met with the database → a chunk of rows to write;
- write (roster_write): chunks written in one transaction on its own thread, which holds
  the database's single writer from the first chunk to the commit, so that what the rows
  were met with cannot change before they are written;
- result (roster_result) and, when asked for, the error report (roster_report).

Rows are read, planned and written in chunks, so that checking and writing overlap.
Nothing is written on a dry run, and a real run writes all valid rows or nothing:
trainees, name index, enrolments, outbox entries and one audit event naming every record.

New people are registered with the current consent notice: importing a roster is the
clerk's statement that the training site collected the signed notice on paper; the
audit event records that statement.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.exchange.roster_answers import RosterAnswers, field_label, remember, remembered
from jiangxin_desktop.domain.import_limits import ImportLimits
from jiangxin_desktop.services.exchange.roster_plan import RosterPlanner
from jiangxin_desktop.services.exchange.roster_questions import MissingColumns, missing_columns, questions
from jiangxin_desktop.services.exchange.roster_reader import RosterSheet
from jiangxin_desktop.services.exchange.roster_result import ImportResult, audit_after, build_result
from jiangxin_desktop.services.exchange.roster_write import RosterWriter
from jiangxin_desktop.services.training import ENROLLING, STATUS_LABELS
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import utc_now

if TYPE_CHECKING:
    from jiangxin_desktop.services.catalog import CatalogService
    from jiangxin_desktop.services.security import Acting
    from jiangxin_desktop.services.training import ClassRecord
    from jiangxin_desktop.services.training import ClassService

__all__ = ["ImportResult", "RosterAnswers", "RosterImporter"]
# Rows checked and written at a time; the first chunk is small so that writing starts early.
_CHUNKS = (250, 750)
_CHUNK = 1500


class RosterImporter:
    """Imports rosters into classes for the acting user.

    ``consent_version``: the notice new people are registered under; ``limits``: the
    administrator's bounds on a file; ``clock``: the instant written on every row (UTC).
    """

    def __init__(
        self,
        db: Database,
        acting: Acting,
        classes: ClassService,
        catalogs: CatalogService,
        codes: CodeCatalog,
        *,
        consent_version: str,
        limits: ImportLimits,
        clock: Callable[[], str] = utc_now,
    ) -> None:
        self._db = db
        self._acting = acting
        self._classes = classes
        self._catalogs = catalogs
        self._codes = codes
        self._consent_version = consent_version
        self._limits = limits
        self._clock = clock

    def run(
        self,
        class_code: str,
        path: Path,
        *,
        dry_run: bool = False,
        report: Path | None = None,
        answers: RosterAnswers | None = None,
    ) -> ImportResult:
        """Preview (``dry_run``) or import ``path`` into the class. ``answers``: the clerk's answers
        to the roster's questions (services/exchange/roster_answers.py), over those the station
        remembers; a real import remembers them once it is written."""
        user = self._acting.require("clerk", "admin", action="导入名册")
        klass = self._classes.get(class_code)
        if klass.status not in ENROLLING:
            raise KnownError(f"培训班 {klass.code} 已{STATUS_LABELS[klass.status]}，不能再导入名册。")
        given = answers or RosterAnswers()
        with self._db.read() as session:
            known = given.merged_over(remembered(session))
        with _no_cycle_collection():
            return self._import(
                user.role, klass, path, dry_run=dry_run, report=report, given=given, known=known
            )

    def _import(
        self,
        role: str,
        klass: ClassRecord,
        path: Path,
        *,
        dry_run: bool,
        report: Path | None,
        given: RosterAnswers,
        known: RosterAnswers,
    ) -> ImportResult:
        today = self._acting.today()
        try:  # read: a file that cannot be used stops here (size, rows, unpacked size: before parsing)
            sheet = RosterSheet(path, self._codes, today=today, limits=self._limits, answers=known)
        except MissingColumns as exc:  # no 姓名 / 公民身份号码: which column is it? (nothing is read)
            return ImportResult(
                str(path),
                klass.code,
                dry_run,
                0,
                unknown_columns=[{"column": h, "index": i + 1, "samples": v} for i, h, v in exc.columns],
                missing_columns=[{"field": field_label(f), "required": True} for f in exc.missing],
            )
        # Columns to ask about: a real run only reads (it writes nothing until they are answered).
        missing = missing_columns(sheet.layout, known)
        planner = RosterPlanner(
            self._catalogs.active(),  # read now: it may install the shipped one
            self._codes,
            klass.uuid,
            sheet.column,
            known.defaults,
            group_asked="target_group" in missing,  # rows without one wait for the class-wide value
        )
        asking = bool(sheet.layout.unknown() or missing)
        writer = None if dry_run or asking else self._writer(klass.uuid)
        try:
            with self._db.read() as session:
                planner.start(session)
                done = 0
                while sheet.remaining:
                    size = _chunk_size(done, sheet.remaining)
                    done += size
                    chunk = planner.plan(sheet.check(size))
                    if writer is not None and chunk.enrolments:
                        writer.add(chunk)
                        writer.raise_if_failed()  # an earlier chunk failed: stop, nothing is written
            parsed = sheet.result()
            planned = planner.outcome()
            problems = parsed.problems + list(planned.problems)
            asked = questions(parsed, self._codes, sheet.layout, known)
            result = build_result(role, klass.code, path, dry_run, parsed, planned, problems, asked)
            if report is not None:
                from jiangxin_desktop.services.exchange.roster_report import write_error_report

                write_error_report(parsed, problems, report, notes=planned.warnings)
                result.report = str(report)
            if writer is not None:
                if planned.imported and not result.needs_answers:
                    actor = self._acting.actor
                    result.remembered = writer.commit(
                        audit_after(self._consent_version, klass.code, path, parsed.data_rows),
                        lambda session: remember(session, given, actor),
                    )
                else:  # nothing to write, or a value still to ask about: nothing is written
                    writer.rollback()
        except BaseException:
            if writer is not None:
                writer.rollback()
            raise
        return result

    def _writer(self, class_uuid: str) -> RosterWriter:
        acting = self._acting
        return RosterWriter(
            self._db,
            class_uuid,
            station_code=acting.station_code,
            actor=acting.actor,
            consent_version=self._consent_version,
            travels=acting.travels,
            now=self._clock(),
        )


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for the length of an import.

    An import allocates a few hundred thousand objects (cells, rows, plans) that all live
    until it ends, so each full collection meanwhile walks all of them for nothing: one
    took ~200 ms of a 10,000-row import. Nothing the import makes forms cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunk_size(done: int, remaining: int) -> int:
    """Rows to check next. Small at first, so that writing starts early; small at the end,
    so that little writing is left once the last row is checked; 1,500 in between."""
    if done < sum(_CHUNKS):
        return _CHUNKS[0] if done == 0 else _CHUNKS[1]
    return min(_CHUNK, max(_CHUNKS[0], remaining // 2))
