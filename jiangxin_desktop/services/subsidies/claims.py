"""补贴申请: checked, created with its inputs frozen, reviewed, sent back, withdrawn, corrected.

A claim is created (clerk, reviewer or administrator) only when every gate passes and the
payee checks out; what it rests on — the facts of the enrolment, the standard, the catalog
version and rules — is frozen into ``inputs_json`` with its hash, and the lines explaining
it into ``explanation_json``. At review (reviewer or administrator) the facts are gathered
anew: a different hash is a :class:`ClaimConflict` naming what changed, and the claim stays
a draft. Once reviewed, the claim lock (store/claim_lock.py) keeps attendance, scores and
the certificate from changing. A claim the city returned is corrected as a new claim (a new
number, ``revision`` + 1, ``supersedes_uuid``), the returned one kept as it was.

Every write is audited (the payee's name and account sealed under the trainee's key) and,
at a real station, followed by its outbox entry in the same transaction.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.masking import mask_card, mask_id
from jiangxin_desktop.domain.subsidy import PAYEE_PERSON, Line, Payee, Verdict, check_payee, judge_claim
from jiangxin_desktop.errors import FieldError, KnownError, NotFoundError, ValidationError
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.subsidies.facts import (
    FactSource,
    Gathered,
    canonical,
    changes,
    digest,
    inputs_of,
)
from jiangxin_desktop.services.subsidies.records import (
    STATUS_LABELS,
    SUBMITTED,
    CheckRow,
    ClaimConflict,
    ClaimDetail,
    ClaimRecord,
    CreateResult,
    NotClaimable,
    PayeeInput,
    display_status,
    lines_json,
    lines_of,
)
from jiangxin_desktop.services.training import AttendanceService
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.ids import uuid7
from jiangxin_desktop.store.journal import utc_now
from jiangxin_desktop.store.models import Certificate, Trainee, TrainingClass
from jiangxin_desktop.store.subsidy_models import (
    APPROVED,
    DRAFT,
    PAID,
    RETURNED,
    REVIEWED,
    WITHDRAWN,
    SubsidyClaim,
    SubsidyDecision,
)

# A claim in one of these states stands: the enrolment may not have a second.
OPEN_STATUSES = (DRAFT, REVIEWED, APPROVED, PAID)
ANY_ROLE = ("clerk", "reviewer", "admin")
FULL_ACCOUNT_ROLES = ("reviewer", "admin")
MAX_SERIAL = 99_999


class SubsidyService:
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService, codes: CodeCatalog,
                 attendance: AttendanceService) -> None:
        self.db = db
        self.acting = acting
        self.codes = codes
        self.facts = FactSource(db, catalogs, codes, attendance)

    # --- queries --------------------------------------------------------------------
    def check(self, class_code: str) -> builtins.list[CheckRow]:
        """Every enrolment of the class (withdrawn ones too): can it be claimed, how much, why."""
        self.acting.require(*ANY_ROLE, action="查看补贴申请条件")
        gathered = self.facts.for_class(class_code)
        latest = self._latest([g.enrollment_uuid for g in gathered])
        today = self.acting.today()
        return [self._row(g, judge_claim(g.facts, g.rules, today), latest.get(g.enrollment_uuid))
                for g in gathered]

    def explain(self, enrollment_uuid: str) -> CheckRow:
        self.acting.require(*ANY_ROLE, action="查看补贴申请条件")
        g = self.facts.for_enrollment(enrollment_uuid)
        latest = self._latest([g.enrollment_uuid]).get(g.enrollment_uuid)
        return self._row(g, judge_claim(g.facts, g.rules, self.acting.today()), latest)

    def list(self, class_code: str | None = None, status: str | None = None) -> builtins.list[ClaimRecord]:
        """Claims, newest first; ``status`` is a display key (``submitted`` is 已提交)."""
        self.acting.require(*ANY_ROLE, action="查看补贴申请")
        if status is not None and status not in STATUS_LABELS:
            raise ValidationError([FieldError("状态", f"应为 {'、'.join(STATUS_LABELS)} 之一")])
        with self.db.read() as s:
            query = select(SubsidyClaim).order_by(SubsidyClaim.year.desc(), SubsidyClaim.serial.desc())
            if class_code:
                query = query.where(SubsidyClaim.class_uuid == FactSource._class(s, class_code).uuid)
            rows = [r for r in s.scalars(query)
                    if status is None or display_status(r.status, r.submitted_batch_id) == status]
            return [self._record(s, r) for r in rows]

    def show(self, number: str) -> ClaimDetail:
        """The claim, its lines, its frozen inputs, what changed since, and the city's decisions."""
        user = self.acting.require(*ANY_ROLE, action="查看补贴申请")
        with self.db.read() as s:
            row = self._claim(s, number)
            record = self._record(s, row)
            decisions = [
                {"sequence": d.city_sequence, "decision": d.decision, "amount_fen": d.amount_fen,
                 "reason": d.reason, "paid_on": d.paid_on.isoformat() if d.paid_on else None,
                 "decided_at": d.decided_at, "decided_by": d.decided_by, "applied": d.applied, "note": d.note}
                for d in s.scalars(select(SubsidyDecision).where(SubsidyDecision.claim_uuid == row.uuid)
                                   .order_by(SubsidyDecision.city_sequence))
            ]
            frozen = json.loads(row.inputs_json)
            explanation = json.loads(row.explanation_json)
        conflicts: builtins.list[str] = []
        if row.status in (DRAFT, REVIEWED, APPROVED):
            g = self.facts.for_enrollment(row.enrollment_uuid)
            verdict = judge_claim(g.facts, g.rules, self.acting.today())
            now = inputs_of(g, verdict.kind, verdict.standard_fen, verdict.amount_fen)
            # once it counts, the person's later claims count it: their limits are theirs to judge
            conflicts = changes(frozen, now, ignore=() if row.status == DRAFT else ("earlier",))
        return ClaimDetail(
            record,
            lines_of([x for x in explanation if x.get("part") == "amount"]),
            lines_of([x for x in explanation if x.get("part") != "amount"]),
            frozen, row.inputs_hash, row.catalog_version,
            row.fee_fen, row.government_fen, row.employer_fen, row.personal_fen,
            conflicts, decisions,
            row.payee_account if user.role in FULL_ACCOUNT_ROLES else None,
        )  # fmt: skip

    # --- changes --------------------------------------------------------------------
    def create(
        self, enrollment_uuid: str, payee: PayeeInput | None = None, note: str | None = None
    ) -> ClaimRecord:
        self.acting.require(*ANY_ROLE, action="填写补贴申请")
        return self._create(self.facts.for_enrollment(enrollment_uuid), payee, note, None)

    def create_for_class(self, class_code: str, payee_kind: str = PAYEE_PERSON,
                         payee: PayeeInput | None = None) -> CreateResult:
        """A claim for every enrolment of the class that can have one; the others with their reasons."""
        self.acting.require(*ANY_ROLE, action="填写补贴申请")
        result = CreateResult()
        gathered = self.facts.for_class(class_code)
        latest = self._latest([g.enrollment_uuid for g in gathered])
        today = self.acting.today()
        for g in gathered:
            row = self._row(g, judge_claim(g.facts, g.rules, today), latest.get(g.enrollment_uuid))
            if row.claim_status in (*OPEN_STATUSES, SUBMITTED):
                result.skipped.append((row.trainee_name, [f"已有补贴申请 {row.claim_number}"
                                                          f"（{STATUS_LABELS[row.claim_status]}）"]))
                continue
            if not row.eligible:
                blocking = [f"{x.rule}：{x.text}" for x in self._blocking(row)]
                result.skipped.append((row.trainee_name, blocking or ["申请金额：0 元，无补贴可申请"]))
                continue
            try:
                result.created.append(self._create(g, payee or PayeeInput(payee_kind), None, None))
            except NotClaimable as refused:
                result.skipped.append((row.trainee_name, refused.reasons))
        return result

    def review(self, number: str) -> ClaimRecord:
        """草稿 → 已审核, when what it rests on is still what was frozen."""
        user = self.acting.require("reviewer", "admin", action="审核补贴申请")
        with self.db.read() as s:
            row = self._claim(s, number)
            self._expect(row, (DRAFT,), "审核")
            enrollment_uuid, frozen_hash = row.enrollment_uuid, row.inputs_hash
            frozen = json.loads(row.inputs_json)
        g = self.facts.for_enrollment(enrollment_uuid)
        verdict = judge_claim(g.facts, g.rules, self.acting.today())
        now = inputs_of(g, verdict.kind, verdict.standard_fen, verdict.amount_fen)
        if digest(canonical(now)) != frozen_hash:
            changed = changes(frozen, now)
            raise ClaimConflict(
                f"补贴申请 {row.number} 填写后，所依据的记录有变化：{'；'.join(changed)}。"
                "申请仍为草稿；请撤回后按现在的记录重新填写。",
                changed,
            )
        if verdict.blocking:
            raise self._refusal(g.facts.trainee_name, verdict.blocking, "审核")
        with self.db.write() as s:
            row = self._claim(s, number)
            self._expect(row, (DRAFT,), "审核")
            before = self._record(s, row).to_json()
            row.status, row.reviewed_by, row.reviewed_at = REVIEWED, user.username, utc_now()
            return self._changed(s, row, before, "claim.review")

    def send_back(self, number: str, reason: str) -> ClaimRecord:
        """已审核 (not yet carried to the city) → 草稿, with the reason in the note."""
        self.acting.require("reviewer", "admin", action="退回补贴申请")
        reason = self._reason(reason, "退回原因")
        with self.db.write() as s:
            row = self._claim(s, number)
            self._expect(row, (REVIEWED,), "退回修改")
            if row.submitted_batch_id:
                raise KnownError(f"补贴申请 {row.number} 已提交市里，不能退回修改；如需更改请撤回。")
            before = self._record(s, row).to_json()
            row.status, row.reviewed_by, row.reviewed_at, row.note = DRAFT, None, None, reason
            return self._changed(s, row, before, "claim.send_back")

    def withdraw(self, number: str, reason: str) -> ClaimRecord:
        """草稿 or 已审核 (the city has not decided) → 已撤回."""
        self.acting.require("reviewer", "admin", action="撤回补贴申请")
        reason = self._reason(reason, "撤回原因")
        with self.db.write() as s:
            row = self._claim(s, number)
            self._expect(row, (DRAFT, REVIEWED), "撤回")
            before = self._record(s, row).to_json()
            row.status, row.withdrawn_reason = WITHDRAWN, reason
            return self._changed(s, row, before, "claim.withdraw")

    def correct(self, number: str, payee: PayeeInput | None = None, note: str | None = None) -> ClaimRecord:
        """A claim the city returned, written anew from today's records: a new number, revision + 1."""
        self.acting.require(*ANY_ROLE, action="更正补贴申请")
        with self.db.read() as s:
            old = self._claim(s, number)
            self._expect(old, (RETURNED,), "更正")
        if payee is None:
            payee = PayeeInput(old.payee_kind, old.payee_name, old.payee_account, old.payee_bank or "",
                               old.payee_uscc or "")
        return self._create(self.facts.for_enrollment(old.enrollment_uuid), payee, note, old)

    # --- helpers --------------------------------------------------------------------
    def _create(self, g: Gathered, payee: PayeeInput | None, note: str | None,
                supersedes: SubsidyClaim | None) -> ClaimRecord:
        today = self.acting.today()
        verdict = judge_claim(g.facts, g.rules, today)
        chosen = self._payee(g, payee or PayeeInput())
        payee_lines = check_payee(chosen)
        blocking = [*verdict.blocking, *(x for x in payee_lines if not x.ok and x.blocks)]
        if not verdict.eligible and not blocking:
            blocking = [Line("申请金额", "0 元，无补贴可申请", False)]
        if blocking:
            raise self._refusal(g.facts.trainee_name, blocking, "申请")
        assert g.certificate_uuid is not None
        inputs = canonical(inputs_of(g, verdict.kind, verdict.standard_fen, verdict.amount_fen))
        explanation = [
            *({"part": "amount", **x} for x in lines_json(verdict.amount_lines)),
            *({"part": "gate", **x} for x in lines_json(verdict.gate_lines)),
            *({"part": "payee", **x} for x in lines_json(payee_lines)),
        ]
        with self.db.write() as s:
            standing = s.scalar(select(SubsidyClaim).where(
                SubsidyClaim.enrollment_uuid == g.enrollment_uuid, SubsidyClaim.status.in_(OPEN_STATUSES)))
            if standing is not None:
                label = STATUS_LABELS[display_status(standing.status, standing.submitted_batch_id)]
                raise KnownError(f"{g.facts.trainee_name} 在本班已有补贴申请 {standing.number}（{label}），"
                                 "同一次培训只能有一份有效的申请。")
            station = self.acting.station_code
            serial = (s.scalar(select(func.max(SubsidyClaim.serial)).where(
                SubsidyClaim.station_code == station, SubsidyClaim.year == today.year)) or 0) + 1
            if serial > MAX_SERIAL:
                raise KnownError(f"{today.year} 年的补贴申请编号已用完。请联系技术支持。")
            now = utc_now()
            row = SubsidyClaim(
                uuid=uuid7(), station_code=station, version=1, created_at=now, updated_at=now,
                number=f"{station}-BT{today.year}-{serial:05d}", year=today.year, serial=serial,
                revision=supersedes.revision + 1 if supersedes else 1,
                supersedes_uuid=supersedes.uuid if supersedes else None,
                enrollment_uuid=g.enrollment_uuid, trainee_uuid=g.trainee_uuid, class_uuid=g.class_uuid,
                certificate_uuid=g.certificate_uuid, status=DRAFT, kind=verdict.kind,
                standard_fen=verdict.standard_fen, amount_fen=verdict.amount_fen, fee_fen=g.fee_fen,
                government_fen=g.government_fen, employer_fen=g.employer_fen, personal_fen=g.personal_fen,
                payee_kind=chosen.kind, payee_name=chosen.name, payee_account=chosen.account,
                payee_bank=chosen.bank or None,
                payee_uscc=(chosen.uscc or None) if chosen.kind != PAYEE_PERSON else None,
                catalog_version=g.catalog_version, inputs_json=inputs, inputs_hash=digest(inputs),
                explanation_json=json.dumps(explanation, ensure_ascii=False),
                note=(note or "").strip() or None,
                created_by=self.acting.actor,
            )  # fmt: skip
            s.add(row)
            s.flush()
            return self._changed(s, row, None, "claim.correct" if supersedes else "claim.create")

    def _payee(self, g: Gathered, p: PayeeInput) -> Payee:
        account = "".join(ch for ch in p.account if not ch.isspace())
        if p.kind == PAYEE_PERSON:
            return Payee(PAYEE_PERSON, p.name.strip() or g.facts.trainee_name, account or g.trainee_bank_card,
                         p.bank.strip())
        return Payee(p.kind, p.name.strip(), account, p.bank.strip(), p.uscc.strip().upper())

    @staticmethod
    def _blocking(row: CheckRow) -> builtins.list[Line]:
        return [x for x in (*row.amount_lines, *row.gate_lines) if not x.ok and x.blocks]

    @staticmethod
    def _refusal(name: str, blocking: Sequence[Line], what: str) -> NotClaimable:
        reasons = [f"{x.rule}：{x.text}" for x in blocking]
        return NotClaimable(f"{name} 的补贴申请不能{what}：\n" + "\n".join(reasons), reasons)

    @staticmethod
    def _reason(reason: str, label: str) -> str:
        if not (reason or "").strip():
            raise ValidationError([FieldError(label, f"请写明{label}")])
        return reason.strip()

    @staticmethod
    def _expect(row: SubsidyClaim, statuses: tuple[str, ...], what: str) -> None:
        if row.status not in statuses:
            shown = STATUS_LABELS[display_status(row.status, row.submitted_batch_id)]
            wanted = "、".join(STATUS_LABELS[x] for x in statuses)
            raise KnownError(f"补贴申请 {row.number} 现在是“{shown}”，只有{wanted}的申请才能{what}。")

    def _changed(self, s: Session, row: SubsidyClaim, before: dict | None, action: str) -> ClaimRecord:
        if before is not None:
            row.version += 1
            row.updated_at = utc_now()
        s.flush()
        record = self._record(s, row)
        after = {**record.to_json(), "payee_account": row.payee_account, "inputs_hash": row.inputs_hash}
        self.acting.record(s, action=action, entity=outbox.SUBSIDY_CLAIM, uuid=row.uuid, version=row.version,
                           before=before, after=after, subject=row.trainee_uuid)
        return record

    def _latest(self, enrollment_uuids: builtins.list[str]) -> dict[str, SubsidyClaim]:
        with self.db.read() as s:
            latest: dict[str, SubsidyClaim] = {}
            query = select(SubsidyClaim).where(SubsidyClaim.enrollment_uuid.in_(enrollment_uuids))
            for row in s.scalars(query.order_by(SubsidyClaim.seq)):
                latest[row.enrollment_uuid] = row
            s.expunge_all()
            return latest

    def _row(self, g: Gathered, v: Verdict, claim: SubsidyClaim | None) -> CheckRow:
        return CheckRow(
            g.enrollment_uuid, g.trainee_uuid, g.facts.trainee_name, mask_id(g.trainee_id_number), v.eligible,
            v.amount_fen, v.standard_fen, v.kind, v.amount_lines, v.gate_lines, v.reasons,
            claim.number if claim else None,
            display_status(claim.status, claim.submitted_batch_id) if claim else None,
        )  # fmt: skip

    @staticmethod
    def _claim(s: Session, number: str) -> SubsidyClaim:
        key = number.strip()
        row = s.scalar(select(SubsidyClaim).where((SubsidyClaim.number == key) | (SubsidyClaim.uuid == key)))
        if row is None:
            raise NotFoundError(f"找不到补贴申请 {key}。请用 claim list 查看申请编号。")
        return row

    def _record(self, s: Session, row: SubsidyClaim) -> ClaimRecord:
        klass = s.scalar(select(TrainingClass).where(TrainingClass.uuid == row.class_uuid))
        trainee = s.scalar(select(Trainee).where(Trainee.uuid == row.trainee_uuid))
        cert = s.scalar(select(Certificate).where(Certificate.uuid == row.certificate_uuid))
        assert klass is not None and trainee is not None and cert is not None
        old = (s.scalar(select(SubsidyClaim.number).where(SubsidyClaim.uuid == row.supersedes_uuid))
               if row.supersedes_uuid else None)
        shown = display_status(row.status, row.submitted_batch_id)
        level = cert.level
        return ClaimRecord(
            row.uuid, row.number, row.revision, old, row.status, shown, STATUS_LABELS.get(shown, shown),
            klass.code, klass.name, row.trainee_uuid, trainee.name, mask_id(trainee.id_number),
            cert.occupation_name, (self.codes["skill_level"].label(level) or level) if level else "",
            cert.number, cert.issue_date, row.kind, row.standard_fen, row.amount_fen, row.decided_amount_fen,
            row.decision_reason, row.paid_on, row.payee_kind, row.payee_name, mask_card(row.payee_account),
            row.payee_bank or "", row.payee_uscc or "", row.created_by, row.reviewed_by, row.reviewed_at,
            bool(row.status == REVIEWED and row.submitted_batch_id), row.enrollment_uuid, row.version,
            row.note, row.withdrawn_reason, row.created_at,
        )  # fmt: skip
