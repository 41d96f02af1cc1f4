"""Bulk entry of follow-ups (回访) from a spreadsheet: preview, then every row or none.

Read and check (followup_sheet: the roster import's reader, limits and header search, this
table's column names and the clerk's ``--column`` answers); meet the rows with the database (a
row names its person by 身份证号 and its class by 班级编号, or the class is given for the whole
file: an unknown person, class or enrolment is a problem of that row); check each follow-up as
the service would record it (codes by code, label or alias; USCC; date; period), and then, unless
it is a dry run or a row has a problem, write them all in one transaction through the service
(each audited, each with its outbox entry). Column answers of a written import are remembered for
the station (the setting ``followup.mappings``) and applied to the next file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.import_limits import ImportLimits
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import NotFoundError
from jiangxin_desktop.services.exchange.followup_sheet import FIELD_LABELS, FollowupSheet, read_followups
from jiangxin_desktop.services.exchange.roster_data import RowProblem
from jiangxin_desktop.services.exchange.roster_headers import IGNORE
from jiangxin_desktop.services.followup import ANY_ROLE, FollowupInput
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Enrollment, Setting, Trainee, TrainingClass

if TYPE_CHECKING:
    from jiangxin_desktop.services.followup import FollowupService
    from jiangxin_desktop.services.security import Acting
    from jiangxin_desktop.store.database import Database

REMEMBERED_KEY = "followup.mappings"
_CHUNK = 500  # values in one IN (…) list
# The service's field names (its messages) → ours, so that a refusal names the file's column.
_BY_LABEL = {label: name for name, label in FIELD_LABELS.items()} | {"回访": "class_code"}


@dataclass
class FollowupImportResult:
    path: str
    sheet: str
    dry_run: bool
    rows: int = 0  # data rows read (blank rows not counted)
    recorded: int = 0
    corrected: int = 0
    unchanged: int = 0
    written: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field label → the header in the file
    unknown_columns: list[str] = field(default_factory=list)  # headers of columns not read

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {
            "file": self.path, "sheet": self.sheet, "dry_run": self.dry_run, "rows": self.rows,
            "recorded": self.recorded, "corrected": self.corrected, "unchanged": self.unchanged,
            "written": self.written, "columns": dict(self.columns), "unknown_columns": list(self.unknown_columns),
            "errors": [{"row": p.row, "column": p.column, "message": p.message} for p in self.problems],
        }  # fmt: skip


class FollowupImporter:
    def __init__(self, db: Database, acting: Acting, followups: FollowupService, *, limits: ImportLimits) -> None:
        self._db = db
        self._acting = acting
        self._followups = followups
        self._limits = limits

    def run(self, path: Path, *, class_code: str | None = None, dry_run: bool = False,
            columns: dict[str, str] | None = None) -> FollowupImportResult:
        """Preview (``dry_run``) or import ``path``; ``columns``: header key → field (or IGNORE),
        the clerk's answers over those the station remembers."""
        self._acting.require(*ANY_ROLE, action="导入回访")
        given = dict(columns or {})
        with self._db.read() as s:
            known = {**remembered(s), **given}
            klass = _class(s, class_code) if class_code else None
        sheet = read_followups(Path(path), limits=self._limits, today=self._acting.today(), columns=known,
                               class_given=klass is not None)
        result = FollowupImportResult(str(path), sheet.sheet, dry_run,
                                      columns={FIELD_LABELS[f]: h for f, h in sheet.columns.items()},
                                      unknown_columns=sheet.unknown_columns)
        result.rows = len({r.number for r in sheet.rows} | {p.row for p in sheet.problems})
        items = self._items(sheet, klass)
        result.problems = sorted(sheet.problems, key=lambda p: p.row)
        if result.problems or dry_run or not items:
            return result
        for _record, what in self._followups.record_all(items):
            setattr(result, what, getattr(result, what) + 1)
        result.written = True
        if given:
            with self._db.write() as s:
                remember(s, given, self._acting.actor)
        return result

    def _items(self, sheet: FollowupSheet, klass: TrainingClass | None) -> list[tuple[str, int, FollowupInput]]:
        """The rows met with the database and checked as the service would; problems into the sheet."""
        with self._db.read() as s:
            people = _people(s, {str(r.values["id_number"]) for r in sheet.rows})
            codes = {str(r.values.get("class_code") or "") for r in sheet.rows} - {""}
            classes = _classes(s, codes)
            if klass is not None:
                classes[klass.code] = klass
            enrolments = _enrolments(s, [p.uuid for p in people.values()])
        items: list[tuple[str, int, FollowupInput]] = []
        seen: dict[tuple[str, int], int] = {}
        column = sheet.column
        for row in sheet.rows:
            v, number = row.values, row.number
            problem = None
            person = people.get(str(v["id_number"]))
            code = str(v.get("class_code") or "") or (klass.code if klass is not None else "")
            found = classes.get(code)
            name = str(v.get("name") or "")
            if person is None:
                problem = RowProblem(number, column("id_number"), f"没有找到身份证号为 {mask_id(str(v['id_number']))} "
                                     "的学员，请核对号码，或先登记该学员")
            elif name and name.replace(" ", "") != person.name.replace(" ", ""):
                problem = RowProblem(number, column("name"), f"与身份证号登记的姓名“{person.name}”不一致，请核对")
            elif found is None:
                problem = RowProblem(number, column("class_code"), f"找不到培训班 {code}，请核对班级编号")
            elif (found.uuid, person.uuid) not in enrolments:
                problem = RowProblem(number, column("class_code"),
                                     f"{person.name} 不在培训班 {code} 的花名册中，请核对班级编号")
            if problem is not None:
                sheet.problems.append(problem)
                continue
            assert person is not None and found is not None
            enrolment, period = enrolments[(found.uuid, person.uuid)], int(v["period"])  # type: ignore[call-overload]
            first = seen.setdefault((enrolment, period), number)
            if first != number:
                sheet.problems.append(RowProblem(number, column("period"), f"与第{first}行是同一人同一回访期，"
                                                 "请删除重复的行"))
                continue
            data = FollowupInput(
                str(v["outcome"]), v["contacted_on"],  # type: ignore[arg-type]
                *(str(v.get(k) or "") or None for k in ("employer_name", "employer_uscc", "contract_type",
                                                        "wage_band", "note")))
            refused = self._followups.check(enrolment, period, data)
            sheet.problems += [RowProblem(number, column(_BY_LABEL.get(e.field, e.field)), e.message) for e in refused]
            if not refused:
                items.append((enrolment, period, data))
        return items


def _class(s: Session, code: str) -> TrainingClass:
    row = s.scalar(select(TrainingClass).where(TrainingClass.code == code.strip()))
    if row is None:
        raise NotFoundError(f"找不到培训班 {code.strip()}。请用 class list 查看班级编号。")
    s.expunge(row)
    return row


def _chunks(values: list[str]):
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _people(s: Session, id_numbers: set[str]) -> dict[str, Trainee]:
    found: dict[str, Trainee] = {}
    for chunk in _chunks(sorted(id_numbers)):
        for row in s.scalars(select(Trainee).where(Trainee.id_number.in_(chunk), Trainee.active.is_(True))):
            found[row.id_number] = row
    s.expunge_all()
    return found


def _classes(s: Session, codes: set[str]) -> dict[str, TrainingClass]:
    found: dict[str, TrainingClass] = {}
    for chunk in _chunks(sorted(codes)):
        for row in s.scalars(select(TrainingClass).where(TrainingClass.code.in_(chunk))):
            found[row.code] = row
    s.expunge_all()
    return found


def _enrolments(s: Session, trainee_uuids: list[str]) -> dict[tuple[str, str], str]:
    """(class uuid, trainee uuid) → enrolment uuid, for the enrolments not withdrawn."""
    found: dict[tuple[str, str], str] = {}
    for chunk in _chunks(trainee_uuids):
        query = select(Enrollment.class_uuid, Enrollment.trainee_uuid, Enrollment.uuid).where(
            Enrollment.trainee_uuid.in_(chunk), Enrollment.status == "enrolled")
        for class_uuid, trainee_uuid, uuid in s.execute(query):
            found[(class_uuid, trainee_uuid)] = uuid
    return found


# --- the station's memory of the clerk's column answers -------------------------------------


def remembered(s: Session) -> dict[str, str]:
    row = s.get(Setting, REMEMBERED_KEY)
    try:
        data = json.loads(row.value_json) if row is not None else {}
        return {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
    except (ValueError, AttributeError):
        return {}  # unreadable: asked again, never guessed


def remember(s: Session, columns: dict[str, str], actor: str) -> None:
    merged = {**remembered(s), **columns}
    encoded = json.dumps({"columns": merged}, ensure_ascii=False, sort_keys=True)
    now = utc_now()
    row = s.get(Setting, REMEMBERED_KEY)
    if row is None:
        s.add(Setting(key=REMEMBERED_KEY, value_json=encoded, updated_at=now, updated_by=actor, version=1))
    else:
        row.value_json, row.updated_at, row.updated_by, row.version = encoded, now, actor, row.version + 1
    shown = {h: "忽略此列" if f == IGNORE else FIELD_LABELS.get(f, f) for h, f in columns.items()}
    audit(s, actor=actor, action="followup.mappings", object_type="setting", object_id=REMEMBERED_KEY,
          before=None, after={"columns": shown})
