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
from jiangxin_desktop.errors import ConflictError, FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.training.class_checks import check_class, opening_problems
from jiangxin_desktop.services.training.class_records import (
    STATUS_LABELS,
    ClassInput,
    ClassRecord,
    SessionRecord,
)
from jiangxin_desktop.services.training.class_sessions import write_timetable
from jiangxin_desktop.services.catalog import CatalogService, TrainingCatalog
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Attendance, ClassSession, Enrollment, TrainingClass
from jiangxin_desktop.store.outcome_summary import refresh_classes


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
        return check_class(data, catalog or self.catalogs.active(), self.catalogs.codes)

    def opening_problems(self, record: ClassRecord, catalog: TrainingCatalog | None = None) -> list[str]:
        """What stops this class from opening, in words (the catalog's rules)."""
        return opening_problems(record, catalog or self.catalogs.active(), self.catalogs.codes)

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
            if pending := _pending_makeups(session, row.uuid):  # hours not yet decided
                raise KnownError(
                    f"培训班 {row.code} 还有 {pending} 条补签等待审核。请审核人先在培训班的考勤页“补签”栏中"
                    f"批准或驳回（命令行：attendance makeups --class {row.code} --pending），再结业。"
                )
            row.status = step.target
            record = self._save(session, row, before, "class.finish")
            # the dashboard's summary of the class's enrolments, in the same transaction (local)
            refresh_classes(session, [row.uuid], self.catalogs.active().rules.attendance)
            return record

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


def _pending_makeups(session: Session, class_uuid: str) -> int:
    """How many of the class's 补签 still wait for a reviewer: they count no hours yet, so the
    attendance rate a finished class is judged by would not be final."""
    query = (
        select(func.count())
        .select_from(Attendance)
        .join(ClassSession, ClassSession.uuid == Attendance.session_uuid)
        .where(ClassSession.class_uuid == class_uuid, Attendance.makeup == "pending")
    )
    return int(session.scalar(query) or 0)
