"""What the 统计 page, the exports and ``stats summary`` show: the figures of a period, as values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int

    def to_json(self) -> dict:
        return {"key": self.key, "label": self.label, "count": self.count}


@dataclass(frozen=True)
class Money:
    count: int
    amount_fen: int

    def to_json(self) -> dict:
        return {"count": self.count, "amount_fen": self.amount_fen}


@dataclass(frozen=True)
class TargetRow:
    key: str
    label: str
    target: int | None  # the city's target (whole city, whole plan); None: the catalog sets none
    value: int | None  # this station in the period; None: not a station's record
    share: float | None  # value / target

    def to_json(self) -> dict:
        return {"key": self.key, "label": self.label, "target": self.target, "value": self.value,
                "share": self.share}


@dataclass(frozen=True)
class Summary:
    start: date
    end: date
    station: str
    definition: str  # Counting.describe(): the one person-time definition, in words
    person_times: int
    by_group: tuple[Count, ...]
    by_area: tuple[Count, ...]
    certificates: int
    certificates_by_kind: tuple[Count, ...]
    employed: int
    followed_up: int
    employment_target: float
    claimed: Money
    approved: Money
    paid: Money
    targets: tuple[TargetRow, ...]

    @property
    def employment_rate(self) -> float | None:
        return self.employed / self.followed_up if self.followed_up else None

    def to_json(self) -> dict:
        return {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "station": self.station,
            "definition": self.definition,
            "person_times": {"total": self.person_times, "by_group": [c.to_json() for c in self.by_group],
                             "by_area": [c.to_json() for c in self.by_area]},
            "certificates": {"total": self.certificates, "by_kind": [c.to_json() for c in self.certificates_by_kind]},
            "employment_rate": {"rate": self.employment_rate, "employed": self.employed,
                                "followed_up": self.followed_up, "target": self.employment_target},
            "subsidies": {"claimed": self.claimed.to_json(), "approved": self.approved.to_json(),
                          "paid": self.paid.to_json()},
            "targets": [t.to_json() for t in self.targets],
            "employment_target": self.employment_target,
        }


@dataclass(frozen=True)
class PersonRow:
    """One person behind a figure (the ID masked: these lists are shown and exported)."""

    trainee_uuid: str
    name: str
    id_masked: str
    class_code: str
    class_name: str
    detail: str

    def to_json(self) -> dict:
        return {"trainee_uuid": self.trainee_uuid, "name": self.name, "id_masked": self.id_masked,
                "class_code": self.class_code, "class_name": self.class_name, "detail": self.detail}


FIGURES = {
    "person_times": "补贴性培训人次",
    "certificates": "证书",
    "employment": "培训后就业创业",
    "subsidies": "补贴",
    "targets": "计划目标",
}
SUBSIDY_STAGES = {"claimed": "已申请", "approved": "已核准", "paid": "已发放"}
