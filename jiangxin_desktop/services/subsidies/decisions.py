"""The city's decisions on this station's claims, applied as the signed downlink brings them.

``apply_decisions(db, acting, document)`` takes a decisions document already verified by the
sync service (``protocol.decisions.Decisions``) and, in one transaction:

- applies each decision in sequence order, once (``subsidy_decision.city_sequence`` is unique:
  a decision already recorded is skipped): 核准 → ``approved`` with ``decided_amount_fen``;
  退回 → ``returned`` with ``decision_reason``; 已发放 → ``paid`` with ``paid_on``; each with
  ``decided_at``/``decided_by``, version + 1, the outbox entry (the claim travels back up with
  the city's decision on it) and the audit event ``claim.decision``;
- records every decision (``subsidy_decision``) with ``applied`` = ``applied``, or ``conflict``
  (an approved amount above the amount claimed, a payment before an approval, a decision on a
  claim this station withdrew …) or ``unknown_claim``, with a Chinese note: never silently applied;
- replaces ``subsidy_elsewhere`` (the subsidies of this station's trainees at other stations,
  counted by the per-person limits) with the document's list;
- writes one audit event ``claim.decisions`` for the document (its ``issued_at`` is how the sync
  service tells a replayed older document).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.money import yuan_text
from jiangxin_desktop.protocol.decisions import Decision, Decisions
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit, utc_now
from jiangxin_desktop.store.models import AuditEvent
from jiangxin_desktop.store.subsidy_models import (
    APPROVED,
    PAID,
    RETURNED,
    REVIEWED,
    SubsidyClaim,
    SubsidyDecision,
    SubsidyElsewhere,
)

APPLIED, CONFLICT, UNKNOWN_CLAIM = "applied", "conflict", "unknown_claim"
DOCUMENT_ACTION = "claim.decisions"
_WORDS = {APPROVED: "核准", RETURNED: "退回", PAID: "已发放"}
_STATUS_WORDS = {"draft": "草稿", REVIEWED: "已审核", APPROVED: "已核准", RETURNED: "已退回", PAID: "已发放",
                 "withdrawn": "已撤回"}


@dataclass
class DecisionSummary:
    """What one decisions document did at this station."""

    applied: int = 0
    conflicts: int = 0
    unknown: int = 0
    already: int = 0  # decisions recorded before (the same document again, or a USB copy after HTTPS)
    last_sequence: int | None = None  # the highest city sequence now recorded
    elsewhere: int = 0  # subsidies elsewhere now on record
    notes: list[str] = field(default_factory=list)  # Chinese: what was not applied, and why

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def last_sequence(session: Session) -> int:
    return int(session.scalar(select(func.max(SubsidyDecision.city_sequence))) or 0)


def conflict_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SubsidyDecision)
                              .where(SubsidyDecision.applied != APPLIED)) or 0)


def last_document(session: Session) -> dict[str, Any] | None:
    """What the last decisions document applied here said of itself (issued_at, hash …)."""
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == DOCUMENT_ACTION)
                           .order_by(AuditEvent.seq.desc()).limit(1))
    return None if event is None else json.loads(event.after_json or "{}")


def _yuan(fen: int) -> str:
    return f"{yuan_text(fen)} 元"


def _problem(row: SubsidyClaim, decision: Decision) -> str | None:
    """Why ``decision`` cannot be applied to ``row`` as it stands (Chinese), or None."""
    shown = _STATUS_WORDS.get(row.status, row.status)
    word = _WORDS[decision.decision]
    if decision.decision == APPROVED:
        if row.status != REVIEWED:
            return f"市里核准了补贴申请 {row.number}，但它在本站是“{shown}”，只有已提交的申请才能核准。"
        if decision.amount_fen is None or decision.amount_fen > row.amount_fen:
            return (f"市里核准的金额 {_yuan(decision.amount_fen or 0)} 高于补贴申请 {row.number} 的申请金额 "
                    f"{_yuan(row.amount_fen)}，未采用：请与市里核对。")
        return None
    if decision.decision == RETURNED:
        if row.status not in (REVIEWED, APPROVED):
            return f"市里退回了补贴申请 {row.number}，但它在本站是“{shown}”，未采用：请与市里核对。"
        return None
    if row.status != APPROVED:
        return f"市里登记补贴申请 {row.number} {word}，但它在本站是“{shown}”（未经核准），未采用：请与市里核对。"
    if decision.amount_fen is not None and row.decided_amount_fen is not None \
            and decision.amount_fen != row.decided_amount_fen:
        return (f"市里登记发放的金额 {_yuan(decision.amount_fen)} 与核准金额 {_yuan(row.decided_amount_fen)} "
                f"不同（补贴申请 {row.number}），未采用：请与市里核对。")
    return None


def _apply(session: Session, acting: Any, row: SubsidyClaim, decision: Decision) -> None:
    before = {"status": row.status, "decided_amount_fen": row.decided_amount_fen,
              "decision_reason": row.decision_reason, "paid_on": row.paid_on}
    row.status = decision.decision
    if decision.decision == APPROVED:
        row.decided_amount_fen = decision.amount_fen
    elif decision.decision == RETURNED:
        row.decision_reason = decision.reason
    else:
        row.paid_on = date.fromisoformat(decision.paid_on or "")
        if decision.amount_fen is not None:
            row.decided_amount_fen = decision.amount_fen
    row.decided_at, row.decided_by = decision.decided_at, decision.decided_by
    row.version += 1
    row.updated_at = utc_now()
    session.flush()
    after = {"status": row.status, "decided_amount_fen": row.decided_amount_fen,
             "decision_reason": row.decision_reason, "paid_on": row.paid_on, "number": row.number,
             "city_sequence": decision.sequence, "decided_by": row.decided_by, "decided_at": row.decided_at}
    acting.record(session, action="claim.decision", entity=outbox.SUBSIDY_CLAIM, uuid=row.uuid,
                  version=row.version, before=before, after=after, subject=row.trainee_uuid)


def _record(session: Session, decision: Decision, applied: str, note: str | None, received_at: str) -> None:
    session.add(SubsidyDecision(
        city_sequence=decision.sequence, claim_uuid=decision.claim_uuid, decision=decision.decision,
        amount_fen=decision.amount_fen, reason=decision.reason,
        paid_on=date.fromisoformat(decision.paid_on) if decision.paid_on else None,
        decided_at=decision.decided_at, decided_by=decision.decided_by, received_at=received_at,
        applied=applied, note=note))


def apply_decisions(db: Database, acting: Any, document: Decisions, *, how: str = "https") -> DecisionSummary:
    """Apply a verified decisions document (see the module note); what it did."""
    summary = DecisionSummary()
    received_at = utc_now()
    with db.write() as session:
        known = set(session.scalars(select(SubsidyDecision.city_sequence).where(
            SubsidyDecision.city_sequence.in_([d.sequence for d in document.decisions]))))
        for decision in sorted(document.decisions, key=lambda d: d.sequence):
            if decision.sequence in known:
                summary.already += 1
                continue
            row = session.scalar(select(SubsidyClaim).where(SubsidyClaim.uuid == decision.claim_uuid))
            if row is None:
                note = f"市里对补贴申请 {decision.claim_number} 作出了决定，但本站没有这份申请，未采用：请与市里核对。"
                _record(session, decision, UNKNOWN_CLAIM, note, received_at)
                summary.unknown += 1
                summary.notes.append(note)
                continue
            problem = _problem(row, decision)
            if problem is not None:
                _record(session, decision, CONFLICT, problem, received_at)
                summary.conflicts += 1
                summary.notes.append(problem)
                continue
            _apply(session, acting, row, decision)
            _record(session, decision, APPLIED, None, received_at)
            summary.applied += 1
        session.flush()
        session.execute(delete(SubsidyElsewhere))
        for item in document.elsewhere:
            session.add(SubsidyElsewhere(
                claim_uuid=item.claim_uuid, trainee_uuid=item.trainee_uuid, station_code=item.station_code,
                occupation_code=item.occupation_code, occupation_name=item.occupation_name, level=item.level,
                status=item.status, received_at=received_at))
        summary.elsewhere = len(document.elsewhere)
        summary.last_sequence = last_sequence(session) or None
        audit(session, actor=acting.actor, action=DOCUMENT_ACTION, object_type="subsidy_decision", object_id=None,
              after={"issued_at": document.issued_at, "hash": document.hash, "after": document.after,
                     "last": document.last, "how": how, "applied": summary.applied,
                     "conflicts": summary.conflicts, "unknown": summary.unknown, "elsewhere": summary.elsewhere})
    return summary
