"""The city's decisions on subsidy claims (city → station), and the station's request for them.

A **decisions document** (``jiangxin.claim_decisions``) lists, for one station, the city's
decisions numbered per station (``sequence`` 1, 2, 3 …) after the number ``after`` the station
already holds, up to ``last``, and ``elsewhere``: the subsidies the city knows of this station's
trainees at other stations (matched at the city by ID number, which never travels down; each
names this station's trainee uuid). The city signs it (JWS ``typ`` the same as ``type``).

A **decisions request** (``jiangxin.decisions_request``) is what a station signs with its own key
to ask for its decisions over HTTPS: ``{"type", "format", "station_code", "after", "at"}``.

Only the standard library, like the rest of ``protocol``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jiangxin_desktop.protocol.batch import (
    _STATION,
    _TIME,
    _UUID,
    CLAIM_DECISIONS,
    DECISIONS_REQUEST,
    FORMAT,
    DocumentError,
    _count,
    _field,
    _load,
    document_hash,
)
from jiangxin_desktop.protocol.canonical import canonical_json

APPROVED, RETURNED, PAID = "approved", "returned", "paid"
DECISION_KINDS = (APPROVED, RETURNED, PAID)
# What a claim elsewhere may be at the city: the statuses that count toward a person's limits.
ELSEWHERE_STATUSES = ("submitted", "approved", "paid")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECISION_KEYS = frozenset(("sequence", "claim_uuid", "claim_number", "decision", "amount_fen", "reason",
                            "paid_on", "decided_at", "decided_by"))
_ELSEWHERE_KEYS = frozenset(("trainee_uuid", "claim_uuid", "station_code", "occupation_code",
                             "occupation_name", "level", "status"))
_BAD = "市里发来的补贴决定格式不对，已拒收。"


class DecisionsError(DocumentError):
    def __init__(self, message: str, user_message: str = _BAD) -> None:
        super().__init__(message, user_message)


@dataclass(frozen=True)
class Decision:
    """One decision of the city on one claim."""

    sequence: int
    claim_uuid: str
    claim_number: str
    decision: str  # approved | returned | paid
    amount_fen: int | None  # approved (and paid): the approved amount
    reason: str | None  # returned: why (退回原因)
    paid_on: str | None  # paid: ISO date (发放日期)
    decided_at: str
    decided_by: str

    def to_json(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "claim_uuid": self.claim_uuid, "claim_number": self.claim_number,
                "decision": self.decision, "amount_fen": self.amount_fen, "reason": self.reason,
                "paid_on": self.paid_on, "decided_at": self.decided_at, "decided_by": self.decided_by}


@dataclass(frozen=True)
class Elsewhere:
    """A subsidy claim of one of this station's trainees at another station."""

    trainee_uuid: str  # THIS station's trainee
    claim_uuid: str
    station_code: str  # the other station
    occupation_code: str
    occupation_name: str
    level: str
    status: str  # submitted | approved | paid

    def to_json(self) -> dict[str, Any]:
        return {"trainee_uuid": self.trainee_uuid, "claim_uuid": self.claim_uuid,
                "station_code": self.station_code, "occupation_code": self.occupation_code,
                "occupation_name": self.occupation_name, "level": self.level, "status": self.status}


@dataclass(frozen=True)
class Decisions:
    station_code: str
    issued_at: str
    after: int
    last: int
    decisions: tuple[Decision, ...]
    elsewhere: tuple[Elsewhere, ...]
    hash: str = ""  # document_hash of the bytes it was read from


def decisions_document(*, station_code: str, issued_at: str, after: int, decisions: Iterable[Decision],
                       elsewhere: Iterable[Elsewhere], last: int | None = None) -> bytes:
    """The canonical bytes of a decisions document; ``last`` defaults to the highest sequence (or ``after``)."""
    rows = sorted(decisions, key=lambda d: d.sequence)
    if last is None:
        last = rows[-1].sequence if rows else after
    return canonical_json({
        "type": CLAIM_DECISIONS, "format": FORMAT, "station_code": station_code, "issued_at": issued_at,
        "after": after, "last": last, "decisions": [d.to_json() for d in rows],
        "elsewhere": [e.to_json() for e in sorted(elsewhere, key=lambda e: (e.trainee_uuid, e.claim_uuid))],
    })


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if type(value) is not str or not value.strip():
        raise DecisionsError(f"{where}: {name!r} is missing or empty")
    return value


def _decision(raw: object, index: int) -> Decision:
    where = f"decisions[{index}]"
    if not isinstance(raw, dict) or set(raw) != _DECISION_KEYS:
        raise DecisionsError(f"{where} is not a decision (fields differ)")
    kind = raw["decision"]
    if kind not in DECISION_KINDS:
        raise DecisionsError(f"{where}: unknown decision {str(kind)[:20]!r}")
    amount = _field(raw, "amount_fen", int, nullable=True)
    reason = _field(raw, "reason", str, nullable=True)
    paid_on = _field(raw, "paid_on", str, nullable=True)
    if amount is not None and amount < 0:
        raise DecisionsError(f"{where}: amount_fen is negative")
    if kind == APPROVED and amount is None:
        raise DecisionsError(f"{where}: an approval carries its amount")
    if kind == RETURNED and not (reason or "").strip():
        raise DecisionsError(f"{where}: a return carries its reason")
    if kind == PAID:
        if paid_on is None or not _DATE.fullmatch(paid_on):
            raise DecisionsError(f"{where}: a payment carries its date")
        try:
            date.fromisoformat(paid_on)
        except ValueError:
            raise DecisionsError(f"{where}: paid_on is no date") from None
    elif paid_on is not None:
        raise DecisionsError(f"{where}: only a payment carries paid_on")
    return Decision(
        sequence=_count(raw, "sequence", 1), claim_uuid=_field(raw, "claim_uuid", str, pattern=_UUID),
        claim_number=_text(raw, "claim_number", where), decision=kind, amount_fen=amount, reason=reason,
        paid_on=paid_on, decided_at=_field(raw, "decided_at", str, pattern=_TIME),
        decided_by=_text(raw, "decided_by", where))


def _elsewhere(raw: object, index: int, station: str) -> Elsewhere:
    where = f"elsewhere[{index}]"
    if not isinstance(raw, dict) or set(raw) != _ELSEWHERE_KEYS:
        raise DecisionsError(f"{where} is not a subsidy elsewhere (fields differ)")
    if raw["status"] not in ELSEWHERE_STATUSES:
        raise DecisionsError(f"{where}: status {str(raw['status'])[:20]!r} does not count")
    other = _field(raw, "station_code", str, pattern=_STATION)
    if other == station:
        raise DecisionsError(f"{where}: a claim of this very station is not elsewhere")
    return Elsewhere(
        trainee_uuid=_field(raw, "trainee_uuid", str, pattern=_UUID),
        claim_uuid=_field(raw, "claim_uuid", str, pattern=_UUID), station_code=other,
        occupation_code=_field(raw, "occupation_code", str), occupation_name=_field(raw, "occupation_name", str),
        level=_field(raw, "level", str), status=raw["status"])


def read_decisions(data: bytes) -> Decisions:
    """Check a decisions document completely; :class:`DecisionsError` (a ProtocolError) otherwise."""
    try:
        document = _load(data, CLAIM_DECISIONS)
    except DocumentError as exc:
        user = exc.user_message if "升级" in exc.user_message else _BAD
        raise DecisionsError(str(exc), user) from None
    try:
        station = _field(document, "station_code", str, pattern=_STATION)
        after, last = _count(document, "after", 0), _count(document, "last", 0)
        raw_decisions = _field(document, "decisions", list)
        raw_elsewhere = _field(document, "elsewhere", list)
        issued_at = _field(document, "issued_at", str, pattern=_TIME)
    except DecisionsError:
        raise
    except DocumentError as exc:
        raise DecisionsError(str(exc)) from None
    if set(document) != {"type", "format", "station_code", "issued_at", "after", "last", "decisions", "elsewhere"}:
        raise DecisionsError("unexpected fields in a decisions document")
    try:
        decisions = tuple(_decision(raw, index) for index, raw in enumerate(raw_decisions))
        elsewhere = tuple(_elsewhere(raw, index, station) for index, raw in enumerate(raw_elsewhere))
    except DecisionsError:
        raise
    except DocumentError as exc:
        raise DecisionsError(str(exc)) from None
    previous = after
    for decision in decisions:
        if decision.sequence <= previous:
            raise DecisionsError(f"decision {decision.sequence} is out of order (after {previous})")
        previous = decision.sequence
    if last < previous:
        raise DecisionsError(f"last {last} is below the decisions it carries ({previous})")
    if len({e.claim_uuid for e in elsewhere}) != len(elsewhere):
        raise DecisionsError("a claim elsewhere is listed twice")
    return Decisions(station, issued_at, after, last, decisions, elsewhere, document_hash(data))


# -- the station's request -----------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionsRequest:
    station_code: str
    after: int
    at: str

    def document(self) -> bytes:
        return canonical_json({"type": DECISIONS_REQUEST, "format": FORMAT, "station_code": self.station_code,
                               "after": self.after, "at": self.at})


def read_decisions_request(data: bytes) -> DecisionsRequest:
    document = _load(data, DECISIONS_REQUEST)
    if set(document) != {"type", "format", "station_code", "after", "at"}:
        raise DocumentError("unexpected fields in a decisions request")
    return DecisionsRequest(_field(document, "station_code", str, pattern=_STATION),
                            _count(document, "after", 0), _field(document, "at", str, pattern=_TIME))
