"""The city's decisions on this station's subsidy claims: asked for, checked, then applied by
``services/subsidies/decisions.py``.

Over HTTPS (``sync now``, after the upload and the catalog): ``POST /v1/decisions`` with a
``jiangxin.decisions_request`` signed by the station's key, naming the highest city sequence
recorded here (``after``) and the time. On a USB stick: ``<station>/decisions.jws``. Either way
the answer is a JWS of ``typ`` ``jiangxin.claim_decisions`` that must verify with the city's
signing key of the enrolment, name this station, and be no older than the last one applied
(a replayed older document is refused; the very same one again is passed over quietly). Every
refusal is audited (``sync.decisions_refused``) and told in Chinese.
"""

from __future__ import annotations

from typing import Any

from jiangxin_desktop import envelope
from jiangxin_desktop.protocol import ProtocolError
from jiangxin_desktop.protocol.batch import CLAIM_DECISIONS, DECISIONS_REQUEST
from jiangxin_desktop.protocol.decisions import Decisions, DecisionsRequest, read_decisions
from jiangxin_desktop.services.security import StationSigner
from jiangxin_desktop.services.subsidies import DecisionSummary, apply_decisions, last_document, last_sequence
from jiangxin_desktop.services.sync.enrolment import City
from jiangxin_desktop.services.sync.model import SyncError
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit

WHAT = "市里发来的补贴决定"


def after(db: Database) -> int:
    with db.read() as session:
        return last_sequence(session)


def request(db: Database, *, station_code: str, at_iso: str) -> str:
    """The signed request for the decisions after the highest one recorded here."""
    signer = StationSigner.load(db)
    document = DecisionsRequest(station_code, after(db), at_iso).document()
    return envelope.sign(document, signer=signer.private_key, kid=signer.key_id, typ=DECISIONS_REQUEST)


def read_signed(token: str, city: City, station_code: str) -> Decisions:
    try:
        opened = envelope.verify(token.strip(), key_for_kid=city.key_for_kid, typ=CLAIM_DECISIONS)
    except envelope.EnvelopeError as exc:
        raise SyncError(f"{WHAT}未通过验证，未采用：{exc.user_message}", detail=exc.code) from None
    try:
        document = read_decisions(opened.document)
    except ProtocolError as exc:
        raise SyncError(f"{WHAT}内容不对，未采用：{exc.user_message}", detail="invalid_document") from None
    if document.station_code != station_code:
        raise SyncError(f"{WHAT}是给服务站 {document.station_code} 的，不是本站（{station_code}）的，未采用。",
                        detail="wrong_station")
    return document


def accept(db: Database, acting: Any, token: str, city: City, *, how: str,
           quiet_if_same: bool = False) -> DecisionSummary | None:
    """Verify and apply; None when ``quiet_if_same`` and it is the document applied last."""
    try:
        document = read_signed(token, city, acting.station_code)
    except SyncError as exc:
        refused(db, acting.actor, how, exc.detail or "invalid")
        raise
    with db.read() as session:
        last = last_document(session)
    if last is not None and last.get("hash") == document.hash and last.get("issued_at") == document.issued_at:
        if quiet_if_same:
            return None
    elif last is not None and str(last.get("issued_at") or "") > document.issued_at:
        refused(db, acting.actor, how, "replayed")
        raise SyncError(f"{WHAT}（{document.issued_at[:19].replace('T', ' ')} UTC 签发）比本站已采用的"
                        f"更旧，未采用（可能是旧文件被重放）。请重新同步，或请市里重新导出。")
    return apply_decisions(db, acting, document, how=how)


def refused(db: Database, actor: str, how: str, code: str) -> None:
    with db.write() as session:
        audit(session, actor=actor, action="sync.decisions_refused", object_type="subsidy_decision",
              object_id=None, after={"code": code, "how": how})
