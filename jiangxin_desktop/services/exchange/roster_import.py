"""Filling a class from a spreadsheet roster: preview, then all valid rows in one transaction.

``read_roster`` has checked every cell; here each row meets the database: a person
already in the class is a duplicate (so importing the same file twice adds nobody twice),
a deactivated person is an error, a new person is registered, and everyone is enrolled
after the catalog's eligibility rules (``enrollment.judge``) — with the same words a
clerk gets in the window. Nothing is written on a dry run, and a real run writes all
valid rows or nothing: trainees, name index, enrolments, outbox entries and one audit
event naming every record it created.

A real run writes while it checks: rows are checked, met with the database and written in
chunks, the writing in a transaction on its own thread (services/exchange/roster_write.py) that
holds the database's single writer from the first chunk to the commit — so what the
rows were met with cannot change before they are written.

New people are registered with the current consent notice: importing a roster is the
clerk's statement that the training site collected the signed notice on paper; the
audit event records that statement.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.idnumber import birth_of, sex_of
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.class_records import ENROLLING, STATUS_LABELS
from jiangxin_desktop.services.training.enrollment import OtherEnrolment, eligible_births, judge, missing_evidence
from jiangxin_desktop.services.registry.name_grams import name_grams
from jiangxin_desktop.services.exchange.roster_answers import RosterAnswers, field_label, remember, remembered
from jiangxin_desktop.services.exchange.roster_limits import ImportLimits
from jiangxin_desktop.services.exchange.roster_questions import MissingColumns, missing_columns, questions
from jiangxin_desktop.services.exchange.roster_reader import RosterRow, RosterSheet, RowProblem
from jiangxin_desktop.services.exchange.roster_result import ImportResult, audit_after, build_result
from jiangxin_desktop.services.exchange.roster_write import RosterChunk, RosterWriter, trainee_values
from jiangxin_desktop.store.ids import uuid7_batch
from jiangxin_desktop.store.models import Enrollment, Trainee, TrainingClass

__all__ = ["ImportResult", "RosterAnswers", "import_roster"]
# Rows checked and written at a time; the first chunk is small so that writing starts early.
_CHUNKS = (250, 750)
_CHUNK = 1500


@dataclass
class _Person:
    name: str
    uuid: str
    active: bool
    birth_date: date
    target_group: str | None
    evidence_type: str | None
    evidence_number: str | None
    target_flags: str


def _chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_roster(
    ctx,
    class_code: str,
    path: Path,
    *,
    dry_run: bool = False,
    report: Path | None = None,
    answers: RosterAnswers | None = None,
) -> ImportResult:
    """Preview (``dry_run``) or import ``path`` into the class. ``answers``: the clerk's answers
    to the roster's questions (services/exchange/roster_answers.py), over those the station remembers;
    a real import remembers them once it is written."""
    user = ctx.acting.require("clerk", "admin", action="导入名册")
    klass = ctx.classes.get(class_code)
    if klass.status not in ENROLLING:
        raise KnownError(f"培训班 {klass.code} 已{STATUS_LABELS[klass.status]}，不能再导入名册。")
    given = answers or RosterAnswers()
    with ctx.db.read() as session:
        known = given.merged_over(remembered(session))
    with _no_cycle_collection():
        return _import(ctx, user, klass, path, dry_run=dry_run, report=report, given=given, known=known)


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


def _import(
    ctx, user, klass, path: Path, *, dry_run: bool, report: Path | None, given, known
) -> ImportResult:
    limits = ImportLimits.from_settings(ctx.settings)  # size, rows, unpacked size: before parsing
    try:  # a file that cannot be used stops here
        sheet = RosterSheet(path, ctx.codes, today=ctx.acting.today(), limits=limits, answers=known)
    except MissingColumns as exc:  # no 姓名 / 公民身份号码: which column is it? (nothing is read)
        return ImportResult(
            str(path),
            klass.code,
            dry_run,
            0,
            unknown_columns=[{"column": h, "index": i + 1, "samples": v} for i, h, v in exc.columns],
            missing_columns=[{"field": field_label(f), "required": True} for f in exc.missing],
        )
    planner = _Planner(ctx, klass.uuid, sheet.column, known.defaults)
    # Columns to ask about: a real run only reads (it writes nothing until they are answered).
    missing = missing_columns(sheet.layout, known)
    planner.group_asked = "target_group" in missing  # rows without one wait for the class-wide value
    asking = bool(sheet.layout.unknown() or missing)
    writer = None if dry_run or asking else RosterWriter(ctx, klass.uuid)
    try:
        with ctx.db.read() as session:
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
        problems = parsed.problems + planner.problems
        asked = questions(parsed, ctx.codes, sheet.layout, known)
        result = build_result(user, klass.code, path, dry_run, parsed, planner, problems, asked)
        if report is not None:
            from jiangxin_desktop.services.exchange.roster_report import write_error_report

            write_error_report(parsed, problems, report, notes=planner.warnings)
            result.report = str(report)
        if writer is not None:
            if planner.imported and not result.needs_answers:
                actor = ctx.acting.actor
                result.remembered = writer.commit(
                    audit_after(ctx, klass.code, path, parsed.data_rows),
                    lambda session: remember(session, given, actor),
                )
            else:  # nothing to write, or a value still to ask about: nothing is written
                writer.rollback()
    except BaseException:
        if writer is not None:
            writer.rollback()
        raise
    return result


def _chunk_size(done: int, remaining: int) -> int:
    """Rows to check next. Small at first, so that writing starts early; small at the end,
    so that little writing is left once the last row is checked; 1,500 in between."""
    if done < sum(_CHUNKS):
        return _CHUNKS[0] if done == 0 else _CHUNKS[1]
    return min(_CHUNK, max(_CHUNKS[0], remaining // 2))


_History = dict[str, list[OtherEnrolment]]  # trainee uuid → enrolments in other classes


class _Planner:
    """Meets checked rows with the database, chunk by chunk: what to register and enrol.

    Every refusal goes to ``problems`` (with the column as the file names it), people
    already in the class to ``duplicates``, notes that do not keep a row out to ``warnings``.
    """

    def __init__(
        self, ctx, class_uuid: str, column: Callable[[str], str], defaults: dict[str, str]
    ) -> None:
        self.registered = 0  # new people planned to be registered
        self.imported = 0  # enrolments planned
        self.problems: list[RowProblem] = []
        self.duplicates: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self._class_uuid = class_uuid
        self._column = column  # a field → its column as the file names it
        self._catalog = ctx.catalogs.active()  # read now: it may install the shipped one
        self._codes = ctx.codes
        self._groups = {entry.code: entry for entry in self._codes["target_group"]}
        self._defaults = {f: c for f, c in defaults.items() if f != "target_group"}  # class-wide
        self._default_group = defaults.get("target_group", "")
        self.group_asked = False
        self.waiting = 0  # rows waiting for the class-wide 人员类别
        self._session: Session | None = None

    def start(self, session: Session) -> None:
        """Read the class as it stands (in ``session``, which the following chunks use too)."""
        self._session = session
        klass = session.scalar(select(TrainingClass).where(TrainingClass.uuid == self._class_uuid))
        assert klass is not None
        self._klass = klass
        self._capacity, self._start_date = klass.capacity, klass.start_date  # ORM attributes, read once
        project = self._catalog.projects.get(klass.project_code)
        self._allowed_groups = (
            set(project.target_groups) if project is not None and project.target_groups else None
        )
        self._project_name = project.name if project is not None else ""
        self._enrolled = (
            session.scalar(
                text("SELECT count(*) FROM enrollment WHERE class_uuid = :c AND status = 'enrolled'"),
                {"c": self._class_uuid},
            )
            or 0
        )

    def _known(self, rows: list[RosterRow]) -> tuple[dict[str, _Person], set[str], _History]:
        """The people of ``rows`` already registered, those already in the class, others' history."""
        session, class_uuid = self._session, self._class_uuid
        assert session is not None
        people: dict[str, _Person] = {}
        numbers = json.dumps([r.values["id_number"] for r in rows])  # one query, not one per 900
        for row in session.execute(
            select(
                Trainee.id_number,
                Trainee.name,
                Trainee.uuid,
                Trainee.active,
                Trainee.birth_date,
                Trainee.target_group,
                Trainee.evidence_type,
                Trainee.evidence_number,
                Trainee.target_flags,
            ).where(
                Trainee.id_number.in_(
                    text("SELECT value FROM json_each(:numbers)").bindparams(numbers=numbers)
                )
            )
        ):
            people[row[0]] = _Person(*row[1:])
        in_class: set[str] = set()
        others: dict[str, list[OtherEnrolment]] = {}
        for chunk in _chunks([p.uuid for p in people.values()]):
            for trainee_uuid, paid, status, other in session.execute(
                select(Enrollment.trainee_uuid, Enrollment.subsidised, Enrollment.status, TrainingClass)
                .join(TrainingClass, TrainingClass.uuid == Enrollment.class_uuid)
                .where(Enrollment.trainee_uuid.in_(chunk))
            ):
                if other.uuid == class_uuid:
                    if status == "enrolled":
                        in_class.add(trainee_uuid)
                    continue
                if status == "enrolled":
                    others.setdefault(trainee_uuid, []).append(
                        OtherEnrolment(
                            other.code,
                            other.occupation_code,
                            other.occupation_name,
                            other.level,
                            other.start_date,
                            other.end_date,
                            bool(paid),
                        )
                    )
        return people, in_class, others

    def _refuse(self, row: int, fieldname: str, message: str) -> None:
        self.problems.append(RowProblem(row, self._column(fieldname), message))

    def plan(self, rows: list[RosterRow]) -> RosterChunk:
        """Plan ``rows``: the rows to write for them (new people and everyone's enrolment)."""
        people, in_class, others = self._known(rows)
        chunk = RosterChunk()
        trainees, grams, enrolments = chunk.trainees, chunk.grams, chunk.enrolments
        refuse, groups = self._refuse, self._groups
        rules, codes, klass = self._catalog.rules, self._codes, self._klass
        capacity, allowed_groups, enrolled = self._capacity, self._allowed_groups, self._enrolled
        too_old, youngest = eligible_births(self._start_date, rules.min_age, rules.max_age)
        fresh_ids = iter(uuid7_batch(2 * len(rows)))
        for r in rows:
            v = r.values
            number = v["id_number"]
            person = people.get(number)
            if person is not None and person.uuid in in_class:
                self.duplicates.append((r.row, number))
                continue
            if person is not None and not person.active:
                refuse(r.row, "id_number", "该学员已注销，请先由审核人恢复后再导入")
                continue
            same_group = person is not None and (
                not v["target_group"] or v["target_group"] == person.target_group
            )
            group = v["target_group"] or (person.target_group if person else "") or self._default_group
            if self._defaults and person is None:
                v.update((f, c) for f, c in self._defaults.items() if not v[f])
            earlier = person if same_group else None  # evidence given before, for the same group
            evidence_type = v["evidence_type"] or (earlier.evidence_type if earlier else "") or ""
            evidence_number = v["evidence_number"] or (earlier.evidence_number if earlier else "") or ""
            entry = groups.get(group)
            if entry is None and self.group_asked:
                self.waiting += 1
                continue
            if entry is None:
                refuse(r.row, "target_group", "请填写人员类别")
                continue
            allowed = entry.extra.get("evidence", ())
            if allowed and evidence_type and evidence_type not in allowed:  # wrong kind: refused
                refuse(r.row, "evidence_type", f"{entry.label}须提供证明材料：{'、'.join(allowed)}")
                continue
            # No evidence, or no number: enrolled all the same, 待补证明材料 (blocks only the claim).
            complete = not allowed or (evidence_type and evidence_number)
            gap = None if complete else missing_evidence(codes, group, evidence_type, evidence_number)
            if person is None and not v["phone"]:
                refuse(r.row, "phone", "新登记的学员须填写手机号码")
                continue
            birth = number[6:14]
            if person is None and too_old < birth <= youngest and enrolled < capacity:
                problems, warnings = [], []  # a new person of an allowed age: nothing else to judge
            else:  # the catalog's rules: age, a full class, earlier trainings, overlapping dates
                verdict = judge(
                    rules=rules,
                    codes=codes,
                    klass=klass,
                    birth_date=birth_of(number) if person is None else person.birth_date,
                    subsidised=True,
                    others=[] if person is None else others.get(person.uuid, []),
                    enrolled=enrolled,
                )
                problems, warnings = verdict.problems, verdict.warnings
            wrong_group = allowed_groups is not None and group not in allowed_groups
            if wrong_group:
                problems = [*problems, f"人员类别“{entry.label}”不在项目“{self._project_name}”的培训对象内"]
            if problems:  # the person's rules name the ID column; a group alone names its own
                refuse(r.row, "target_group" if wrong_group and len(problems) == 1 else "id_number",
                       "；".join(problems))
                continue
            if person is None:
                trainee_uuid = next(fresh_ids)
                birth_date = f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"
                flag = v.get("target_flags")
                flags = json.dumps([flag], ensure_ascii=False) if flag else "[]"
                trainees.append((trainee_uuid, birth_date, sex_of(number), *trainee_values(v), flags))
                grams.append(name_grams(v["name"]))
            else:
                trainee_uuid = person.uuid
                if v["name"] and v["name"] != person.name:
                    self.warnings.append(
                        (r.row, f"名册姓名“{v['name']}”与已登记的“{person.name}”不同，以登记信息为准")
                    )
            enrolments.append(
                (
                    next(fresh_ids),
                    trainee_uuid,
                    group,
                    _flags(v.get("target_flags"), earlier.target_flags if earlier else None),
                    evidence_type,
                    evidence_number,
                    json.dumps(warnings, ensure_ascii=False) if warnings else "[]",
                )
            )
            if warnings:
                self.warnings.extend((r.row, w) for w in warnings)
            if gap:
                self.warnings.append((r.row, gap))
            enrolled += 1
        self._enrolled = enrolled
        self.registered += len(trainees)
        self.imported += len(enrolments)
        return chunk


def _flags(flag: str | None, earlier: str | None) -> str:
    """The enrolment's flags: the person's earlier ones (same group), and the roster's."""
    if not flag:
        return earlier or "[]"
    flags = json.loads(earlier or "[]")
    if flag and flag not in flags:
        flags.append(flag)
    return json.dumps(flags, ensure_ascii=False)
