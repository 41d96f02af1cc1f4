"""Trainee, certificate and subsidy-claim rows as a station sends them (wire form), for the city's tests."""

from __future__ import annotations

import uuid
from datetime import date

from jiangxin_desktop.protocol import to_wire
from jiangxin_desktop.protocol.batch import Record

AT = "2026-12-01T00:30:00.000Z"


def _common(station: str, row_uuid: str, version: int) -> dict:
    return {"seq": 1, "uuid": row_uuid, "station_code": station, "version": version,
            "created_at": AT, "updated_at": AT}


def trainee(station: str, id_number: str, *, name: str = "钱小满", row_uuid: str | None = None) -> Record:
    row_uuid = row_uuid or str(uuid.uuid4())
    row = {**_common(station, row_uuid, 1), "name": name, "id_number": id_number,
           "birth_date": date(1990, 1, 1), "sex": "男", "phone": "13800000000", "hukou": None,
           "ethnicity": None, "education": None, "target_group": "31", "target_flags": "[]",
           "evidence_type": None, "evidence_number": None, "employment_status": None, "bank_card": None,
           "address": None, "employer": None, "employer_uscc": None, "employer_uscc_override": None,
           "note": None, "consent_at": AT, "consent_version": "1", "photo_consent": False, "active": True,
           "deactivated_at": None, "deactivated_reason": None, "created_by": "clerk", "anonymised_at": None}
    return Record("trainee", row_uuid, 1, "upsert", to_wire("trainee", row))


def certificate(station: str, trainee_uuid: str, *, occupation: str = "4-03-02-01", name: str = "中式烹调师",
                level: str = "五级") -> Record:
    row_uuid = str(uuid.uuid4())
    row = {**_common(station, row_uuid, 1), "number": f"{station}-Z-{row_uuid[:6]}", "year": 2026, "serial": 1,
           "class_uuid": str(uuid.uuid4()), "enrollment_uuid": str(uuid.uuid4()), "trainee_uuid": trainee_uuid,
           "certificate_type": "skill_level", "occupation_code": occupation, "occupation_name": name,
           "level": level, "issue_date": date(2026, 11, 30), "status": "valid", "reissue_count": 0,
           "reissued_on": None, "reissue_reason": None, "revoked_at": None, "revoked_by": None,
           "revoked_reason": None, "issued_by": "clerk", "issuer_name": None, "issuer_filing_number": None}
    return Record("certificate", row_uuid, 1, "upsert", to_wire("certificate", row))


def claim(station: str, trainee_uuid: str, certificate_uuid: str, *, status: str = "reviewed", serial: int = 1,
          amount_fen: int = 120000, version: int = 1, row_uuid: str | None = None) -> Record:
    row_uuid = row_uuid or str(uuid.uuid4())
    row = {**_common(station, row_uuid, version), "number": f"{station}-BT2026-{serial:05d}", "year": 2026,
           "serial": serial, "revision": 1, "supersedes_uuid": None, "enrollment_uuid": str(uuid.uuid4()),
           "trainee_uuid": trainee_uuid, "class_uuid": str(uuid.uuid4()), "certificate_uuid": certificate_uuid,
           "status": status, "kind": "skill_level", "standard_fen": amount_fen, "amount_fen": amount_fen,
           "fee_fen": amount_fen, "government_fen": amount_fen, "employer_fen": 0, "personal_fen": 0,
           "payee_kind": "person", "payee_name": "钱小满", "payee_account": "6217000000000000000",
           "payee_bank": None, "payee_uscc": None, "catalog_version": "2026.1", "inputs_json": "{}",
           "inputs_hash": "sha256:" + "0" * 64, "explanation_json": "[]", "note": None, "created_by": "clerk",
           "reviewed_by": "reviewer" if status != "draft" else None,
           "reviewed_at": AT if status != "draft" else None, "withdrawn_reason": None,
           "decided_amount_fen": None, "decision_reason": None, "decided_at": None, "decided_by": None,
           "paid_on": None}
    return Record("subsidy_claim", row_uuid, version, "upsert", to_wire("subsidy_claim", row))


def person_with_claim(station: str, id_number: str, **claim_args) -> list[Record]:
    """A trainee, its certificate and its claim: parents first."""
    person = trainee(station, id_number)
    cert = certificate(station, person.uuid)
    return [person, cert, claim(station, person.uuid, cert.uuid, **claim_args)]
