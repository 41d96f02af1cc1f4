"""Register, edit and deactivate trainees: one person per ID number, audited, outboxed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.contact import check_bank_card, check_phone, check_uscc
from jiangxin_desktop.domain.idnumber import age_on, check_id, normalize_id
from jiangxin_desktop.domain.labels import FIELD_LABELS
from jiangxin_desktop.domain.names import check_name
from jiangxin_desktop.errors import ConflictError, FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.registry.grams import replace_name_grams
from jiangxin_desktop.services.registry.records import TraineeRecord
from jiangxin_desktop.services.security import seal
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import audit, record_change, utc_now
from jiangxin_desktop.store.models import Trainee

# Free-text fields and their longest allowed length.
_TEXT_LIMITS = {
    "evidence_number": 60,
    "address": 200,
    "employer": 200,
    "employer_uscc_override": 200,
    "note": 2000,
}
# Coded fields → the code list that holds their values.
CODED_FIELDS = {
    "hukou": "hukou",
    "ethnicity": "ethnicity",
    "education": "education",
    "target_group": "target_group",
    "employment_status": "employment_status",
}
MIN_AGE_WARNING = 16


@dataclass
class TraineeInput:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    hukou: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    target_group: str | None = None
    target_flags: tuple[str, ...] = ()
    evidence_type: str | None = None
    evidence_number: str | None = None
    employment_status: str | None = None
    bank_card: str | None = None
    address: str | None = None
    employer: str | None = None
    employer_uscc: str | None = None
    employer_uscc_override: str | None = None  # reason to keep a code that fails the check
    note: str | None = None
    consent: bool = False
    photo_consent: bool = False


@dataclass
class Checked:
    """The outcome of validating a TraineeInput: normalised values, errors, warnings."""

    values: dict = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None


class DuplicateTraineeError(KnownError):
    """The ID number is registered already; ``existing`` is that person's record."""

    def __init__(self, existing: TraineeRecord) -> None:
        status = "" if existing.active else "（已注销）"
        super().__init__(
            f"公民身份号码已登记：{existing.name}{status}，登记于 {existing.created_at[:10]}。"
            "请打开该学员的记录，不要重复登记。"
        )
        self.existing = existing


class TraineeRegistry:
    def __init__(
        self,
        db: Database,
        acting: Acting,
        *,
        codes: CodeCatalog,
        consent_version: str,
        travels: bool = True,
    ) -> None:
        self.db = db
        self.acting = acting  # who acts (their role is checked, their name audited) and the clock
        self.station_code = acting.station_code
        self.codes = codes
        self.consent_version = consent_version
        self.travels = travels

    @property
    def actor(self) -> str:
        return self.acting.actor

    def _require(self, *roles: str, action: str) -> None:
        """Permissions are enforced here, not only by hiding buttons."""
        self.acting.require(*roles, action=action)

    # --- validation -------------------------------------------------------------------
    def check(self, data: TraineeInput) -> Checked:
        """Validate every field; pure apart from reading the code lists."""
        out = Checked()
        name = check_name(data.name)
        out.values["name"] = name.value
        if not name.ok:
            out.errors.append(FieldError("name", name.message or ""))
        idc = check_id(data.id_number, today=self.acting.today())
        out.values["id_number"] = idc.id_number
        if idc.valid and idc.birth_date is not None:
            out.birth_date, out.sex = idc.birth_date, idc.sex
            age = age_on(idc.birth_date, self.acting.today())
            if age < MIN_AGE_WARNING:
                out.warnings.append(
                    FieldError("id_number", f"该学员现年 {age} 岁，开班时须年满 {MIN_AGE_WARNING} 周岁")
                )
        else:
            out.errors.append(FieldError("id_number", idc.message or ""))
        phone = check_phone(data.phone)
        out.values["phone"] = phone.value
        if not phone.ok:
            out.errors.append(FieldError("phone", phone.message or ""))
        card = check_bank_card(data.bank_card or "", required=False)
        out.values["bank_card"] = card.value or None
        if not card.ok:
            out.errors.append(FieldError("bank_card", card.message or ""))
        elif card.warning:
            out.warnings.append(FieldError("bank_card", card.warning))
        for key, list_name in CODED_FIELDS.items():
            value = (getattr(data, key) or "").strip() or None
            out.values[key] = value
            if value is not None and self.codes[list_name].get(value) is None:
                out.errors.append(
                    FieldError(key, f"“{value}”不在{self.codes[list_name].title}代码表中，请从列表选择")
                )
        if not out.values["target_group"]:
            out.errors.append(FieldError("target_group", "请选择人员类别"))
        self._check_group_details(data, out)
        for key, limit in _TEXT_LIMITS.items():
            value = (getattr(data, key) or "").strip() or None
            out.values[key] = value
            if value and len(value) > limit:
                out.errors.append(FieldError(key, f"不能超过 {limit} 个字"))
            elif value and value[0] in "=+-@":
                out.errors.append(FieldError(key, "不能以 = + - @ 开头（会被电子表格当作公式）"))
        self._check_employer_uscc(data, out)
        if not data.consent:
            out.errors.append(FieldError("consent", "学员须阅读个人信息处理告知并同意后才能登记"))
        out.values["photo_consent"] = bool(data.photo_consent)
        return out

    @staticmethod
    def _check_employer_uscc(data: TraineeInput, out: Checked) -> None:
        """GB 32100 check; a code that fails may be kept only with a recorded reason."""
        uscc = check_uscc(data.employer_uscc or "", required=False)
        out.values["employer_uscc"] = uscc.value or None
        reason = (data.employer_uscc_override or "").strip()
        if uscc.ok or not uscc.value:
            out.values["employer_uscc_override"] = None  # nothing to explain
            return
        if reason:
            out.warnings.append(FieldError("employer_uscc", f"{uscc.message}（已按例外说明保留）"))
        else:
            out.errors.append(
                FieldError("employer_uscc", f"{uscc.message}；如确认无误，请在“信用代码例外说明”中写明原因")
            )

    def _check_group_details(self, data: TraineeInput, out: Checked) -> None:
        group = self.codes["target_group"].get(out.values["target_group"] or "")
        allowed_flags = tuple(group.extra.get("flags", ())) if group else ()
        flags = tuple(dict.fromkeys(f.strip() for f in data.target_flags if f.strip()))
        for flag in flags:
            if flag not in allowed_flags:
                out.errors.append(FieldError("target_flags", f"“{flag}”不适用于所选人员类别"))
        out.values["target_flags"] = json.dumps(list(flags), ensure_ascii=False)
        evidence = (data.evidence_type or "").strip() or None
        allowed_evidence = tuple(group.extra.get("evidence", ())) if group else ()
        if evidence and group and evidence not in allowed_evidence:
            out.errors.append(
                FieldError(
                    "evidence_type",
                    f"“{evidence}”不是{group.label}的证明材料，可选：{'、'.join(allowed_evidence)}",
                )
            )
        out.values["evidence_type"] = evidence

    # --- queries ------------------------------------------------------------------------
    def get(self, uuid: str) -> TraineeRecord:
        with self.db.read() as session:
            return TraineeRecord.from_row(self._row(session, uuid, change=False))

    def find_by_id_number(self, raw: str) -> TraineeRecord | None:
        number = normalize_id(raw)
        with self.db.read() as session:
            row = session.scalar(select(Trainee).where(Trainee.id_number == number))
            return TraineeRecord.from_row(row) if row else None

    # --- changes ------------------------------------------------------------------------
    def register(self, data: TraineeInput) -> TraineeRecord:
        self._require("clerk", "admin", action="登记学员")
        checked = self.check(data)
        if checked.errors:
            raise ValidationError(_labelled(checked.errors))
        now = utc_now()
        with self.db.write() as session:
            existing = session.scalar(select(Trainee).where(Trainee.id_number == checked.values["id_number"]))
            if existing is not None:
                raise DuplicateTraineeError(TraineeRecord.from_row(existing))
            row = Trainee(
                uuid=uuid7(),
                station_code=self.station_code,
                version=1,
                created_at=now,
                updated_at=now,
                birth_date=checked.birth_date,
                sex=checked.sex,
                consent_at=now,
                consent_version=self.consent_version,
                active=True,
                created_by=self.actor,
                **checked.values,
            )
            session.add(row)
            session.flush()
            replace_name_grams(session, row.seq, row.name)
            record = TraineeRecord.from_row(row)
            record_change(
                session,
                actor=self.actor,
                action="trainee.register",
                entity=outbox.TRAINEE,
                entity_uuid=row.uuid,
                version=1,
                before=None,
                after=record.to_json(),
                travels=self.travels,
                seal=lambda data: seal(session, row.uuid, data),
            )
        return record

    def update(self, uuid: str, data: TraineeInput, *, expected_version: int) -> TraineeRecord:
        """Edit a trainee. Consent given at registration stays; the ID number may be corrected."""
        self._require("clerk", "admin", action="修改学员信息")
        checked = self.check(replace(data, consent=True))
        if checked.errors:
            raise ValidationError(_labelled(checked.errors))
        with self.db.write() as session:
            row = self._row(session, uuid)
            if row.version != expected_version:
                raise ConflictError("该学员记录已被他人修改，请刷新后重新编辑。")
            other = session.scalar(
                select(Trainee).where(Trainee.id_number == checked.values["id_number"], Trainee.uuid != uuid)
            )
            if other is not None:
                raise DuplicateTraineeError(TraineeRecord.from_row(other))
            before = TraineeRecord.from_row(row)
            for key, value in checked.values.items():
                setattr(row, key, value)
            assert checked.birth_date is not None and checked.sex is not None  # a valid ID has both
            row.birth_date, row.sex = checked.birth_date, checked.sex
            return self._save(session, row, before, "trainee.update")

    def deactivate(self, uuid: str, reason: str) -> TraineeRecord:
        """No hard delete: the trainee is marked inactive, with a reason, and audited."""
        self._require("clerk", "admin", action="注销学员")
        reason = reason.strip()
        if not reason:
            raise ValidationError([FieldError(FIELD_LABELS["reason"], "请填写注销原因")])
        with self.db.write() as session:
            row = self._row(session, uuid)
            if not row.active:
                raise KnownError(f"学员 {row.name} 已经注销。")
            before = TraineeRecord.from_row(row)
            row.active = False
            row.deactivated_at = utc_now()
            row.deactivated_reason = reason
            return self._save(session, row, before, "trainee.deactivate", operation=outbox.DEACTIVATE)

    def reactivate(self, uuid: str) -> TraineeRecord:
        self._require("reviewer", "admin", action="恢复已注销的学员")
        with self.db.write() as session:
            row = self._row(session, uuid)
            if row.active:
                raise KnownError(f"学员 {row.name} 没有注销，不需要恢复。")
            before = TraineeRecord.from_row(row)
            row.active, row.deactivated_at, row.deactivated_reason = True, None, None
            return self._save(session, row, before, "trainee.reactivate")

    REVEALABLE = ("id_number", "phone", "bank_card")

    def reveal(self, uuid: str, *field_names: str) -> dict[str, str]:
        """Sensitive numbers in full, by field; one audit event names the fields shown."""
        self._require("reviewer", "admin", action="查看完整号码")
        if not field_names or any(f not in self.REVEALABLE for f in field_names):
            raise ValueError(field_names)
        with self.db.write() as session:
            row = self._row(session, uuid)
            audit(
                session,
                actor=self.actor,
                action="trainee.reveal",
                object_type="trainee",
                object_id=uuid,
                after={"fields": list(field_names)},
            )
            return {f: getattr(row, f) or "" for f in field_names}

    def _save(
        self,
        session: Session,
        row: Trainee,
        before: TraineeRecord,
        action: str,
        operation: str = outbox.UPSERT,
    ) -> TraineeRecord:
        row.version += 1
        row.updated_at = utc_now()
        session.flush()
        if row.name != before.name:
            replace_name_grams(session, row.seq, row.name)
        record = TraineeRecord.from_row(row)
        record_change(
            session,
            actor=self.actor,
            action=action,
            entity=outbox.TRAINEE,
            entity_uuid=row.uuid,
            version=row.version,
            before=before.to_json(),
            after=record.to_json(),
            operation=operation,
            travels=self.travels,
            seal=lambda data: seal(session, row.uuid, data),
        )
        return record

    @staticmethod
    def _row(session: Session, uuid: str, *, change: bool = True) -> Trainee:
        row = session.scalar(select(Trainee).where(Trainee.uuid == uuid))
        if row is None:
            raise NotFoundError(f"找不到学员记录 {uuid}。")
        if change and row.anonymised_at is not None:
            raise KnownError("该学员的信息已按保存期限匿名化，不能再修改、恢复或查看完整号码。")
        return row


def _labelled(errors: list[FieldError]) -> list[FieldError]:
    return [FieldError(FIELD_LABELS.get(e.field, e.field), e.message) for e in errors]
