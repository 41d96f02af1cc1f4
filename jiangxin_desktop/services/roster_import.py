"""Filling a class from a spreadsheet roster: preview, then all valid rows in one transaction.

``read_roster`` has checked every cell; here each row meets the database: a person
already in the class is a duplicate (so importing the same file twice adds nobody twice),
a deactivated person is an error, a new person is registered, and everyone is enrolled
after the catalog's eligibility rules (``enrollment.judge``) — with the same words a
clerk gets in the window. Nothing is written on a dry run, and a real run writes all
valid rows or nothing: trainees, name index, enrolments, outbox entries and one audit
event naming every record it created.

New people are registered with the current consent notice: importing a roster is the
clerk's statement that the training site collected the signed notice on paper; the
audit event records that statement.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlcipher3
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services import bulk_outbox
from jiangxin_desktop.services.class_records import ENROLLING, STATUS_LABELS
from jiangxin_desktop.services.enrollment import OtherEnrolment, age_on, judge
from jiangxin_desktop.services.name_grams import name_grams
from jiangxin_desktop.services.roster_reader import ParsedRoster, RowProblem, read_roster
from jiangxin_desktop.store.fts import deferred_trainee_index
from jiangxin_desktop.store.ids import uuid7_batch
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import Enrollment, Trainee, TrainingClass

FULL_NUMBER_ROLES = ("reviewer", "admin")
_TRAINEE_COLUMNS = (
    "seq, uuid, station_code, version, created_at, updated_at, name, id_number, birth_date, sex, phone, "
    "hukou, ethnicity, education, target_group, target_flags, evidence_type, evidence_number, "
    "employment_status, bank_card, address, employer, note, consent_at, consent_version, photo_consent, "
    "active, created_by"
)
_INSERT_TRAINEE = (
    f"INSERT INTO trainee ({_TRAINEE_COLUMNS}) VALUES "
    "(?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?)"
)
_INSERT_ENROLLMENT = (
    "INSERT INTO enrollment (uuid, station_code, version, created_at, updated_at, class_uuid, trainee_uuid, "
    "target_group, target_flags, evidence_type, evidence_number, subsidised, status, warnings_json, "
    "created_by) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'enrolled', ?, ?)"
)


@dataclass
class ImportResult:
    file: str
    class_code: str
    dry_run: bool
    data_rows: int
    imported: int = 0  # enrolled in the class (or would be, on a dry run)
    registered: int = 0  # of those, new people registered
    duplicates: list[dict] = field(default_factory=list)  # {"row", "id_number"}
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    warnings: list[dict] = field(default_factory=list)  # {"row", "message"}
    report: str | None = None

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "class": self.class_code,
            "dry_run": self.dry_run,
            "data_rows": self.data_rows,
            "imported": self.imported,
            "registered": self.registered,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "warnings": self.warnings,
            "report": self.report,
        }


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


def _birth_and_sex(id_number: str) -> tuple[date, str]:
    birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return birth, "男" if int(id_number[16]) % 2 else "女"


def _chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Plan:
    """What a run would do: rows to register, rows to enrol, and every refusal."""

    def __init__(self) -> None:
        self.register: list[dict] = []
        self.enrol: list[dict] = []
        self.problems: list[RowProblem] = []
        self.duplicates: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []


def import_roster(
    ctx, class_code: str, path: Path, *, dry_run: bool = False, report: Path | None = None
) -> ImportResult:
    user = ctx.acting.require("clerk", "admin", action="导入名册")
    klass = ctx.classes.get(class_code)
    if klass.status not in ENROLLING:
        raise KnownError(f"培训班 {klass.code} 已{STATUS_LABELS[klass.status]}，不能再导入名册。")
    parsed = read_roster(path, ctx.codes)
    with ctx.db.read() as session:
        plan = _plan(ctx, session, klass.uuid, parsed)
    full = user.role in FULL_NUMBER_ROLES
    shown = (lambda n: n) if full else mask_id
    repeated = {row for row, _number, _first in parsed.duplicates}
    result = ImportResult(
        file=str(path),
        class_code=klass.code,
        dry_run=dry_run,
        data_rows=parsed.data_rows,
        imported=len(plan.enrol),
        registered=len(plan.register),
        duplicates=sorted(
            [{"row": row, "id_number": shown(number)} for row, number, _first in parsed.duplicates]
            + [{"row": row, "id_number": shown(number)} for row, number in plan.duplicates],
            key=lambda d: d["row"],
        ),
        errors=sorted(
            (
                {"row": p.row, "column": p.column, "message": p.message}
                for p in plan.problems
                if p.row not in repeated  # a repeated person is listed under duplicates
            ),
            key=lambda d: (d["row"], d["column"]),
        ),
        warnings=[{"row": row, "message": message} for row, message in plan.warnings],
    )
    if report is not None:
        from jiangxin_desktop.services.roster_report import write_error_report

        write_error_report(parsed, plan.problems, report)
        result.report = str(report)
    if not dry_run and plan.enrol:
        _write(ctx, klass.uuid, klass.code, plan, path, parsed)
    return result


def _plan(ctx, session: Session, class_uuid: str, parsed: ParsedRoster) -> _Plan:
    plan = _Plan()
    plan.problems.extend(parsed.problems)
    klass = session.scalar(select(TrainingClass).where(TrainingClass.uuid == class_uuid))
    assert klass is not None
    catalog = ctx.catalogs.active()
    project = catalog.projects.get(klass.project_code)
    codes = ctx.codes
    numbers = [r.values["id_number"] for r in parsed.rows]
    people: dict[str, _Person] = {}
    for chunk in _chunks(numbers):
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
            ).where(Trainee.id_number.in_(chunk))
        ):
            people[row[0]] = _Person(*row[1:])
    known = [p.uuid for p in people.values()]
    in_class: set[str] = set()
    others: dict[str, list[OtherEnrolment]] = {}
    for chunk in _chunks(known):
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
    enrolled = (
        session.scalar(
            text("SELECT count(*) FROM enrollment WHERE class_uuid = :c AND status = 'enrolled'"),
            {"c": class_uuid},
        )
        or 0
    )
    header = parsed.columns
    groups = {entry.code: entry for entry in codes["target_group"]}
    capacity, start_date = klass.capacity, klass.start_date  # ORM attributes, read once
    rules = catalog.rules
    allowed_groups = set(project.target_groups) if project is not None and project.target_groups else None
    project_name = project.name if project is not None else ""
    fresh_ids = iter(uuid7_batch(2 * len(parsed.rows)))

    def refuse(row: int, fieldname: str, message: str) -> None:
        plan.problems.append(
            RowProblem(row, header.get(fieldname, _LABELS.get(fieldname, fieldname)), message)
        )

    for r in parsed.rows:
        v = r.values
        number = v["id_number"]
        person = people.get(number)
        if person is not None and person.uuid in in_class:
            plan.duplicates.append((r.row, number))
            continue
        if person is not None and not person.active:
            refuse(r.row, "id_number", "该学员已注销，请先由审核人恢复后再导入")
            continue
        same_group = person is not None and (
            not v["target_group"] or v["target_group"] == person.target_group
        )
        group = v["target_group"] or (person.target_group if person else "") or ""
        evidence_type = v["evidence_type"] or (person.evidence_type if same_group and person else "") or ""
        evidence_number = (
            v["evidence_number"] or (person.evidence_number if same_group and person else "") or ""
        )
        entry = groups.get(group)
        if entry is None:
            refuse(r.row, "target_group", "请填写人员类别")
            continue
        allowed = entry.extra.get("evidence", ())
        if allowed and evidence_type not in allowed:
            refuse(r.row, "evidence_type", f"{entry.label}须提供证明材料：{'、'.join(allowed)}")
            continue
        if allowed and not evidence_number:
            refuse(r.row, "evidence_number", f"请填写{evidence_type}的编号")
            continue
        if person is None and not v["phone"]:
            refuse(r.row, "phone", "新登记的学员须填写手机号码")
            continue
        history = others.get(person.uuid) if person else None
        history_birth = person.birth_date if person else None
        birth_and_sex = None if person else _birth_and_sex(number)
        if (
            history and history_birth
        ):  # the full rules: earlier subsidised trainings, levels, overlapping dates
            verdict = judge(
                rules=rules,
                codes=codes,
                klass=klass,
                birth_date=history_birth,
                subsidised=True,
                others=history,
                enrolled=enrolled,
            )
            problems, warnings = verdict.problems, verdict.warnings
        else:  # nobody else to compare with: age and capacity
            if birth_and_sex is not None:
                birth = birth_and_sex[0]
            else:
                assert person is not None
                birth = person.birth_date
            age = age_on(birth, start_date)
            problems, warnings = [], []
            if age < rules.min_age:
                problems.append(f"开班时（{start_date}）只有 {age} 岁，须年满 {rules.min_age} 岁")
            if rules.max_age is not None and age > rules.max_age:
                problems.append(f"开班时 {age} 岁，超过 {rules.max_age} 岁的上限")
            if enrolled >= capacity:
                problems.append(f"培训班已满（计划 {capacity} 人）")
        if allowed_groups is not None and group not in allowed_groups:
            problems.append(f"人员类别“{entry.label}”不在项目“{project_name}”的培训对象内")
        if problems:
            refuse(r.row, "id_number", "；".join(problems))
            continue
        if person is not None and v["name"] and v["name"] != person.name:
            plan.warnings.append(
                (r.row, f"名册姓名“{v['name']}”与已登记的“{person.name}”不同，以登记信息为准")
            )
        trainee_uuid = person.uuid if person else next(fresh_ids)
        if birth_and_sex is not None:  # a new person
            plan.register.append(
                {
                    **v,
                    "birth_and_sex": birth_and_sex,
                    "uuid": trainee_uuid,
                    "target_group": group,
                    "evidence_type": evidence_type or None,
                    "evidence_number": evidence_number or None,
                }
            )
        plan.enrol.append(
            {
                "uuid": next(fresh_ids),
                "trainee_uuid": trainee_uuid,
                "target_group": group,
                "evidence_type": evidence_type or None,
                "evidence_number": evidence_number or None,
                "target_flags": (person.target_flags or "[]") if same_group and person else "[]",
                "warnings": json.dumps(warnings, ensure_ascii=False) if warnings else "[]",
                "row": r.row,
            }
        )
        plan.warnings.extend((r.row, w) for w in warnings)
        enrolled += 1
    return plan


_LABELS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "phone": "手机号码",
    "target_group": "人员类别",
    "evidence_type": "证明材料类型",
    "evidence_number": "证明材料编号",
}


def _write(ctx, class_uuid: str, class_code: str, plan: _Plan, path: Path, parsed: ParsedRoster) -> None:
    acting = ctx.acting
    now = utc_now()
    consent = ctx.consent.version
    station, actor = acting.station_code, acting.actor
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    with ctx.db.write() as session, deferred_trainee_index(session):
        # the class may have filled, or a person been added, since the preview: check again
        taken = set(
            session.execute(
                text("SELECT trainee_uuid FROM enrollment WHERE class_uuid = :c AND status = 'enrolled'"),
                {"c": class_uuid},
            ).scalars()
        )
        if taken & {e["trainee_uuid"] for e in plan.enrol}:
            raise KnownError("导入期间培训班的学员有变化，请重新预览后再导入。")
        trainee_start, enrolment_start = session.execute(
            text(
                "SELECT (SELECT coalesce(max(seq), 0) FROM trainee), "
                "(SELECT coalesce(max(seq), 0) FROM enrollment)"
            )
        ).one()
        # Positional rows in _TRAINEE_COLUMNS order: binding by name costs a lookup per value.
        trainees = []
        for seq, v in enumerate(plan.register, start=trainee_start + 1):
            birth, sex = v["birth_and_sex"]
            trainees.append(
                (
                    seq,
                    v["uuid"],
                    station,
                    now,
                    now,
                    v["name"],
                    v["id_number"],
                    birth.isoformat(),
                    sex,
                    v["phone"],
                    v["hukou"] or None,
                    v["ethnicity"] or None,
                    v["education"] or None,
                    v["target_group"],
                    v["evidence_type"],
                    v["evidence_number"],
                    v["employment_status"] or None,
                    v["bank_card"] or None,
                    v["address"] or None,
                    v["employer"] or None,
                    v["note"] or None,
                    now,
                    consent,
                    actor,
                )
            )
        enrolments = [
            (
                e["uuid"],
                station,
                now,
                now,
                class_uuid,
                e["trainee_uuid"],
                e["target_group"],
                e["target_flags"],
                e["evidence_type"],
                e["evidence_number"],
                e["warnings"],
                actor,
            )
            for e in plan.enrol
        ]
        cursor = session.connection().connection.driver_connection.cursor()
        try:
            _insert(cursor, trainees, enrolments)
            if acting.travels:  # the outbox entries, built by SQLite from the rows just written
                cursor.execute(bulk_outbox.TRAINEES_SQL, {"now": now, "after": trainee_start})
                cursor.execute(
                    bulk_outbox.ENROLMENTS_SQL,
                    {"now": now, "after": enrolment_start, "class_uuid": class_uuid},
                )
        finally:
            cursor.close()
        audit(
            session,
            actor=acting.actor,
            action="roster.import",
            object_type="training_class",
            object_id=class_uuid,
            after={
                "class": class_code,
                "file": path.name,
                "sha256": digest,
                "data_rows": parsed.data_rows,
                "registered": [t[1] for t in trainees],
                "enrolled": [e[0] for e in enrolments],
                "consent": f"新登记学员的个人信息处理告知（{consent}）由培训点纸质签署，经办人导入即确认",
            },
        )


def _insert(cursor, trainees: list[tuple], enrolments: list[tuple]) -> None:
    """executemany on the DBAPI cursor: the ORM's per-row overhead would double the time."""
    try:
        cursor.executemany(_INSERT_TRAINEE, trainees)
        cursor.executemany(
            "INSERT INTO trainee_name_grams(rowid, grams) VALUES (?, ?)",
            [(t[0], name_grams(t[5])) for t in trainees],
        )
        cursor.executemany(_INSERT_ENROLLMENT, enrolments)
    except (
        sqlcipher3.dbapi2.IntegrityError
    ) as exc:  # someone registered or enrolled the same person meanwhile
        raise KnownError("导入期间有学员被登记或报名，名册未导入任何记录。请重新预览后再导入。") from exc
