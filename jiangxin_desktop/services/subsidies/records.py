"""A subsidy claim as the services show it: check rows, records, details, and the refusals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from jiangxin_desktop.domain.subsidy import PAYEE_PERSON, Line
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.store.subsidy_models import REVIEWED

# The display keys and their words (UI.md): 已提交 is a reviewed claim a sync batch carried.
SUBMITTED = "submitted"
STATUS_LABELS = {
    "draft": "草稿",
    "reviewed": "已审核",
    SUBMITTED: "已提交",
    "approved": "已核准",
    "returned": "已退回",
    "paid": "已发放",
    "withdrawn": "已撤回",
}
PAYEE_LABELS = {"person": "本人", "unit": "单位"}


def display_status(status: str, submitted_batch_id: str | None) -> str:
    """The key shown for a claim's raw status: reviewed and carried by a batch is 已提交."""
    return SUBMITTED if status == REVIEWED and submitted_batch_id else status


def lines_json(lines: tuple[Line, ...] | list[Line]) -> list[dict]:
    return [{"rule": x.rule, "text": x.text, "ok": x.ok, "blocks": x.blocks} for x in lines]


def lines_of(data: list[dict]) -> tuple[Line, ...]:
    return tuple(
        Line(d["rule"], d["text"], bool(d.get("ok", True)), bool(d.get("blocks", True))) for d in data
    )


class NotClaimable(KnownError):
    """The enrolment cannot be claimed (now): the message lists every blocking line."""

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.reasons = reasons or []


class ClaimConflict(KnownError):
    """What a claim rests on changed since it was written: the message names what changed."""

    def __init__(self, message: str, changes: list[str] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []


@dataclass(frozen=True)
class PayeeInput:
    """Who receives the money: the person (their social-security card account) or a unit."""

    kind: str = PAYEE_PERSON  # person | unit
    name: str = ""  # empty for a person: the trainee's name
    account: str = ""  # empty for a person: the trainee's bank card on file
    bank: str = ""
    uscc: str = ""  # unit only


@dataclass(frozen=True)
class CheckRow:
    """One enrolment of a class as the claim check sees it."""

    enrollment_uuid: str
    trainee_uuid: str
    trainee_name: str
    id_masked: str
    eligible: bool
    amount_fen: int
    standard_fen: int
    kind: str
    amount_lines: tuple[Line, ...]  # 为什么是这个金额
    gate_lines: tuple[Line, ...]  # 申请条件
    reasons: list[str]
    claim_number: str | None = None  # the enrolment's latest claim
    claim_status: str | None = None  # its display key

    def to_json(self) -> dict:
        return {
            "enrollment_uuid": self.enrollment_uuid,
            "trainee_uuid": self.trainee_uuid,
            "name": self.trainee_name,
            "id_masked": self.id_masked,
            "eligible": self.eligible,
            "amount_fen": self.amount_fen,
            "standard_fen": self.standard_fen,
            "kind": self.kind,
            "amount_lines": lines_json(self.amount_lines),
            "gate_lines": lines_json(self.gate_lines),
            "reasons": list(self.reasons),
            "claim_number": self.claim_number,
            "claim_status": self.claim_status,
        }


@dataclass(frozen=True)
class ClaimRecord:
    uuid: str
    number: str
    revision: int
    supersedes_number: str | None
    status: str  # raw
    display_status: str  # draft/reviewed/submitted/approved/returned/paid/withdrawn
    status_label: str
    class_code: str
    class_name: str
    trainee_uuid: str
    trainee_name: str
    id_masked: str
    occupation_name: str
    level_label: str
    certificate_number: str
    certificate_date: date | None
    kind: str
    standard_fen: int
    amount_fen: int
    decided_amount_fen: int | None
    decision_reason: str | None
    paid_on: date | None
    payee_kind: str
    payee_name: str
    payee_account_masked: str
    payee_bank: str
    payee_uscc: str
    created_by: str
    reviewed_by: str | None
    reviewed_at: str | None
    submitted: bool
    enrollment_uuid: str = ""
    version: int = 1
    note: str | None = None
    withdrawn_reason: str | None = None
    created_at: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        data["certificate_date"] = self.certificate_date.isoformat() if self.certificate_date else None
        data["paid_on"] = self.paid_on.isoformat() if self.paid_on else None
        return data


@dataclass(frozen=True)
class ClaimDetail:
    record: ClaimRecord
    amount_lines: tuple[Line, ...]
    gate_lines: tuple[Line, ...]
    inputs: dict  # the frozen inputs (inputs_json, parsed)
    inputs_hash: str
    catalog_version: str
    fee_fen: int
    government_fen: int
    employer_fen: int
    personal_fen: int
    conflicts: list[str] = field(default_factory=list)  # what changed since it was frozen
    decisions: list[dict] = field(default_factory=list)  # the city's decisions, as received
    payee_account: str | None = None  # the full account: reviewer and administrator only

    def to_json(self) -> dict:
        return {
            **self.record.to_json(),
            "amount_lines": lines_json(self.amount_lines),
            "gate_lines": lines_json(self.gate_lines),
            "inputs": self.inputs,
            "inputs_hash": self.inputs_hash,
            "catalog_version": self.catalog_version,
            "fee_fen": self.fee_fen,
            "government_fen": self.government_fen,
            "employer_fen": self.employer_fen,
            "personal_fen": self.personal_fen,
            "conflicts": list(self.conflicts),
            "decisions": list(self.decisions),
            "payee_account": self.payee_account,
        }


@dataclass
class CreateResult:
    created: list[ClaimRecord] = field(default_factory=list)
    skipped: list[tuple[str, list[str]]] = field(default_factory=list)  # (name, reasons)

    def to_json(self) -> dict:
        return {
            "created": [r.to_json() for r in self.created],
            "skipped": [{"name": name, "reasons": reasons} for name, reasons in self.skipped],
        }
