"""Decisions back down to a station: the signed ``jiangxin.claim_decisions`` document.

``decisions_document(receiver, station, after)`` signs, for one station, its decisions numbered
after ``after`` and ``elsewhere``: for each trainee of this station, matched by ID number among
every station's trainee rows at the city, the counting claims (submitted / approved / paid) of
OTHER stations, named by this station's trainee uuid: the ID number never travels down.

``answer_request(receiver, body)`` is ``POST /v1/decisions``: the body is a compact JWS of a
``jiangxin.decisions_request`` signed by a registered key of the station it names (not a key
another has since replaced), made within ten minutes of the city's clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from jiangxin_desktop.city import schema
from jiangxin_desktop.city.claims import (
    city_status,
    claim_rows,
    latest_decisions,
    rows_by_uuid,
)
from jiangxin_desktop.city.errors import CityError
from jiangxin_desktop.city.receiver import Receiver, Signer, bad_request, envelope_refusal
from jiangxin_desktop.city.store import wire_time
from jiangxin_desktop.envelope import EnvelopeError, verify
from jiangxin_desktop.protocol import ProtocolError
from jiangxin_desktop.protocol.batch import CLAIM_DECISIONS, DECISIONS_REQUEST
from jiangxin_desktop.protocol.decisions import (
    ELSEWHERE_STATUSES,
    Decision,
    Elsewhere,
    decisions_document as build_document,
    read_decisions_request,
)

MAX_REQUEST = 16 * 1024
CLOCK_SKEW = timedelta(minutes=10)


def elsewhere_of(connection: Connection, station: str) -> list[Elsewhere]:
    """The counting claims of other stations for people who are also this station's trainees."""
    others = claim_rows(connection, other_than=station)
    latest = latest_decisions(connection, other_than=station)
    counting = [(row, status) for row in others
                if (status := city_status(row.data, latest.get(row.uuid))) in ELSEWHERE_STATUSES]
    if not counting:
        return []
    their_trainees = rows_by_uuid(connection, "trainee", (row.data.get("trainee_uuid", "") for row, _ in counting))
    wanted = {str(t.data.get("id_number")) for t in their_trainees.values() if t.data and t.data.get("id_number")}
    r = schema.city_row
    mine: dict[str, list[str]] = {}
    for row in connection.execute(select(r.c.uuid, r.c.data).where(r.c.entity == "trainee", r.c.station_code == station)):
        number = (row.data or {}).get("id_number")
        if number and number in wanted:
            mine.setdefault(str(number), []).append(row.uuid)
    if not mine:
        return []
    certificates = rows_by_uuid(connection, "certificate", (row.data.get("certificate_uuid", "") for row, _ in counting))
    found = []
    for row, status in counting:
        trainee = their_trainees.get(row.data.get("trainee_uuid"))
        number = (trainee.data or {}).get("id_number") if trainee is not None else None
        if not number or str(number) not in mine:
            continue
        certificate = certificates.get(row.data.get("certificate_uuid"))
        cert: dict[str, Any] = (certificate.data or {}) if certificate is not None else {}
        for trainee_uuid in mine[str(number)]:
            found.append(Elsewhere(
                trainee_uuid=trainee_uuid, claim_uuid=row.uuid, station_code=row.station_code,
                occupation_code=str(cert.get("occupation_code") or ""),
                occupation_name=str(cert.get("occupation_name") or ""), level=str(cert.get("level") or ""),
                status=status))
    return found


def decisions_document(receiver: Receiver, station: str, after: int = 0) -> str:
    """The signed decisions document of ``station`` (its decisions numbered above ``after``)."""
    d = schema.claim_decision
    with receiver.store.reading() as connection:
        rows = connection.execute(select(d).where(d.c.station_code == station, d.c.sequence > after)
                                  .order_by(d.c.sequence)).all()
        last = connection.execute(select(func.max(d.c.sequence)).where(d.c.station_code == station)).scalar() or 0
        elsewhere = elsewhere_of(connection, station)
    decisions = [Decision(
        sequence=row.sequence, claim_uuid=row.claim_uuid, claim_number=row.claim_number, decision=row.decision,
        amount_fen=None if row.amount_fen is None else int(row.amount_fen), reason=row.reason,
        paid_on=row.paid_on, decided_at=row.decided_at, decided_by=row.decided_by) for row in rows]
    document = build_document(station_code=station, issued_at=wire_time(receiver.clock()), after=after,
                              decisions=decisions, elsewhere=elsewhere, last=max(last, after))
    return receiver.sign(document, CLAIM_DECISIONS)


def answer_request(receiver: Receiver, body: bytes | str, remote: str | None = None) -> str:
    """``POST /v1/decisions``: the signed decisions document, or :class:`CityError` (audited)."""
    now = receiver.clock()
    signer = Signer()
    try:
        return _answer(receiver, body, signer, now)
    except CityError as exc:
        receiver.refused(now, exc, station_code=signer.station_code, remote=remote, what="decisions")
        raise


def _answer(receiver: Receiver, body: bytes | str, signer: Signer, now: Any) -> str:
    try:
        opened = verify(body, key_for_kid=receiver.station_key(signer), typ=DECISIONS_REQUEST)
    except EnvelopeError as exc:
        raise envelope_refusal(exc) from None
    try:
        request = read_decisions_request(opened.document)
    except ProtocolError as exc:
        raise bad_request("invalid_document", f"not a decisions request: {exc}",
                          "签名文件里不是补贴决定的查询（格式不对），已拒收。") from None
    if request.station_code != signer.station_code:
        raise CityError("wrong_station", 403,
                        f"request of station {request.station_code} signed by a key of {signer.station_code}",
                        f"查询自称来自服务站 {request.station_code}，却是用服务站 {signer.station_code} 的密钥签名的，已拒收。")
    k = schema.station_key
    with receiver.store.reading() as connection:
        replaced = connection.execute(select(k.c.replaced_at).where(k.c.kid == signer.kid)).scalar()
    if replaced is not None:
        raise CityError("key_replaced", 403, f"key {signer.kid} was replaced at {replaced}",
                        "这把签名密钥已被服务站的新密钥取代，不能再用来查询补贴决定。")
    try:
        at = datetime.fromisoformat(request.at.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request("invalid_document", "request time unreadable", "查询的时间格式不对，已拒收。") from None
    if abs(at - now) > CLOCK_SKEW:
        raise CityError("stale_request", 403, f"request made at {request.at}, city clock {wire_time(now)}",
                        "查询的时间与市里的时钟相差超过 10 分钟（可能是旧请求被重放，或本机时钟不准）："
                        "请校准电脑时间后再同步。")
    return decisions_document(receiver, request.station_code, request.after)
