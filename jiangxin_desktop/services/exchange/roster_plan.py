"""The plan stage of a roster import: checked rows met with the database, chunk by chunk.

A person already in the class is a duplicate (so importing the same file twice adds nobody
twice), a deactivated person is an error, a new person is registered, and everyone is
enrolled after the catalog's eligibility rules (``enrollment.judge``), with the same words a
clerk gets in the window. Each chunk's plan is a :class:`RosterChunk` for the writer; what all
chunks came to is a :class:`PlanOutcome` for the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.idnumber import birth_of, sex_of
from jiangxin_desktop.services.exchange.roster_data import (
    PlanOutcome,
    RosterChunk,
    RosterRow,
    RowProblem,
    trainee_values,
)
from jiangxin_desktop.services.registry import name_grams
from jiangxin_desktop.services.training import OtherEnrolment, eligible_births, judge, missing_evidence
from jiangxin_desktop.store.ids import uuid7_batch
from jiangxin_desktop.store.models import Enrollment, Trainee, TrainingClass

if TYPE_CHECKING:
    from jiangxin_desktop.services.catalog import TrainingCatalog


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


_History = dict[str, list[OtherEnrolment]]  # trainee uuid → enrolments in other classes


class RosterPlanner:
    """Meets checked rows with the database, chunk by chunk: what to register and enrol.

    Every refusal goes to ``problems`` (with the column as the file names it), people
    already in the class to ``duplicates``, notes that do not keep a row out to ``warnings``.
    ``column``: a field → its column as the file names it; ``defaults``: the class-wide
    values; ``group_asked``: rows without a 人员类别 wait for the class-wide one.
    """

    def __init__(
        self,
        catalog: TrainingCatalog,
        codes: CodeCatalog,
        class_uuid: str,
        column: Callable[[str], str],
        defaults: Mapping[str, str],
        *,
        group_asked: bool = False,
    ) -> None:
        self.registered = 0  # new people planned to be registered
        self.imported = 0  # enrolments planned
        self.problems: list[RowProblem] = []
        self.duplicates: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self._class_uuid = class_uuid
        self._column = column
        self._catalog = catalog
        self._codes = codes
        self._groups = {entry.code: entry for entry in codes["target_group"]}
        self._defaults = {f: c for f, c in defaults.items() if f != "target_group"}  # class-wide
        self._default_group = defaults.get("target_group", "")
        self.group_asked = group_asked
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
        trainees: list[tuple] = []
        grams: list[str] = []
        enrolments: list[tuple] = []
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
        return RosterChunk(trainees, grams, enrolments)


    def outcome(self) -> PlanOutcome:
        """What the chunks planned so far came to."""
        return PlanOutcome(
            registered=self.registered,
            imported=self.imported,
            problems=tuple(self.problems),
            duplicates=tuple(self.duplicates),
            warnings=tuple(self.warnings),
            waiting=self.waiting,
        )


def _flags(flag: str | None, earlier: str | None) -> str:
    """The enrolment's flags: the person's earlier ones (same group), and the roster's."""
    if not flag:
        return earlier or "[]"
    flags = json.loads(earlier or "[]")
    if flag and flag not in flags:
        flags.append(flag)
    return json.dumps(flags, ensure_ascii=False)
