"""A certificate as the services show it, and what an issue run did."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

STATUS_TEXT = {"valid": "有效", "revoked": "已撤销"}


@dataclass(frozen=True)
class CertificateRecord:
    uuid: str
    number: str
    station_code: str
    serial: int
    class_uuid: str
    class_code: str
    enrollment_uuid: str
    trainee_uuid: str
    trainee_name: str
    trainee_id_number: str
    certificate_type: str
    certificate_type_label: str
    occupation_code: str
    occupation_name: str
    level: str
    level_label: str
    issue_date: date
    status: str
    reissue_count: int
    reissued_on: date | None
    reissue_reason: str | None
    revoked_at: str | None
    revoked_by: str | None
    revoked_reason: str | None
    issued_by: str
    version: int
    created_at: str
    issuer_name: str | None = None  # evaluation body of a 职业技能等级证书; None: the institution
    issuer_filing_number: str | None = None

    @property
    def reissued(self) -> bool:
        return self.reissue_count > 0

    @property
    def status_label(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)

    def to_json(self) -> dict:
        data = asdict(self)
        data["issue_date"] = self.issue_date.isoformat()
        data["reissued_on"] = self.reissued_on.isoformat() if self.reissued_on else None
        data["reissued"] = self.reissued
        return data


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass
class IssueResult:
    issued: list[CertificateRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # passed nobody's test, already has one…
    note: str = ""  # e.g. 培训合格证书 instead of 职业技能等级证书: no evaluation body in the catalog
