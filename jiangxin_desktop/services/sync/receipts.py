"""The city's signed answers, whichever way they came (HTTPS or a USB folder): a receipt for a
batch makes it 已确认 or 失败; nothing else does.

A receipt counts only when its JWS verifies with the city's signing key of the enrolment, its
type is ``jiangxin.receipt``, and it names this batch's id, sequence and document hash.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop import envelope
from jiangxin_desktop.protocol.batch import ACCEPTED, RECEIPT, DocumentError, read_receipt
from jiangxin_desktop.services.sync.enrolment import City
from jiangxin_desktop.services.sync.model import SyncError
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.sync_models import CONFIRMED, REJECTED, SyncBatch, SyncReceipt


def apply_receipt(session: Session, batch: SyncBatch, token: str, city: City, *,
                  now_iso: str, actor: str, how: str) -> str:
    """Check ``token`` and record it; the batch's new status (confirmed or rejected).

    A receipt that does not verify or names another batch is refused: SyncError, whose ``detail``
    is the reason's code; the caller audits it (:func:`refused`) once this transaction is undone.
    A batch that already has its receipt keeps it.
    """
    if batch.status in (CONFIRMED, REJECTED) and session.scalar(
        select(SyncReceipt.seq).where(SyncReceipt.batch_id == batch.batch_id)
    ) is not None:
        return batch.status
    label = f"第 {batch.sequence} 批"
    try:
        opened = envelope.verify(token, key_for_kid=city.key_for_kid, typ=RECEIPT)
        receipt = read_receipt(opened.document)
    except envelope.EnvelopeError as exc:
        raise SyncError(f"{label}的回执未通过验证，未采用：{exc.user_message}", detail=exc.code) from None
    except DocumentError as exc:
        raise SyncError(f"{label}的回执内容不对，未采用：{exc.user_message}", detail="invalid_document") from None
    mismatch = [name for name, theirs, mine in (
        ("batch_id", receipt.batch_id, batch.batch_id),
        ("batch_hash", receipt.batch_hash, batch.document_hash),
        ("sequence", receipt.sequence, batch.sequence),
        ("station_code", receipt.station_code, batch.station_code),
    ) if theirs != mine]
    if mismatch:
        raise SyncError(f"{label}的回执说的不是这一批（{'、'.join(mismatch)} 不符），未采用。请联系市里。",
                        detail="wrong_batch:" + ",".join(mismatch))
    session.add(SyncReceipt(
        batch_id=batch.batch_id, status=receipt.status, received_at=receipt.received_at,
        accepted=receipt.accepted, duplicates=receipt.duplicates, error_code=receipt.error_code,
        error_message=receipt.error_message, signed=token.strip(), key_id=opened.kid, stored_at=now_iso,
    ))
    batch.sent_at = batch.sent_at or now_iso
    batch.next_attempt_at = None
    if receipt.status == ACCEPTED:
        batch.status, batch.confirmed_at, batch.last_error = CONFIRMED, now_iso, None
        action = "sync.confirmed"
    else:
        batch.status = REJECTED
        batch.last_error = f"市里拒收：{receipt.error_message or receipt.error_code}"
        action = "sync.rejected"
    audit(session, actor=actor, action=action, object_type="sync_batch", object_id=batch.batch_id,
          after={"sequence": batch.sequence, "how": how, "accepted": receipt.accepted,
                 "duplicates": receipt.duplicates, "error_code": receipt.error_code,
                 "error_message": receipt.error_message, "received_at": receipt.received_at})
    return batch.status


def refused(session: Session, batch: SyncBatch, actor: str, how: str, code: str) -> None:
    """The audit event of a receipt that was not believed."""
    audit(session, actor=actor, action="sync.receipt_refused", object_type="sync_batch",
          object_id=batch.batch_id, after={"sequence": batch.sequence, "how": how, "code": code})
