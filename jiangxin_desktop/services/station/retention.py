"""The retention rule: anonymise trainees inactive for longer than the configured years.

PIPL asks that personal data be kept no longer than its purpose needs. An administrator
runs the rule (first as a preview); in one transaction it

- strips what identifies each due trainee from the trainee row: name, ID number (replaced
  by a unique placeholder), phone, card, address, employer, evidence number, note; the
  birth date keeps only its year, so statistics by sex, age band, category and education
  still add up;
- removes the person's name pieces from both search indexes and compacts them;
- deletes the person's data key, so the identifying fields sealed inside earlier audit
  events can no longer be read (services/security/sealing.py);
- writes one audit event per trainee and one for the run, without personal data;
- replaces the payee's name and account on the person's subsidy claims (（已匿名）, empty);
- writes an outbox entry with the operation "anonymise" for each trainee row, each
  enrolment whose evidence number it cleared and each claim (their versions go up by one), so that the
  city clears the same fields in its copy: an "upsert" would only carry the blanked row,
  and the city could not tell an erasure it must repeat from an ordinary edit. Demo data
  does not travel, as everywhere.

A trainee whose changes still wait in the outbox for the city is held back: the city must
receive the record before this station forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from jiangxin_desktop import protocol
from jiangxin_desktop.services.registry import replace_name_grams
from jiangxin_desktop.services.security import UserInfo, iso_utc, require_role
from jiangxin_desktop.services.security import shred
from jiangxin_desktop.services.station.setup import DEMO_KEY
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.fts import optimize_search_indexes
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.models import Enrollment, Meta, OutboxEntry, Trainee, TraineePhoto, TrainingClass
from jiangxin_desktop.store.subsidy_models import SubsidyClaim

ANONYMOUS_NAME = "（已匿名）"
# What the wire schemas mark as cleared on anonymisation (the one list of personal fields);
# name, ID number, phone and birth date are replaced instead (_strip).
_CLEARED = protocol.schema(protocol.TRAINEE).cleared_on_anonymisation
_ENROLMENT_CLEARED = protocol.schema(protocol.ENROLLMENT).cleared_on_anonymisation
# The payee's name and account on a claim identify the person: replaced (the schema says so).
_CLAIM_REPLACED = protocol.schema(protocol.SUBSIDY_CLAIM).replaced_on_anonymisation
assert set(_CLAIM_REPLACED) == {"payee_name", "payee_account"}, _CLAIM_REPLACED


@dataclass(frozen=True)
class RetentionPlan:
    years: int
    cutoff: str  # ISO 8601 UTC: trainees with no activity since then are due
    due: tuple[str, ...]  # UUIDs
    held_back: tuple[str, ...]  # due, but changes not yet uploaded to the city

    def to_json(self) -> dict:
        return {
            "years": self.years,
            "cutoff": self.cutoff,
            "due": len(self.due),
            "held_back": len(self.held_back),
        }


def cutoff_for(years: int, now: datetime) -> str:
    try:
        moment = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        moment = now.replace(year=now.year - years, day=28)
    return iso_utc(moment)


def plan(db: Database, years: int, now: datetime) -> RetentionPlan:
    """Who the rule would anonymise now.

    Last activity is the latest of: the trainee's last change, a change to one of their
    enrolments, the end of a class they were in.
    """
    cutoff = cutoff_for(years, now)
    recent_enrolment = (
        select(Enrollment.trainee_uuid)
        .join(TrainingClass, TrainingClass.uuid == Enrollment.class_uuid)
        .where((Enrollment.updated_at >= cutoff) | (TrainingClass.end_date >= cutoff[:10]))
    )
    pending = select(OutboxEntry.entity_uuid).where(OutboxEntry.entity == outbox.TRAINEE)
    pending_enrolment = select(Enrollment.trainee_uuid).where(
        Enrollment.uuid.in_(select(OutboxEntry.entity_uuid).where(OutboxEntry.entity == outbox.ENROLLMENT))
    )
    pending_claim = select(SubsidyClaim.trainee_uuid).where(
        SubsidyClaim.uuid.in_(select(OutboxEntry.entity_uuid).where(OutboxEntry.entity == outbox.SUBSIDY_CLAIM))
    )
    with db.read() as session:
        rows = session.execute(
            select(
                Trainee.uuid,
                Trainee.uuid.in_(pending) | Trainee.uuid.in_(pending_enrolment) | Trainee.uuid.in_(pending_claim),
            ).where(
                Trainee.anonymised_at.is_(None),
                Trainee.updated_at < cutoff,
                Trainee.uuid.not_in(recent_enrolment),
            )
        ).all()
    due = tuple(uuid for uuid, held in rows if not held)
    held_back = tuple(uuid for uuid, held in rows if held)
    return RetentionPlan(years, cutoff, due, held_back)


def anonymise_due(db: Database, user: UserInfo | None, years: int, now: datetime) -> RetentionPlan:
    """Apply the rule (administrator only). Returns the plan that was carried out."""
    require_role(user, "admin", action="执行保存期限规则（匿名化学员）")
    assert user is not None
    chosen = plan(db, years, now)
    stamp = iso_utc(now)
    with db.write() as session:
        demo = session.get(Meta, DEMO_KEY)
        travels = not (demo and demo.value == "1")  # as the composition root decides
        for start in range(0, len(chosen.due), 500):
            batch = chosen.due[start : start + 500]
            for row in session.scalars(select(Trainee).where(Trainee.uuid.in_(batch))):
                _strip(row, stamp)
                session.flush()
                replace_name_grams(session, row.seq, "")
                audit(
                    session,
                    actor=user.username,
                    action="trainee.anonymise",
                    object_type="trainee",
                    object_id=row.uuid,
                    after={"anonymised_at": stamp, "years": years},
                )
                if travels:
                    _enqueue(session, outbox.TRAINEE, row.uuid, row.version, stamp)
            # evidence numbers given at enrolment identify the person too
            for enrolment in session.scalars(
                select(Enrollment).where(
                    Enrollment.trainee_uuid.in_(batch),
                    or_(*(getattr(Enrollment, column).is_not(None) for column in _ENROLMENT_CLEARED)),
                )
            ):
                for column in _ENROLMENT_CLEARED:
                    setattr(enrolment, column, None)
                enrolment.version += 1
                enrolment.updated_at = stamp
                if travels:
                    _enqueue(session, outbox.ENROLLMENT, enrolment.uuid, enrolment.version, stamp)
            for claim in session.scalars(select(SubsidyClaim).where(SubsidyClaim.trainee_uuid.in_(batch))):
                claim.payee_name, claim.payee_account = ANONYMOUS_NAME, ""  # the payee's identity
                claim.version += 1
                claim.updated_at = stamp
                if travels:
                    _enqueue(session, outbox.SUBSIDY_CLAIM, claim.uuid, claim.version, stamp)
            session.execute(delete(TraineePhoto).where(TraineePhoto.trainee_uuid.in_(batch)))  # face photos
        shred(session, list(chosen.due))
        if chosen.due:  # merge the index segments so the removed name pieces are really gone
            optimize_search_indexes(session)
        audit(
            session,
            actor=user.username,
            action="retention.anonymise",
            object_type="retention",
            object_id=None,
            after={**chosen.to_json(), "trainees": len(chosen.due)},
        )
    db.checkpoint()  # the old pages leave the write-ahead log too
    return chosen


def _enqueue(session: Session, entity: str, uuid: str, version: int, stamp: str) -> None:
    outbox.enqueue(
        session, entity=entity, entity_uuid=uuid, version=version, operation=outbox.ANONYMISE, at=stamp
    )


def _strip(row: Trainee, stamp: str) -> None:
    row.name = ANONYMOUS_NAME
    row.id_number = f"X{row.seq:017d}"  # unique, and never a valid ID number
    row.phone = ""
    row.birth_date = date(row.birth_date.year, 1, 1)
    for column in _CLEARED:
        setattr(row, column, None)
    if row.active:
        row.active, row.deactivated_at = False, stamp
    row.anonymised_at = stamp
    row.version += 1
    row.updated_at = stamp
