"""Follow-ups and services to the unemployed as the service shows them, and the code lookups
(a code, its label or an alias) their inputs share with the bulk import and the command line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.errors import FieldError

OUTCOME, CONTRACT, WAGE, SERVICE = "followup_outcome", "contract_type", "wage_band", "unemployed_service"
ANY_ROLE = ("clerk", "reviewer", "admin")
UNEMPLOYED_GROUP = "失业人员"  # the code list's ``group`` of the people the 1131 services are for


def find_code(codes: CodeCatalog, list_name: str, value: str | None) -> str | None:
    """The code for ``value`` given as a code, a label or an alias (spaces trimmed); None if unknown."""
    text = (value or "").strip()
    if not text:
        return None
    entries = codes[list_name]
    entry = entries.get(text) or entries.by_label(text)
    if entry is None:  # codes written with other case (LABOUR) or labels with inner spaces
        squeezed = "".join(text.split()).lower()
        entry = next((c for c in entries if c.code.lower() == squeezed
                      or "".join(c.label.split()) == squeezed), None)
    return entry.code if entry else None


def code_error(codes: CodeCatalog, list_name: str, label: str, value: str) -> FieldError:
    choices = "、".join(c.label for c in codes[list_name])
    return FieldError(label, f"“{value.strip()}”不是可选的{label}，应为 {choices} 之一")


def date_or_none(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class DueRow:
    """One follow-up falling due (待回访) or overdue (逾期), not yet recorded."""

    enrollment_uuid: str
    trainee_uuid: str
    trainee_name: str
    phone: str  # in full: the clerk calls the person
    id_masked: str
    class_code: str
    class_name: str
    class_end: date
    period_months: int
    due_on: date
    overdue: bool  # more than ``overdue_after_days`` past due
    days_overdue: int  # days past ``due_on`` (0 while not yet due)
    last_outcome: str | None  # the earlier period's outcome label, if recorded

    def to_json(self) -> dict:
        data = asdict(self)
        data["class_end"], data["due_on"] = self.class_end.isoformat(), self.due_on.isoformat()
        return data


@dataclass(frozen=True)
class FollowupInput:
    outcome: str  # code, label or alias of followup_outcome
    contacted_on: date
    employer_name: str | None = None
    employer_uscc: str | None = None
    contract_type: str | None = None  # code, label or alias of contract_type
    wage_band: str | None = None  # code, label or alias of wage_band
    note: str | None = None


@dataclass(frozen=True)
class FollowupRecord:
    uuid: str
    enrollment_uuid: str
    trainee_uuid: str
    trainee_name: str
    id_masked: str
    class_code: str
    class_name: str
    period_months: int
    due_on: date
    outcome: str
    outcome_label: str
    employed: bool  # the outcome counts as employed (受雇就业, 自主创业, 灵活就业)
    employer_name: str | None
    employer_uscc: str | None
    contract_type: str | None
    contract_label: str | None
    wage_band: str | None
    wage_label: str | None
    contacted_on: date
    note: str | None
    recorded_by: str
    version: int
    updated_at: str

    def to_json(self) -> dict:
        data = asdict(self)
        data["due_on"], data["contacted_on"] = self.due_on.isoformat(), self.contacted_on.isoformat()
        return data


@dataclass(frozen=True)
class ServiceInput:
    kind: str  # code, label or alias of unemployed_service
    on_date: date
    details: str | None = None
    employer_name: str | None = None  # a referral's employer


@dataclass(frozen=True)
class ServiceRecord:
    uuid: str
    trainee_uuid: str
    trainee_name: str
    kind: str
    kind_label: str
    on_date: date
    details: str | None
    employer_name: str | None
    recorded_by: str
    version: int

    def to_json(self) -> dict:
        data = asdict(self)
        data["on_date"] = self.on_date.isoformat()
        return data


@dataclass(frozen=True)
class ServiceSummary:
    """One person's services (1131) and what is still owed."""

    events: list[ServiceRecord] = field(default_factory=list)
    owed: dict[str, int] = field(default_factory=dict)  # kind → how many still missing
    owed_words: str = ""

    def to_json(self) -> dict:
        return {"events": [e.to_json() for e in self.events], "owed": dict(self.owed),
                "owed_words": self.owed_words}


@dataclass(frozen=True)
class OwedRow:
    """An unemployed person still owed services."""

    trainee_uuid: str
    name: str
    id_masked: str
    phone: str
    owed: dict[str, int]
    owed_words: str

    def to_json(self) -> dict:
        return asdict(self)


def owed_of(codes: CodeCatalog, done: dict[str, int]) -> tuple[dict[str, int], str]:
    """What is still owed given how many of each kind were given, and that in words."""
    owed: dict[str, int] = {}
    for entry in codes[SERVICE]:
        missing = int(entry.extra.get("required", 1)) - done.get(entry.code, 0)
        if missing > 0:
            owed[entry.code] = missing
    if not owed:
        return owed, "1131 服务已完成"
    labels = codes[SERVICE]
    return owed, "还差：" + "、".join(f"{labels.label(k)} {n} 次" for k, n in owed.items())
