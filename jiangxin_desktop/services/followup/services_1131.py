"""Services to the unemployed ("1131"): 政策宣讲 ×1, 职业指导 ×1, 岗位推荐 ×3, 培训机会 ×1.

How many of each a person is owed is the code list's ``extra.required`` (``unemployed_service``);
who is owed them: active trainees whose 人员类别 belongs to the group 失业人员. Each service given
is a ``service_event`` row (travels), audited with the person's fields sealed, and followed by its
outbox entry in the same transaction at a real station.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import FieldError, NotFoundError, ValidationError
from jiangxin_desktop.services.followup.records import (
    ANY_ROLE,
    SERVICE,
    UNEMPLOYED_GROUP,
    OwedRow,
    ServiceInput,
    ServiceRecord,
    ServiceSummary,
    code_error,
    find_code,
    owed_of,
)
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.followup_models import ServiceEvent
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Trainee

if TYPE_CHECKING:
    from jiangxin_desktop.domain.codes import CodeCatalog
    from jiangxin_desktop.services.security import Acting
    from jiangxin_desktop.store.database import Database


class UnemployedServices:
    """The 1131 part of ``ctx.followups`` (FollowupService)."""

    db: Database
    acting: Acting
    codes: CodeCatalog

    def record_service(self, trainee_uuid: str, data: ServiceInput) -> ServiceRecord:
        """One service given to a person, with its day and details."""
        user = self.acting.require(*ANY_ROLE, action="登记就业服务")
        kind = find_code(self.codes, SERVICE, data.kind)
        errors = []
        if kind is None:
            errors.append(code_error(self.codes, SERVICE, "服务项目", data.kind or "") if (data.kind or "").strip()
                          else FieldError("服务项目", "请选择服务项目"))
        if data.on_date is None:
            errors.append(FieldError("服务日期", "请填写服务日期"))
        elif data.on_date > self.acting.today():
            errors.append(FieldError("服务日期", f"{data.on_date.isoformat()} 晚于今天，请核对"))
        if errors:
            raise ValidationError(errors)
        with self.db.write() as s:
            trainee = self._person(s, trainee_uuid)
            now = utc_now()
            row = ServiceEvent(
                uuid=uuid7(), station_code=self.acting.station_code, version=1, created_at=now, updated_at=now,
                trainee_uuid=trainee.uuid, kind=kind, on_date=data.on_date,
                details=(data.details or "").strip() or None,
                employer_name=(data.employer_name or "").strip() or None, recorded_by=user.username,
            )  # fmt: skip
            s.add(row)
            s.flush()
            record = self._service(row, trainee.name)
            self.acting.record(s, action="service.record", entity=outbox.SERVICE_EVENT, uuid=row.uuid,
                               version=row.version, before=None, after=record.to_json(), subject=trainee.uuid)
            return record

    def services_of(self, trainee_uuid: str) -> ServiceSummary:
        """A person's services, oldest first, and what is still owed."""
        self.acting.require(*ANY_ROLE, action="查看就业服务")
        with self.db.read() as s:
            trainee = self._person(s, trainee_uuid, active=False)
            rows = s.scalars(select(ServiceEvent).where(ServiceEvent.trainee_uuid == trainee.uuid)
                             .order_by(ServiceEvent.on_date, ServiceEvent.seq)).all()
            events = [self._service(r, trainee.name) for r in rows]
        done: dict[str, int] = defaultdict(int)
        for e in events:
            done[e.kind] += 1
        owed, words = owed_of(self.codes, done)
        return ServiceSummary(events, owed, words)

    def owed(self) -> builtins.list[OwedRow]:
        """The unemployed people (active) with services still owed, by name."""
        self.acting.require(*ANY_ROLE, action="查看就业服务")
        groups = [c.code for c in self.codes["target_group"] if c.extra.get("group") == UNEMPLOYED_GROUP]
        with self.db.read() as s:
            people = s.execute(select(Trainee.uuid, Trainee.name, Trainee.id_number, Trainee.phone)
                               .where(Trainee.active.is_(True), Trainee.target_group.in_(groups))
                               .order_by(Trainee.name, Trainee.seq)).all()
            given: dict[str, dict[str, int]] = defaultdict(dict)
            counts = (select(ServiceEvent.trainee_uuid, ServiceEvent.kind, func.count())
                      .join(Trainee, Trainee.uuid == ServiceEvent.trainee_uuid)
                      .where(Trainee.active.is_(True), Trainee.target_group.in_(groups))
                      .group_by(ServiceEvent.trainee_uuid, ServiceEvent.kind))
            for uuid, kind, n in s.execute(counts):
                given[uuid][kind] = n
        rows = []
        for uuid, name, id_number, phone in people:
            owed, words = owed_of(self.codes, given.get(uuid, {}))
            if owed:
                rows.append(OwedRow(uuid, name, mask_id(id_number), phone, owed, words))
        return rows

    # --- helpers --------------------------------------------------------------------
    @staticmethod
    def _person(s: Session, trainee_uuid: str, *, active: bool = True) -> Trainee:
        row = s.scalar(select(Trainee).where(Trainee.uuid == trainee_uuid))
        if row is None or (active and not row.active):
            raise NotFoundError("找不到该学员，或已注销。请先登记或恢复该学员。")
        return row

    def _service(self, row: ServiceEvent, name: str) -> ServiceRecord:
        return ServiceRecord(row.uuid, row.trainee_uuid, name, row.kind,
                             self.codes[SERVICE].label(row.kind) or row.kind, row.on_date, row.details,
                             row.employer_name, row.recorded_by, row.version)
