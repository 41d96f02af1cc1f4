"""Employment follow-ups (回访): which are due (待回访, 逾期), recording and correcting them, listing them.

A follow-up is owed for every enrolment that was not withdrawn, of a class that reached 结业
(finished or archived), at each of the catalog's periods (``plan.followup.periods_months``):
due on the class's end date plus the period (a 31st becoming the shorter month's last day). It
shows in 待回访 from ``due_before_days`` before that day until it is recorded; more than
``overdue_after_days`` past due it is 逾期. Follow-ups more than :data:`LOOKBACK_DAYS` past due
are no longer asked for (a call that late tells nothing about the training).

The list is computed, not stored: per period, one query over the finished classes whose end date
plus the period falls in the window, their enrolments, LEFT JOIN the recorded follow-ups. A
recorded follow-up is a ``follow_up`` row; correcting it is audited with before and after. Every
write is audited (the person's fields sealed) and, at a real station, followed by its outbox entry
in the same transaction.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import and_, null, select
from sqlalchemy.orm import Session, aliased

from jiangxin_desktop.domain.class_lifecycle import ARCHIVED, FINISHED
from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.contact import check_uscc
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.domain.subsidy import add_months
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.services.followup.records import (
    ANY_ROLE,
    CONTRACT,
    OUTCOME,
    WAGE,
    DueRow,
    FollowupInput,
    FollowupRecord,
    code_error,
    find_code,
)
from jiangxin_desktop.services.followup.services_1131 import UnemployedServices
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.followup_models import FollowUp
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Enrollment, Trainee, TrainingClass

LOOKBACK_DAYS = 366
ENDED = (FINISHED, ARCHIVED)


def end_dates_due(period: int, first: date, last: date) -> tuple[date, date]:
    """The class end dates whose follow-up at ``period`` months is due between first and last."""
    low = add_months(first, -period)
    while add_months(low - timedelta(days=1), period) >= first:
        low -= timedelta(days=1)
    while add_months(low, period) < first:
        low += timedelta(days=1)
    high = add_months(last, -period)
    while add_months(high + timedelta(days=1), period) <= last:
        high += timedelta(days=1)
    return low, high


def _people(s: Session, uuids: set[str]) -> dict[str, tuple[str, str, str]]:
    """uuid → (name, phone, ID number) of the active ones, read in uuid order (the table's, near
    enough: uuid7), a chunk at a time."""
    ordered, found = sorted(uuids), {}
    for i in range(0, len(ordered), 900):
        query = select(Trainee.uuid, Trainee.name, Trainee.phone, Trainee.id_number).where(
            Trainee.uuid.in_(ordered[i:i + 900]), Trainee.active.is_(True))
        found.update({u: (name, phone, number) for u, name, phone, number in s.execute(query)})
    return found


class FollowupService(UnemployedServices):
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService, codes: CodeCatalog) -> None:
        self.db = db
        self.acting = acting
        self.catalogs = catalogs
        self.codes = codes

    @property
    def rules(self):
        return self.catalogs.active().plan.followup

    # --- 待回访 ---------------------------------------------------------------------
    def due(self, *, today: date | None = None, within_days: int | None = None) -> builtins.list[DueRow]:
        """Follow-ups due within the window and overdue ones, not yet recorded; overdue first."""
        self.acting.require(*ANY_ROLE, action="查看待回访")
        rules = self.rules
        today = today or self.acting.today()
        ahead = rules.due_before_days if within_days is None else max(0, within_days)
        first, last = today - timedelta(days=LOOKBACK_DAYS), today + timedelta(days=ahead)
        periods = sorted(rules.periods_months)
        found: builtins.list[tuple] = []
        with self.db.read() as s:
            for i, period in enumerate(periods):
                found += [(*r, period) for r in self._due(s, period, periods[i - 1] if i else None, first, last)]
            people = _people(s, {r[1] for r in found})
        labels, rows = self.codes[OUTCOME], []
        for e_uuid, t_uuid, code, class_name, end, last_outcome, period in found:
            person = people.get(t_uuid)
            if person is None:  # deactivated or anonymised: no call
                continue
            due_on = add_months(end, period)
            late = max(0, (today - due_on).days)
            rows.append(DueRow(e_uuid, t_uuid, person[0], person[1], mask_id(person[2]), code, class_name, end,
                               period, due_on, late > rules.overdue_after_days, late,
                               (labels.label(last_outcome) or last_outcome) if last_outcome else None))
        rows.sort(key=lambda r: (not r.overdue, r.due_on, r.class_code, r.trainee_name, r.period_months))
        return rows

    @staticmethod
    def _due(s: Session, period: int, earlier: int | None, first: date, last: date) -> builtins.list[tuple]:
        """The enrolments of finished classes whose follow-up at ``period`` falls due between first and
        last and is not recorded, with the earlier period's outcome. The people are read afterwards
        (:func:`_people`): joined here, SQLite would start from the 200,000 trainees."""
        low, high = end_dates_due(period, first, last)
        done, before = aliased(FollowUp), aliased(FollowUp)
        query = (
            select(Enrollment.uuid, Enrollment.trainee_uuid, TrainingClass.code, TrainingClass.name,
                   TrainingClass.end_date, before.outcome if earlier else null())
            .select_from(TrainingClass)
            .join(Enrollment, Enrollment.class_uuid == TrainingClass.uuid)
            .outerjoin(done, and_(done.enrollment_uuid == Enrollment.uuid, done.period_months == period))
            .where(TrainingClass.status.in_(ENDED), TrainingClass.end_date >= low, TrainingClass.end_date <= high,
                   Enrollment.status == "enrolled", done.seq.is_(None))
        )  # fmt: skip
        if earlier:
            query = query.outerjoin(
                before, and_(before.enrollment_uuid == Enrollment.uuid, before.period_months == earlier))
        return [tuple(r) for r in s.execute(query)]

    # --- records --------------------------------------------------------------------
    def record(self, enrollment_uuid: str, period_months: int, data: FollowupInput) -> FollowupRecord:
        """Record the follow-up of an enrolment at a period, or correct the one recorded."""
        user = self.acting.require(*ANY_ROLE, action="登记回访")
        with self.db.write() as s:
            return self._write(s, user.username, enrollment_uuid, period_months, data)[0]

    def record_all(self, items: Sequence[tuple[str, int, FollowupInput]]) -> builtins.list[tuple[FollowupRecord, str]]:
        """Several follow-ups in one transaction (the bulk import): all written, or none when one is
        refused. Each with what happened: ``recorded``, ``corrected`` or ``unchanged``."""
        user = self.acting.require(*ANY_ROLE, action="登记回访")
        with self.db.write() as s:
            return [self._write(s, user.username, e, period, data) for e, period, data in items]

    def check(self, enrollment_uuid: str, period_months: int, data: FollowupInput) -> builtins.list[FieldError]:
        """What :meth:`record` would refuse, field by field (nothing is written)."""
        self.acting.require(*ANY_ROLE, action="登记回访")
        with self.db.read() as s:
            try:
                self._checked(s, enrollment_uuid, period_months, data)
            except ValidationError as refused:
                return builtins.list(refused.errors)
            except KnownError as refused:
                return [FieldError("回访", refused.message)]
        return []

    def _checked(self, s: Session, enrollment_uuid: str, period_months: int,
                 data: FollowupInput) -> tuple[Enrollment, TrainingClass, Trainee, dict]:
        periods = self.rules.periods_months
        if period_months not in periods:
            raise ValidationError([FieldError(
                "回访期", f"应为 {'、'.join(f'{m} 个月' for m in periods)} 之一，现在是 {period_months}")])
        enrolment, klass, trainee = self._enrolment(s, enrollment_uuid)
        return enrolment, klass, trainee, self._values(data, klass)

    def _write(self, s: Session, who: str, enrollment_uuid: str, period_months: int,
               data: FollowupInput) -> tuple[FollowupRecord, str]:
        enrolment, klass, trainee, values = self._checked(s, enrollment_uuid, period_months, data)
        row = s.scalar(select(FollowUp).where(FollowUp.enrollment_uuid == enrolment.uuid,
                                              FollowUp.period_months == period_months))
        now = utc_now()
        if row is None:
            before, action = None, "recorded"
            row = FollowUp(
                uuid=uuid7(), station_code=self.acting.station_code, version=1, created_at=now,
                updated_at=now, enrollment_uuid=enrolment.uuid, trainee_uuid=trainee.uuid,
                class_uuid=klass.uuid, period_months=period_months,
                due_on=add_months(klass.end_date, period_months), recorded_by=who, **values)
            s.add(row)
        else:
            if all(getattr(row, k) == v for k, v in values.items()):
                return self._record(row, klass, trainee), "unchanged"  # nothing changed: nothing written
            before, action = self._record(row, klass, trainee).to_json(), "corrected"
            for key, value in values.items():
                setattr(row, key, value)
            row.version, row.updated_at, row.recorded_by = row.version + 1, now, who
        s.flush()
        record = self._record(row, klass, trainee)
        self.acting.record(s, action="followup.record" if before is None else "followup.correct",
                           entity=outbox.FOLLOW_UP, uuid=row.uuid, version=row.version, before=before,
                           after=record.to_json(), subject=trainee.uuid)
        return record, action

    def list(self, *, class_code: str | None = None, trainee_uuid: str | None = None) -> builtins.list[FollowupRecord]:
        """Recorded follow-ups, by class end date, class, name and period."""
        self.acting.require(*ANY_ROLE, action="查看回访")
        with self.db.read() as s:
            query = (select(FollowUp, TrainingClass, Trainee)
                     .join(TrainingClass, TrainingClass.uuid == FollowUp.class_uuid)
                     .join(Trainee, Trainee.uuid == FollowUp.trainee_uuid)
                     .order_by(TrainingClass.end_date, TrainingClass.code, Trainee.name, FollowUp.period_months))
            if class_code:
                klass = s.scalar(select(TrainingClass).where(
                    (TrainingClass.code == class_code.strip()) | (TrainingClass.uuid == class_code.strip())))
                if klass is None:
                    raise NotFoundError(f"找不到培训班 {class_code.strip()}。请用 class list 查看班级编号。")
                query = query.where(FollowUp.class_uuid == klass.uuid)
            if trainee_uuid:
                query = query.where(FollowUp.trainee_uuid == trainee_uuid)
            return [self._record(f, c, t) for f, c, t in s.execute(query)]

    # --- helpers --------------------------------------------------------------------
    @staticmethod
    def _enrolment(s: Session, enrollment_uuid: str) -> tuple[Enrollment, TrainingClass, Trainee]:
        found = s.execute(select(Enrollment, TrainingClass, Trainee)
                          .join(TrainingClass, TrainingClass.uuid == Enrollment.class_uuid)
                          .join(Trainee, Trainee.uuid == Enrollment.trainee_uuid)
                          .where(Enrollment.uuid == enrollment_uuid)).first()
        if found is None:
            raise NotFoundError("找不到该报名记录。请从待回访列表或班级名单中选择学员。")
        enrolment, klass, trainee = found
        if enrolment.status != "enrolled":
            raise KnownError(f"{trainee.name} 已从培训班 {klass.code} 退班，不需回访。")
        if klass.status not in ENDED:
            raise KnownError(f"培训班 {klass.code} 尚未结业，结业后才能登记回访。")
        return enrolment, klass, trainee

    def _values(self, data: FollowupInput, klass: TrainingClass) -> dict:
        errors: builtins.list[FieldError] = []
        codes: dict[str, str | None] = {}
        for key, list_name, label, value in (("outcome", OUTCOME, "回访结果", data.outcome),
                                             ("contract_type", CONTRACT, "用工形式", data.contract_type),
                                             ("wage_band", WAGE, "月工资", data.wage_band)):
            codes[key] = find_code(self.codes, list_name, value)
            if codes[key] is None and (value or "").strip():
                errors.append(code_error(self.codes, list_name, label, value or ""))
            elif codes[key] is None and key == "outcome":
                errors.append(FieldError(label, "请选择回访结果"))
        uscc = None
        if (data.employer_uscc or "").strip():
            checked = check_uscc(data.employer_uscc or "", required=False)
            if not checked.ok:
                errors.append(FieldError("统一社会信用代码", f"{checked.message}；不知道时请留空"))
            uscc = checked.value
        today = self.acting.today()
        if data.contacted_on is None:
            errors.append(FieldError("回访日期", "请填写回访日期"))
        elif data.contacted_on > today:
            errors.append(FieldError("回访日期", f"{data.contacted_on.isoformat()} 晚于今天，请核对"))
        elif data.contacted_on < klass.end_date:
            errors.append(FieldError("回访日期", f"{data.contacted_on.isoformat()} 早于培训班结业"
                                                 f"（{klass.end_date.isoformat()}），请核对"))
        if errors:
            raise ValidationError(errors)
        return dict(outcome=codes["outcome"], contract_type=codes["contract_type"], wage_band=codes["wage_band"],
                    employer_name=(data.employer_name or "").strip() or None, employer_uscc=uscc,
                    contacted_on=data.contacted_on, note=(data.note or "").strip() or None)

    def _record(self, row: FollowUp, klass: TrainingClass, trainee: Trainee) -> FollowupRecord:
        outcome = self.codes[OUTCOME].get(row.outcome)
        contract, wage = self.codes[CONTRACT], self.codes[WAGE]
        return FollowupRecord(
            row.uuid, row.enrollment_uuid, row.trainee_uuid, trainee.name, mask_id(trainee.id_number),
            klass.code, klass.name, row.period_months, row.due_on, row.outcome,
            outcome.label if outcome else row.outcome, bool(outcome and outcome.extra.get("employed")),
            row.employer_name, row.employer_uscc, row.contract_type,
            (contract.label(row.contract_type) or row.contract_type) if row.contract_type else None,
            row.wage_band, (wage.label(row.wage_band) or row.wage_band) if row.wage_band else None,
            row.contacted_on, row.note, row.recorded_by, row.version, row.updated_at,
        )  # fmt: skip
