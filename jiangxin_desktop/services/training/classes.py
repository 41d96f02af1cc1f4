"""Classes (培训班) and their lifecycle: 草稿 → 已开班 → 培训中 → 已结业 → 已归档.

A clerk drafts a class from catalog entries, with its timetable; a reviewer opens it
(已开班) after the catalog's rules are checked — hours per level, sessions adding up,
the cost shares adding up to the fee — or returns it with a reason. Attendance moves it
to 培训中; it is closed (已结业) after its last session and archived by a reviewer or an
administrator. Money is kept in fen.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.class_lifecycle import TRANSITIONS, Transition, allowed_from, earliest_finish
from jiangxin_desktop.domain.money import MoneyError, parse_yuan, yuan_text
from jiangxin_desktop.errors import ConflictError, FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security.acting import Acting
from jiangxin_desktop.services.certificates.issuer import planned_issuer_problem
from jiangxin_desktop.services.training.class_records import (
    CLASS_LABELS,
    STATUS_LABELS,
    ClassInput,
    ClassRecord,
    SessionRecord,
)
from jiangxin_desktop.services.training.class_sessions import write_timetable
from jiangxin_desktop.services.catalog.training import CatalogService, TrainingCatalog
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import ClassSession, Enrollment, TrainingClass


def fen(text: str, label: str, errors: list[FieldError]) -> int:
    """Typed 元 → fen; a problem is added to ``errors`` under ``label`` and counts as 0."""
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        errors.append(FieldError(label, str(exc)))
        return 0


def _minutes(hhmm: str) -> int | None:
    try:
        hour, minute = (int(part) for part in hhmm.split(":"))
    except ValueError:
        return None
    return hour * 60 + minute if 0 <= hour < 24 and 0 <= minute < 60 else None


class ClassService:
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService) -> None:
        self.db = db
        self.acting = acting
        self.catalogs = catalogs

    # --- checks ---------------------------------------------------------------------
    def check(
        self, data: ClassInput, catalog: TrainingCatalog | None = None
    ) -> tuple[dict, list[FieldError]]:
        """Field values for the row, and every problem found (nothing is written)."""
        catalog = catalog or self.catalogs.active()
        codes = self.catalogs.codes
        errors: list[FieldError] = []
        label = CLASS_LABELS
        project = catalog.projects.get(data.project_code)
        occupation = catalog.occupations.get(data.occupation_code)
        institution = catalog.institutions.get(data.institution_code)
        if not data.name.strip():
            errors.append(FieldError(label["name"], "请填写班级名称"))
        if project is None:
            errors.append(
                FieldError(label["project_code"], f"“{data.project_code}”不在培训目录（{catalog.version}）中")
            )
        if occupation is None:
            errors.append(
                FieldError(label["occupation_code"], f"“{data.occupation_code}”不在培训目录的职业列表中")
            )
        if institution is None:
            errors.append(
                FieldError(label["institution_code"], f"“{data.institution_code}”不在承训机构目录中")
            )
        certificate = codes["certificate_type"].get(data.certificate_type)
        if certificate is None:
            errors.append(FieldError(label["certificate_type"], f"“{data.certificate_type}”不是证书类型代码"))
        elif project is not None and data.certificate_type not in project.certificate_types:
            allowed = "、".join(codes["certificate_type"].label(c) or c for c in project.certificate_types)
            errors.append(FieldError(label["certificate_type"], f"该项目可发的证书：{allowed}"))
        elif occupation and (why := planned_issuer_problem(data.certificate_type, occupation, catalog)):
            errors.append(FieldError(label["certificate_type"], why))  # 职业技能等级证书: evaluation bodies
        needs_level = bool(certificate and certificate.extra.get("has_level"))
        if needs_level and codes["skill_level"].get(data.level) is None:
            errors.append(FieldError(label["level"], "职业技能等级证书须选择等级"))
        if not needs_level:
            data.level = ""
        if not data.site.strip():
            errors.append(FieldError(label["site"], "请填写培训地点"))
        if data.end_date < data.start_date:
            errors.append(FieldError(label["end_date"], "结业日期早于开班日期"))
        if data.class_hours <= 0:
            errors.append(FieldError(label["class_hours"], "课时应大于 0"))
        if data.capacity <= 0:
            errors.append(FieldError(label["capacity"], "计划人数应大于 0"))
        money = {
            key: fen(getattr(data, key), lab, errors)
            for key, lab in (
                ("fee", "培训费"),
                ("government", "政府补贴部分"),
                ("employer", "企业负担部分"),
                ("personal", "个人负担部分"),
            )
        }
        values = {
            "name": data.name.strip(),
            "catalog_version": catalog.version,
            "project_code": data.project_code,
            "project_name": project.name if project else "",
            "occupation_code": data.occupation_code,
            "occupation_name": occupation.name if occupation else "",
            "level": data.level,
            "certificate_type": data.certificate_type,
            "institution_code": data.institution_code,
            "institution_name": institution.name if institution else "",
            "institution_uscc": institution.uscc if institution else "",
            "site": data.site.strip(),
            "start_date": data.start_date,
            "end_date": data.end_date,
            "class_hours": data.class_hours,
            "capacity": data.capacity,
            "teachers_json": json.dumps([t.strip() for t in data.teachers if t.strip()], ensure_ascii=False),
            "fee_fen": money["fee"],
            "government_fen": money["government"],
            "employer_fen": money["employer"],
            "personal_fen": money["personal"],
            "note": data.note.strip() or None,
        }
        for i, s in enumerate(data.sessions, start=1):
            start, end = _minutes(s.start_time), _minutes(s.end_time)
            if start is None or end is None or end <= start:
                errors.append(
                    FieldError(label["sessions"], f"第 {i} 次课的时间 {s.start_time}–{s.end_time} 有误")
                )
            if s.hours <= 0:
                errors.append(FieldError(label["sessions"], f"第 {i} 次课的课时应大于 0"))
        return values, errors

    def opening_problems(self, record: ClassRecord, catalog: TrainingCatalog | None = None) -> list[str]:
        """What stops this class from opening, in words (the catalog's rules)."""
        catalog = catalog or self.catalogs.active()
        rules = catalog.rules
        problems = []
        level_label = self.catalogs.codes["skill_level"].label(record.level) or "无等级"
        minimum = rules.min_hours(record.level)
        if record.class_hours < minimum:
            problems.append(f"{level_label}培训至少 {minimum} 课时，本班只有 {record.class_hours} 课时")
        if not record.sessions:
            problems.append("还没有课次安排")
        total = sum(s.hours for s in record.sessions)
        if record.sessions and total != record.class_hours:
            problems.append(f"课次合计 {total} 课时，与班级课时 {record.class_hours} 不一致")
        for s in record.sessions:
            if not record.start_date <= s.day <= record.end_date:
                problems.append(f"第 {s.number} 次课（{s.day}）不在开班到结业的日期内")
            start, end = _minutes(s.start_time) or 0, _minutes(s.end_time) or 0
            if end - start < s.hours * rules.class_hour_minutes:
                problems.append(
                    f"第 {s.number} 次课 {s.start_time}–{s.end_time} 只有 {end - start} 分钟，"
                    f"不够 {s.hours} 课时（每课时 {rules.class_hour_minutes} 分钟）"
                )
        shares = record.government_fen + record.employer_fen + record.personal_fen
        if record.fee_fen and shares != record.fee_fen:
            problems.append(
                f"政府、企业、个人分担合计 {yuan_text(shares, grouping=False)} 元，"
                f"与培训费 {yuan_text(record.fee_fen, grouping=False)} 元不一致"
            )
        if record.project_code not in catalog.projects:
            problems.append(f"培训项目 {record.project_code} 已不在当前目录（{catalog.version}）中")
        return problems

    # --- queries --------------------------------------------------------------------
    def get(self, uuid_or_code: str) -> ClassRecord:
        with self.db.read() as session:
            return self._record(session, self._row(session, uuid_or_code))

    def list(
        self, *, status: str | None = None, text: str = "", limit: int = 500
    ) -> builtins.list[ClassRecord]:
        with self.db.read() as session:
            query = select(TrainingClass).order_by(TrainingClass.start_date.desc(), TrainingClass.seq.desc())
            if status:
                query = query.where(TrainingClass.status == status)
            if text.strip():
                like = f"%{text.strip()}%"
                query = query.where(
                    TrainingClass.name.like(like)
                    | TrainingClass.code.like(like)
                    | TrainingClass.occupation_name.like(like)
                )
            rows = list(session.scalars(query.limit(limit)))
            counts = dict(
                session.execute(
                    select(Enrollment.class_uuid, func.count())
                    .where(Enrollment.status == "enrolled", Enrollment.class_uuid.in_([r.uuid for r in rows]))
                    .group_by(Enrollment.class_uuid)
                ).all()
            )
            return [self._record(session, r, enrolled=counts.get(r.uuid, 0), sessions=False) for r in rows]

    # --- changes --------------------------------------------------------------------
    def create(self, data: ClassInput) -> ClassRecord:
        step = self._may("create")
        values, errors = self.check(data)
        if errors:
            raise ValidationError(errors)
        now = utc_now()
        with self.db.write() as session:
            prefix = f"{self.acting.station_code}-{data.start_date.year}-"
            taken = session.scalar(select(func.count()).where(TrainingClass.code.like(prefix + "%"))) or 0
            row = TrainingClass(
                uuid=uuid7(),
                station_code=self.acting.station_code,
                version=1,
                created_at=now,
                updated_at=now,
                code=f"{prefix}{taken + 1:03d}",
                status=step.target,
                created_by=self.acting.actor,
                **values,
            )
            session.add(row)
            session.flush()
            write_timetable(session, row, data.sessions, now, travels=self.acting.travels)
            record = self._record(session, row)
            self.acting.record(
                session,
                action="class.create",
                entity=outbox.TRAINING_CLASS,
                uuid=row.uuid,
                version=1,
                before=None,
                after=record.to_json(),
            )
        return record

    def update(self, uuid: str, data: ClassInput, *, expected_version: int) -> ClassRecord:
        self._may("edit")
        values, errors = self.check(data)
        if errors:
            raise ValidationError(errors)
        with self.db.write() as session:
            row = self._row(session, uuid)
            if not allowed_from("edit", row.status):
                raise KnownError(f"培训班 {row.code} 已{STATUS_LABELS[row.status]}，只有草稿可以修改。")
            if row.version != expected_version:
                raise ConflictError("该培训班已被他人修改，请刷新后重新编辑。")
            before = self._record(session, row)
            for key, value in values.items():
                setattr(row, key, value)
            write_timetable(session, row, data.sessions, utc_now(), travels=self.acting.travels)
            return self._save(session, row, before, "class.update")

    def approve(self, uuid: str) -> ClassRecord:
        """开班: a reviewer checks the catalog's rules and opens the class."""
        step = TRANSITIONS["approve"]
        user = self.acting.require(*step.roles, action=step.duty)
        with self.db.write() as session:
            row = self._row(session, uuid)
            self._expect(row, step)
            before = self._record(session, row)
            problems = self.opening_problems(before)
            if problems:
                raise KnownError(f"培训班 {row.code} 不能开班：\n" + "\n".join(f"· {p}" for p in problems))
            row.status, row.approved_by, row.approved_at, row.review_note = (
                step.target,
                user.username,
                utc_now(),
                None,
            )
            return self._save(session, row, before, "class.approve")

    def send_back(self, uuid: str, reason: str) -> ClassRecord:
        """退回: the reviewer returns a draft or an opened class (before training) with a reason."""
        step = self._may("send_back")
        if not reason.strip():
            raise ValidationError([FieldError("退回原因", "请写明退回原因，经办人据此修改")])
        with self.db.write() as session:
            row = self._row(session, uuid)
            self._expect(row, step)
            before = self._record(session, row)
            row.status, row.review_note, row.approved_by, row.approved_at = (
                step.target,
                reason.strip(),
                None,
                None,
            )
            return self._save(session, row, before, "class.send_back")

    def start(self, uuid: str) -> ClassRecord:
        self._may("start")
        with self.db.write() as session:
            return self.start_in(session, self._row(session, uuid))

    def start_in(self, session: Session, row: TrainingClass) -> ClassRecord:
        """已开班 → 培训中 (also when the first attendance is recorded)."""
        step = TRANSITIONS["start"]
        self._expect(row, step)
        before = self._record(session, row)
        row.status = step.target
        return self._save(session, row, before, "class.start")

    def finish(self, uuid: str) -> ClassRecord:
        step = self._may("finish")
        with self.db.write() as session:
            row = self._row(session, uuid)
            self._expect(row, step)
            before = self._record(session, row)
            last = earliest_finish((s.day for s in before.sessions), row.end_date)
            if self.acting.today() < last:
                raise KnownError(f"培训班 {row.code} 的最后一次课在 {last}，之后才能结业。")
            row.status = step.target
            return self._save(session, row, before, "class.finish")

    def archive(self, uuid: str) -> ClassRecord:
        step = self._may("archive")
        with self.db.write() as session:
            row = self._row(session, uuid)
            self._expect(row, step)
            before = self._record(session, row)
            row.status = step.target
            return self._save(session, row, before, "class.archive")

    # --- helpers --------------------------------------------------------------------
    def _may(self, action: str) -> Transition:
        """The lifecycle step, once the acting user's role may take it."""
        step = TRANSITIONS[action]
        self.acting.require(*step.roles, action=step.duty)
        return step

    @staticmethod
    def _expect(row: TrainingClass, step: Transition) -> None:
        if row.status not in step.sources:
            need = "或".join(STATUS_LABELS[s] for s in step.sources)
            raise KnownError(
                f"培训班 {row.code} 现在是“{STATUS_LABELS[row.status]}”，只有“{need}”的班才能{step.verb}。"
            )

    def _save(self, session: Session, row: TrainingClass, before: ClassRecord, action: str) -> ClassRecord:
        row.version += 1
        row.updated_at = utc_now()
        session.flush()
        record = self._record(session, row)
        self.acting.record(
            session,
            action=action,
            entity=outbox.TRAINING_CLASS,
            uuid=row.uuid,
            version=row.version,
            before=before.to_json(),
            after=record.to_json(),
        )
        return record

    @staticmethod
    def _row(session: Session, uuid_or_code: str) -> TrainingClass:
        key = uuid_or_code.strip()
        row = session.scalar(
            select(TrainingClass).where((TrainingClass.uuid == key) | (TrainingClass.code == key))
        )
        if row is None:
            raise NotFoundError(f"找不到培训班 {key}。请用 class list 查看班级编号。")
        return row

    @staticmethod
    def _record(
        session: Session, row: TrainingClass, *, enrolled: int | None = None, sessions: bool = True
    ) -> ClassRecord:
        session_rows: Iterable[ClassSession] = (
            session.scalars(
                select(ClassSession).where(ClassSession.class_uuid == row.uuid).order_by(ClassSession.number)
            )
            if sessions
            else []
        )
        if enrolled is None:
            enrolled = (
                session.scalar(
                    select(func.count()).where(
                        Enrollment.class_uuid == row.uuid, Enrollment.status == "enrolled"
                    )
                )
                or 0
            )
        return ClassRecord(
            uuid=row.uuid,
            code=row.code,
            name=row.name,
            status=row.status,
            catalog_version=row.catalog_version,
            project_code=row.project_code,
            project_name=row.project_name,
            occupation_code=row.occupation_code,
            occupation_name=row.occupation_name,
            level=row.level,
            certificate_type=row.certificate_type,
            institution_code=row.institution_code,
            institution_name=row.institution_name,
            institution_uscc=row.institution_uscc,
            site=row.site,
            start_date=row.start_date,
            end_date=row.end_date,
            class_hours=row.class_hours,
            capacity=row.capacity,
            teachers=tuple(json.loads(row.teachers_json or "[]")),
            fee_fen=row.fee_fen,
            government_fen=row.government_fen,
            employer_fen=row.employer_fen,
            personal_fen=row.personal_fen,
            note=row.note,
            review_note=row.review_note,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            version=row.version,
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            enrolled=enrolled,
            sessions=tuple(
                SessionRecord(s.uuid, s.number, s.day, s.start_time, s.end_time, s.hours, s.teacher, s.topic)
                for s in session_rows
            ),
        )
