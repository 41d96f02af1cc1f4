"""The stations' subsidy claims at the city, and the city's decisions on them (核准 / 退回 / 已发放).

A claim reaches the city as a ``subsidy_claim`` row of a batch (``city_row``). Its status *at
the city* is its latest decision (``claim_decision``), else 已提交 (``submitted``) when the
station's row says it was reviewed; drafts and claims the station withdrew are not the city's
business. The rules of a decision (``decide_claim``):

- 核准 (approve) only a submitted claim, for at most the amount claimed (the amount claimed by default);
- 退回 (return) with a reason, any time before it is paid; the station corrects a returned claim as a
  NEW claim (a new uuid and number), which arrives submitted again;
- 已发放 (pay) only an approved claim, with the date it was paid (not after today).

Decisions are numbered per station (1, 2, 3 …), so a station asks for those after the last it
holds (``city/downlink.py``). Every decision is in the city's audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.receiver import Receiver
from jiangxin_desktop.city.store import Store, wire_time
from jiangxin_desktop.protocol.decisions import APPROVED, PAID, RETURNED

SUBMITTED = "submitted"
CLAIM = "subsidy_claim"
STATUS_LABELS = {SUBMITTED: "已提交", APPROVED: "已核准", RETURNED: "已退回", PAID: "已发放"}
DECISION_LABELS = {APPROVED: "核准", RETURNED: "退回", PAID: "发放"}
# What a city user may type for a decision.
DECISION_WORDS = {"核准": APPROVED, "approve": APPROVED, "approved": APPROVED,
                  "退回": RETURNED, "return": RETURNED, "returned": RETURNED,
                  "发放": PAID, "已发放": PAID, "pay": PAID, "paid": PAID}
CHUNK = 500


@dataclass(frozen=True)
class CityClaim:
    """A claim as the city sees it."""

    uuid: str
    number: str
    station_code: str
    status: str  # submitted | approved | returned | paid
    status_label: str
    amount_fen: int  # claimed
    decided_amount_fen: int | None
    reason: str | None
    paid_on: str | None
    decided_at: str | None
    decided_by: str | None
    trainee_uuid: str
    trainee_name: str
    kind: str
    revision: int
    supersedes_uuid: str | None
    occupation_code: str
    occupation_name: str
    level: str
    received_at: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def city_status(data: dict[str, Any] | None, latest: Any) -> str | None:
    """The claim's status at the city: its latest decision, else submitted when the station reviewed it."""
    if latest is not None:
        return str(latest.decision)
    if data is not None and data.get("status") == "reviewed":
        return SUBMITTED
    return None


def rows_by_uuid(connection: Connection, entity: str, uuids: Iterable[str]) -> dict[str, Any]:
    r = schema.city_row
    wanted = sorted(set(uuids))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        for row in connection.execute(select(r.c.uuid, r.c.station_code, r.c.data, r.c.received_at)
                                      .where(r.c.entity == entity, r.c.uuid.in_(part))):
            found[row.uuid] = row
    return found


def latest_decisions(connection: Connection, *, station: str | None = None,
                     other_than: str | None = None) -> dict[str, Any]:
    """claim uuid → its latest decision row."""
    d = schema.claim_decision
    query = select(d).order_by(d.c.station_code, d.c.sequence)
    if station is not None:
        query = query.where(d.c.station_code == station)
    if other_than is not None:
        query = query.where(d.c.station_code != other_than)
    latest: dict[str, Any] = {}
    for row in connection.execute(query):
        latest[row.claim_uuid] = row
    return latest


def claim_rows(connection: Connection, *, station: str | None = None, other_than: str | None = None) -> list[Any]:
    r = schema.city_row
    query = select(r.c.uuid, r.c.station_code, r.c.data, r.c.received_at).where(r.c.entity == CLAIM)
    if station is not None:
        query = query.where(r.c.station_code == station)
    if other_than is not None:
        query = query.where(r.c.station_code != other_than)
    return [row for row in connection.execute(query) if row.data is not None]


def _claims(connection: Connection, station: str | None) -> list[CityClaim]:
    rows = claim_rows(connection, station=station)
    latest = latest_decisions(connection, station=station)
    trainees = rows_by_uuid(connection, "trainee", (row.data.get("trainee_uuid", "") for row in rows))
    certificates = rows_by_uuid(connection, "certificate", (row.data.get("certificate_uuid", "") for row in rows))
    approved = _approved_amounts(connection, station)
    found = []
    for row in rows:
        data, decision = row.data, latest.get(row.uuid)
        status = city_status(data, decision)
        if status is None:
            continue
        trainee = trainees.get(data.get("trainee_uuid"))
        certificate = certificates.get(data.get("certificate_uuid"))
        cert = certificate.data if certificate is not None and certificate.data else {}
        found.append(CityClaim(
            uuid=row.uuid, number=str(data.get("number")), station_code=row.station_code, status=status,
            status_label=STATUS_LABELS[status], amount_fen=int(data.get("amount_fen") or 0),
            decided_amount_fen=approved.get(row.uuid),
            reason=decision.reason if decision is not None and decision.decision == RETURNED else None,
            paid_on=decision.paid_on if decision is not None and decision.decision == PAID else None,
            decided_at=None if decision is None else decision.decided_at,
            decided_by=None if decision is None else decision.decided_by,
            trainee_uuid=str(data.get("trainee_uuid")),
            trainee_name=str((trainee.data or {}).get("name") or "") if trainee is not None else "",
            kind=str(data.get("kind") or ""), revision=int(data.get("revision") or 1),
            supersedes_uuid=data.get("supersedes_uuid"), occupation_code=str(cert.get("occupation_code") or ""),
            occupation_name=str(cert.get("occupation_name") or ""), level=str(cert.get("level") or ""),
            received_at=row.received_at))
    return sorted(found, key=lambda c: (c.station_code, c.number))


def _approved_amounts(connection: Connection, station: str | None) -> dict[str, int]:
    d = schema.claim_decision
    query = select(d.c.claim_uuid, d.c.amount_fen).where(d.c.decision == APPROVED).order_by(d.c.sequence)
    if station is not None:
        query = query.where(d.c.station_code == station)
    return {row.claim_uuid: int(row.amount_fen) for row in connection.execute(query)}


def list_claims(store: Store, station: str | None = None, status: str | None = None) -> list[CityClaim]:
    """The claims the city holds (of one station), by station and number; ``status`` filters."""
    if status is not None and status not in STATUS_LABELS:
        status = {label: key for key, label in STATUS_LABELS.items()}.get(status, status)
        if status not in STATUS_LABELS:
            raise CityError("bad_status", 400, f"unknown status {status!r}",
                            "状态应为 已提交、已核准、已退回 或 已发放（submitted / approved / returned / paid）。")
    with store.reading() as connection:
        claims = _claims(connection, station)
    return [c for c in claims if status is None or c.status == status]


def _find(connection: Connection, claim: str) -> Any:
    text = claim.strip()
    r = schema.city_row
    if len(text) == 36 and text.count("-") == 4:
        row = connection.execute(select(r.c.uuid, r.c.station_code, r.c.data, r.c.received_at)
                                 .where(r.c.entity == CLAIM, r.c.uuid == text.lower())).first()
        if row is not None:
            return row
    station = text.split("-BT")[0] if "-BT" in text else None
    for row in claim_rows(connection, station=station):
        if str(row.data.get("number")) == text:
            return row
    raise CityError("unknown_claim", 404, f"no claim {text[:60]!r}",
                    f"市里没有申请编号为“{text[:60]}”的补贴申请：请核对编号（服务站同步后才能看到）。")


def _paid_on(text: str | None, today: date) -> str:
    if not text or not text.strip():
        raise CityError("bad_decision", 400, "a payment needs its date",
                        "发放须填写发放日期（--paid-on 2026-12-20）。")
    try:
        day = date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise CityError("bad_decision", 400, f"paid_on {text[:20]!r} is no date",
                        f"发放日期“{text[:20]}”不是日期，应写成 2026-12-20。") from None
    if day > today:
        raise CityError("bad_decision", 400, "paid_on is in the future",
                        f"发放日期 {day.isoformat()} 晚于今天，不能登记为已发放。")
    return day.isoformat()


def decide_claim(receiver: Receiver, claim: str, decision: str, *, amount_fen: int | None = None,
                 reason: str | None = None, paid_on: str | None = None, by: str = "city") -> CityClaim:
    """Record the city's decision on ``claim`` (number or uuid); audited; the claim as it then stands."""
    kind = DECISION_WORDS.get(decision.strip().lower() if decision.isascii() else decision.strip())
    if kind is None:
        raise CityError("bad_decision", 400, f"unknown decision {decision[:20]!r}",
                        "决定应为 核准、退回 或 发放（approve / return / pay）。")
    reason = (reason or "").strip() or None
    now = receiver.clock()
    with receiver.store.transaction() as connection:
        row = _find(connection, claim)
        station, number = row.station_code, str(row.data.get("number"))
        s = schema.station
        connection.execute(select(s.c.code).where(s.c.code == station).with_for_update())
        latest = latest_decisions(connection, station=station).get(row.uuid)
        status = city_status(row.data, latest)
        claimed = int(row.data.get("amount_fen") or 0)
        amount = _check(kind, status, number, claimed, amount_fen, reason,
                        approved=_approved_amounts(connection, station).get(row.uuid))
        day = _paid_on(paid_on, now.date()) if kind == PAID else None
        d = schema.claim_decision
        sequence = (connection.execute(select(func.max(d.c.sequence)).where(d.c.station_code == station))
                    .scalar() or 0) + 1
        connection.execute(insert(d).values(
            station_code=station, sequence=sequence, claim_uuid=row.uuid, claim_number=number, decision=kind,
            amount_fen=amount, reason=reason if kind == RETURNED else None, paid_on=day,
            decided_at=wire_time(now), decided_by=(by or "city")[:100]))
        detail = f"{number} {DECISION_LABELS[kind]}" + (f" {amount} fen" if amount is not None else "") \
            + (f" ({reason})" if kind == RETURNED else "") + (f" on {day}" if day else "") + f" by {by}"
        receiver.store.audit(now, "claim.decided", detail, station_code=station, code=kind, connection=connection)
    [decided] = [c for c in list_claims(receiver.store, station) if c.uuid == row.uuid]
    return decided


def _check(kind: str, status: str | None, number: str, claimed: int, amount_fen: int | None,
           reason: str | None, *, approved: int | None) -> int | None:
    label = STATUS_LABELS.get(status or "", "草稿或已撤回")
    if status is None:
        raise CityError("claim_not_decidable", 409, f"claim {number} is not submitted",
                        f"补贴申请 {number} 在服务站尚未审核提交（或已撤回），市里不能作出决定。")
    if kind == APPROVED:
        if status != SUBMITTED:
            raise CityError("claim_not_decidable", 409, f"claim {number} is {status}, not submitted",
                            f"补贴申请 {number} 现为{label}，只有已提交的申请才能核准。")
        amount = claimed if amount_fen is None else amount_fen
        if not 0 < amount <= claimed:
            raise CityError("bad_amount", 400, f"amount {amount} not in (0, {claimed}]",
                            f"核准金额应大于 0 且不超过申请金额（{claimed // 100}.{claimed % 100:02d} 元）。")
        return amount
    if kind == RETURNED:
        if status not in (SUBMITTED, APPROVED):
            raise CityError("claim_not_decidable", 409, f"claim {number} is {status}",
                            f"补贴申请 {number} 现为{label}，不能退回（已发放的不能退回，已退回的不必再退）。")
        if not reason:
            raise CityError("bad_decision", 400, "a return needs its reason",
                            "退回须写明退回原因（--reason …），服务站据此改正后重新申请。")
        return None
    if status != APPROVED:
        raise CityError("claim_not_decidable", 409, f"claim {number} is {status}, not approved",
                        f"补贴申请 {number} 现为{label}，只有已核准的申请才能登记发放。")
    return approved
