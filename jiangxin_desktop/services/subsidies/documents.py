"""The printed subsidy documents of a class: 职业培训补贴申请表, 补贴申请汇总表 and 公示名单.

:class:`SubsidyDocuments` reads the claims straight from the database (each enrolment's latest
claim that is not withdrawn, with its trainee, certificate and enrolment) and prints them
through ``forms/subsidy-application.toml`` (one page per claim: the applicant's own form, with
the full ID and account numbers, for the bank office), ``forms/claim-summary.toml`` (the class's
list, ID numbers masked, totals in figures and in 大写) and ``forms/subsidy-notice.toml`` (the
公示: names shown, ID numbers masked, the notice period from the catalog's ``notice_days``).
The summary's totals and the notice count only claims a reviewer has passed (已审核, 已提交,
已核准, 已发放); a draft's form prints marked 草稿. Each print is audited (``print.subsidy_forms``,
``print.claim_summary``, ``print.subsidy_notice``) with the class, counts and claim numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.domain.money import capital, yuan_text
from jiangxin_desktop.domain.subsidy_standards import KINDS
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.printing import DrawArea, Progress, RenderResult, load_template
from jiangxin_desktop.services.printing import fonts, render_document, shipped_template
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.subsidies.records import PAYEE_LABELS, STATUS_LABELS, display_status
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.journal import audit
from jiangxin_desktop.store.models import Certificate, Enrollment, Trainee
from jiangxin_desktop.store.subsidy_models import APPROVED, DRAFT, PAID, RETURNED, REVIEWED, WITHDRAWN
from jiangxin_desktop.store.subsidy_models import SubsidyClaim

if TYPE_CHECKING:
    from jiangxin_desktop.domain.codes import CodeCatalog
    from jiangxin_desktop.services.catalog import CatalogService
    from jiangxin_desktop.services.training import AttendanceService, ClassRecord, ClassService

PRINTING_ROLES = ("clerk", "reviewer", "admin")
COUNTED = (REVIEWED, APPROVED, PAID)  # with 已提交 (reviewed + batch): a reviewer passed them
COUNTED_WORDS = "只计已审核、已提交、已核准、已发放的申请"
COMMITMENT = (
    "　　本人（单位）郑重承诺：所申请补贴的培训真实发生，本人确已参加培训并取得上述证书；"
    "本表所填信息及所附证明材料真实、准确、完整。如有虚假申领、冒领或重复申领，"
    "自愿退回全部补贴资金，并接受有关部门依法依规追究责任。"
)
DRAFT_MARK = "_draft"  # the context key the ``draft_mark`` drawer reads
# What each field is called when a font cannot draw one of its characters.
FIELD_LABELS = {"name": "姓名", "applicant": "申请人", "payee_name": "收款户名", "payee_bank": "开户银行"}
FIELD_LABELS |= {"evidence": "证明材料", "target_group": "人员类别", "station": "服务站"}


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


@dataclass(frozen=True)
class ClaimLine:
    """One claim as the documents print it."""

    claim: SubsidyClaim
    trainee: Trainee
    enrollment: Enrollment
    certificate: Certificate | None

    @property
    def status_key(self) -> str:
        return display_status(self.claim.status, self.claim.submitted_batch_id)

    @property
    def counted(self) -> bool:
        return self.claim.status in COUNTED


def _frozen_hours(claim: SubsidyClaim) -> tuple[int | None, int | None]:
    """Attended and planned hours as the claim froze them (``inputs_json``), if it says."""
    try:
        inputs = json.loads(claim.inputs_json or "{}")
    except ValueError:
        return None, None
    attended, planned = inputs.get("attended_hours"), inputs.get("planned_hours")
    ok = isinstance(attended, int) and isinstance(planned, int)
    return (attended, planned) if ok else (None, None)


def draw_draft_mark(canvas: Canvas, area: DrawArea, context: Mapping[str, Any]) -> None:
    """The ``draft_mark`` drawer: a large pale 草稿 across the area, on a draft claim only."""
    if not context.get(DRAFT_MARK):
        return
    canvas.setFillColorRGB(0.85, 0.1, 0.1, alpha=0.13)
    canvas.setFont(fonts.load_font("wqy-microhei"), min(area.width, area.height) * 0.42)
    canvas.translate(area.left + area.width / 2, area.bottom + area.height / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -min(area.width, area.height) * 0.15, "草 稿")


class SubsidyDocuments:
    """Prints a class's subsidy documents for the acting user, and audits each print."""

    def __init__(
        self,
        db: Database,
        acting: Acting,
        classes: ClassService,
        attendance: AttendanceService,
        catalogs: CatalogService,
        codes: CodeCatalog,
        station_name: str,
    ) -> None:
        self.db, self.acting, self.classes, self.attendance = db, acting, classes, attendance
        self.catalogs, self.codes, self.station_name = catalogs, codes, station_name

    # ---------------------------------------------------------------- reading
    def claims(self, klass: ClassRecord) -> list[ClaimLine]:
        """Each enrolment's latest claim that is not withdrawn, in enrolment order."""
        with self.db.read() as s:
            rows = s.execute(
                select(SubsidyClaim, Trainee, Enrollment, Certificate)
                .join(Trainee, Trainee.uuid == SubsidyClaim.trainee_uuid)
                .join(Enrollment, Enrollment.uuid == SubsidyClaim.enrollment_uuid)
                .outerjoin(Certificate, Certificate.uuid == SubsidyClaim.certificate_uuid)
                .where(SubsidyClaim.class_uuid == klass.uuid, SubsidyClaim.status != WITHDRAWN)
                .order_by(Enrollment.seq, SubsidyClaim.revision, SubsidyClaim.seq)
            ).all()
            s.expunge_all()
        latest: dict[str, ClaimLine] = {}
        for claim, trainee, enrollment, certificate in rows:
            latest[enrollment.uuid] = ClaimLine(claim, trainee, enrollment, certificate)  # later wins
        return list(latest.values())

    def _hours(self, klass: ClassRecord, lines: Sequence[ClaimLine]) -> dict[str, tuple[int, int]]:
        hours: dict[str, tuple[int, int]] = {}
        for line in lines:
            attended, planned = _frozen_hours(line.claim)
            if attended is not None and planned is not None:
                hours[line.enrollment.uuid] = (attended, planned)
        if len(hours) < len(lines):
            for r in self.attendance.rates(klass.uuid):
                hours.setdefault(r.enrollment_uuid, (r.attended_hours, r.planned_hours or klass.class_hours))
        return hours

    def _label(self, code_list: str, code: str | None) -> str:
        return (self.codes[code_list].label(code) or code or "") if code else ""

    def _level(self, klass: ClassRecord) -> str:
        level = self._label("skill_level", klass.level)
        return level or self._label("certificate_type", klass.certificate_type)

    def class_fields(self, klass: ClassRecord) -> dict[str, Any]:
        return {
            "code": klass.code,
            "name": klass.name,
            "institution": klass.institution_name,
            "institution_uscc": klass.institution_uscc,
            "start_date": _day(klass.start_date),
            "end_date": _day(klass.end_date),
            "hours": klass.class_hours,
            "occupation_code": klass.occupation_code,
            "occupation_name": klass.occupation_name,
            "level": self._level(klass),
            "project": klass.project_name,
        }

    def _common(self, klass: ClassRecord, user) -> dict[str, Any]:
        return {
            "_labels": FIELD_LABELS,
            "_subject": f"培训班 {klass.code}",
            "class": self.class_fields(klass),
            "printed_at": f"{self.acting.now():%Y-%m-%d %H:%M}",
            "printed_date": _day(self.acting.today()),
            "printed_by": user.display_name,
            "station": self.station_name,
        }

    def _row(
        self, klass: ClassRecord, line: ClaimLine, hours: tuple[int, int], *, full: bool
    ) -> dict[str, Any]:
        c, t, e, cert = line.claim, line.trainee, line.enrollment, line.certificate
        unit = c.payee_kind == "unit"
        evidence_parts = (e.evidence_type or t.evidence_type, e.evidence_number or t.evidence_number)
        evidence = " ".join(x for x in evidence_parts if x)
        certificate_type = cert.certificate_type if cert else klass.certificate_type
        return {
            "_subject": f"学员 {t.name}（申请 {c.number}）",
            "number": c.number,
            "revision": c.revision,
            "status": STATUS_LABELS.get(line.status_key, c.status),
            "name": t.name,
            "sex": t.sex,
            "id_number": t.id_number if full else mask_id(t.id_number),
            "masked_id": mask_id(t.id_number),
            "phone": t.phone or "",
            "target_group": self._label("target_group", e.target_group or t.target_group),
            "evidence": evidence or "（未登记）",
            "attended_hours": hours[0],
            "planned_hours": hours[1],
            "hours": f"{hours[0]}/{hours[1]}",
            "occupation": f"{klass.occupation_code} {klass.occupation_name}",
            "certificate_type": self._label("certificate_type", certificate_type),
            "certificate_number": cert.number if cert else "",
            "certificate_date": _day(cert.issue_date) if cert else "",
            "kind": KINDS.get(c.kind, c.kind),
            "standard": yuan_text(c.standard_fen),
            "amount": yuan_text(c.amount_fen),
            "amount_capital": capital(c.amount_fen),
            "fee": yuan_text(c.fee_fen),
            "government": yuan_text(c.government_fen),
            "employer": yuan_text(c.employer_fen),
            "personal": yuan_text(c.personal_fen),
            "applicant": c.payee_name if unit else t.name,
            "applicant_kind": "单位" if unit else "个人",
            "applicant_uscc": (c.payee_uscc or "") if unit else "不适用（个人申请）",
            "payee": PAYEE_LABELS.get(c.payee_kind, c.payee_kind),
            "payee_name": c.payee_name,
            "payee_bank": c.payee_bank or "（未填写）",
            "payee_account": c.payee_account,
            "decided": yuan_text(c.decided_amount_fen) if c.decided_amount_fen is not None else "",
            "_amount_fen": c.amount_fen,
            "_counted": line.counted,
        }

    def _class(self, class_code: str, action: str):
        user = self.acting.require(*PRINTING_ROLES, action=action)
        klass = self.classes.get(class_code)
        return user, klass

    def _audit(self, user, action: str, klass: ClassRecord, result: RenderResult, numbers: list[str]) -> None:
        with self.db.write() as session:
            audit(
                session,
                actor=user.username,
                action=action,
                object_type="training_class",
                object_id=klass.uuid,
                after={
                    "class": klass.code,
                    "claims": len(numbers),
                    "pages": result.pages,
                    "numbers": numbers,
                },
            )

    @staticmethod
    def _none(klass: ClassRecord, what: str) -> KnownError:
        return KnownError(
            f"培训班 {klass.code} 还没有补贴申请，无法打印{what}。"
            f"请先为考核合格、已发证的学员建立补贴申请（jiangxin-desktop claim create），再打印。"
        )

    # ---------------------------------------------------------------- documents
    def subsidy_forms(
        self,
        class_code: str,
        out: Path,
        numbers: Sequence[str] | None = None,
        *,
        template: Path | None = None,
        progress: Progress | None = None,
    ) -> dict:
        """职业培训补贴申请表, one page per claim (all open claims, or only ``numbers``)."""
        user, klass = self._class(class_code, "打印补贴申请表")
        lines = self.claims(klass)
        if numbers:
            wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
            by_number = {line.claim.number: line for line in lines}
            unknown = [n for n in wanted if n not in by_number]
            if unknown:
                raise KnownError(
                    f"培训班 {klass.code} 没有这些有效的补贴申请：{'、'.join(unknown)}（已撤回或被更正的申请不能打印）。"
                    "请用 jiangxin-desktop claim list 核对申请编号。"
                )
            lines = [by_number[n] for n in wanted]
        else:
            lines = [line for line in lines if line.claim.status != RETURNED]
        if not lines:
            raise self._none(klass, "申请表")
        hours = self._hours(klass, lines)
        common = self._common(klass, user)
        contexts = []
        for line in lines:
            row = self._row(klass, line, hours[line.enrollment.uuid], full=True)
            draft = line.claim.status == DRAFT
            mark = "草稿（未经审核，不能作为申领依据）" if draft else ""
            if line.claim.status == RETURNED:
                mark = "已退回（请更正后重新申请）"
            contexts.append({**common, **row, DRAFT_MARK: draft, "mark": mark, "commitment": COMMITMENT})
        t = load_template(template or shipped_template("subsidy-application"))
        title = f"{klass.name} 职业培训补贴申请表"
        drawers = {"draft_mark": draw_draft_mark}
        result = render_document(t, contexts, out, drawers=drawers, title=title, progress=progress)
        numbers_printed = [line.claim.number for line in lines]
        self._audit(user, "print.subsidy_forms", klass, result, numbers_printed)
        drafts = sum(1 for line in lines if line.claim.status == DRAFT)
        return {"out": str(result.file), "pages": result.pages, "claims": len(lines), "drafts": drafts}

    def claim_summary(
        self, class_code: str, out: Path, *, template: Path | None = None, progress: Progress | None = None
    ) -> dict:
        """补贴申请汇总表: every open claim of the class, ID numbers masked, totals of the reviewed ones."""
        user, klass = self._class(class_code, "打印补贴申请汇总表")
        lines = self.claims(klass)
        if not lines:
            raise self._none(klass, "汇总表")
        hours = self._hours(klass, lines)
        rows = [self._row(klass, line, hours[line.enrollment.uuid], full=False) for line in lines]
        for no, row in enumerate(rows, start=1):
            row["no"] = no
        counted = [r for r in rows if r["_counted"]]
        total = sum(r["_amount_fen"] for r in counted)
        left_out = len(rows) - len(counted)
        context = {
            **self._common(klass, user),
            "rows": rows,
            "count": len(rows),
            "counted": len(counted),
            "left_out": f"；另有 {left_out} 份草稿或已退回的申请未计入" if left_out else "",
            "total": yuan_text(total),
            "total_capital": capital(total),
            "counted_words": COUNTED_WORDS,
        }
        t = load_template(template or shipped_template("claim-summary"))
        result = render_document(t, [context], out, title=f"{klass.name} 补贴申请汇总表", progress=progress)
        self._audit(user, "print.claim_summary", klass, result, [line.claim.number for line in lines])
        return {"out": str(result.file), "pages": result.pages, "claims": len(rows), "counted": len(counted)}

    def notice(
        self,
        class_code: str,
        out: Path,
        *,
        start: date | None = None,
        template: Path | None = None,
        progress: Progress | None = None,
    ) -> dict:
        """公示名单: the reviewed claims with names, masked ID numbers, amounts and the notice period."""
        user, klass = self._class(class_code, "打印补贴公示名单")
        every = self.claims(klass)
        lines = [line for line in every if line.counted]
        if not lines:
            if not every:
                raise self._none(klass, "公示名单")
            raise KnownError(
                f"培训班 {klass.code} 的 {len(every)} 份补贴申请都还没有通过审核（草稿或已退回），不能公示。"
                "请审核人先审核申请（jiangxin-desktop claim review），再打印公示名单。"
            )
        days = self.catalogs.active().rules.notice_days
        start = start or self.acting.today()
        end = start + timedelta(days=days - 1)
        hours = self._hours(klass, lines)
        rows = []
        for no, line in enumerate(lines, start=1):
            row = self._row(klass, line, hours[line.enrollment.uuid], full=False)
            decided = line.claim.decided_amount_fen
            fen = decided if decided is not None else line.claim.amount_fen
            rows.append({**row, "no": no, "amount": yuan_text(fen), "_amount_fen": fen})
        total = sum(r["_amount_fen"] for r in rows)
        context = {
            **self._common(klass, user),
            "rows": rows,
            "count": len(rows),
            "total": yuan_text(total),
            "total_capital": capital(total),
            "notice_days": days,
            "notice_start": _day(start),
            "notice_end": _day(end),
        }
        t = load_template(template or shipped_template("subsidy-notice"))
        result = render_document(t, [context], out, title=f"{klass.name} 补贴公示名单", progress=progress)
        self._audit(user, "print.subsidy_notice", klass, result, [line.claim.number for line in lines])
        return {
            "out": str(result.file),
            "pages": result.pages,
            "claims": len(rows),
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
