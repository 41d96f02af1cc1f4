"""Plain views of stored rows, handed to the CLI and the UI (no ORM objects leak out)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

from jiangxin_desktop.store.models import Trainee


@dataclass(frozen=True)
class TraineeRecord:
    uuid: str
    name: str
    id_number: str
    birth_date: date
    sex: str
    phone: str
    hukou: str | None
    ethnicity: str | None
    education: str | None
    target_group: str | None
    target_flags: tuple[str, ...]
    evidence_type: str | None
    evidence_number: str | None
    employment_status: str | None
    bank_card: str | None
    address: str | None
    employer: str | None
    employer_uscc: str | None
    employer_uscc_override: str | None
    note: str | None
    consent_at: str
    consent_version: str
    photo_consent: bool
    active: bool
    deactivated_at: str | None
    deactivated_reason: str | None
    station_code: str
    version: int
    created_at: str
    updated_at: str
    created_by: str

    @classmethod
    def from_row(cls, row: Trainee) -> TraineeRecord:
        return cls(
            uuid=row.uuid,
            name=row.name,
            id_number=row.id_number,
            birth_date=row.birth_date,
            sex=row.sex,
            phone=row.phone,
            hukou=row.hukou,
            ethnicity=row.ethnicity,
            education=row.education,
            target_group=row.target_group,
            target_flags=tuple(json.loads(row.target_flags or "[]")),
            evidence_type=row.evidence_type,
            evidence_number=row.evidence_number,
            employment_status=row.employment_status,
            bank_card=row.bank_card,
            address=row.address,
            employer=row.employer,
            employer_uscc=row.employer_uscc,
            employer_uscc_override=row.employer_uscc_override,
            note=row.note,
            consent_at=row.consent_at,
            consent_version=row.consent_version,
            photo_consent=bool(row.photo_consent),
            active=bool(row.active),
            deactivated_at=row.deactivated_at,
            deactivated_reason=row.deactivated_reason,
            station_code=row.station_code,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            created_by=row.created_by,
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat()
        data["target_flags"] = list(self.target_flags)
        return data
