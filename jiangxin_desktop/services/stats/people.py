"""The people behind a figure of the summary: the same rows, the same counting, listed by name.

``figure`` and ``key``: ``person_times`` (key: a target group such as 高校毕业生, a programme
area such as 康养服务, a code, or None for all), ``certificates`` (a certificate_type code or
label), ``employment`` (None: followed up; ``employed``; ``not_employed``; or an outcome code),
``subsidies`` (``claimed`` — the default —, ``approved``, ``paid``), ``targets`` (a plan target
key: the person-times or certificates that count toward it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.domain.plan import TARGET_KEYS
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.catalog import TrainingCatalog
from jiangxin_desktop.services.stats.counting import (
    CERTIFICATE_TARGETS,
    NOT_COUNTED_HERE,
    Classifier,
    certificate_targets,
    counted,
    employed,
)
from jiangxin_desktop.services.stats import tally
from jiangxin_desktop.services.stats.figures import SUBSIDY_STAGES, PersonRow
from jiangxin_desktop.store.models import Certificate, Trainee, TrainingClass
from jiangxin_desktop.store.stats_models import EnrollmentOutcome as O
from jiangxin_desktop.store.subsidy_models import APPROVED, PAID, REVIEWED, SubsidyClaim


def _yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:,.2f} 元"


class PeopleLists:
    def __init__(self, codes: CodeCatalog, catalog: TrainingCatalog, bounds: tuple[str, str]) -> None:
        self.codes = codes
        self.catalog = catalog
        self.bounds = bounds

    def rows(self, s: Session, classify: Classifier, figure: str, key: str | None, start: date, end: date,
             limit: int | None) -> list[PersonRow]:
        if figure == "person_times" or (figure == "targets" and key not in (*CERTIFICATE_TARGETS,)):
            if figure == "targets":
                if key not in TARGET_KEYS:
                    raise KnownError(f"没有计划目标“{key}”。可选：{'、'.join(TARGET_KEYS)}。")
                if key in NOT_COUNTED_HERE:
                    return []
            return self._person_times(s, classify, key, start, end, limit)
        if figure == "employment":
            return self._employment(s, classify, key, start, end, limit)
        if figure in ("certificates", "targets"):
            return self._certificates(s, figure, key, start, end, limit)
        return self._subsidies(s, key or "claimed", start, end, limit)

    # --- person-times -----------------------------------------------------------------
    def _counted_rows(self, s: Session, start: date, end: date, condition: Any, limit: int | None) -> list:
        plan, threshold = self.catalog.plan, self.catalog.rules.attendance_threshold
        query = (
            select(O.trainee_uuid, Trainee.name, Trainee.id_number, TrainingClass.code, TrainingClass.name,
                   O.target_group, O.project_code, O.attended_hours, O.planned_hours, O.followup_outcome,
                   O.followup_period)
            .join(Trainee, Trainee.uuid == O.trainee_uuid)
            .join(TrainingClass, TrainingClass.uuid == O.class_uuid)
            .where(O.class_end.between(start, end), counted(plan, threshold), condition)
            .order_by(O.class_end.desc())  # the latest first, read in the index's order: a limit stops early
        )
        return list(s.execute(query.limit(limit) if limit else query))

    @staticmethod
    def _narrow(classify: Classifier, key: str | None, present: dict[str, set[str]]) -> Any:
        """The SQL condition for the person-times behind ``key`` — a group (its label or a code), an
        area (its label or a project code) or a person-time target key — by the Classifier's rules,
        one dimension at a time, over the codes the period's tallies hold."""
        if key in (None, "person_times"):
            return true()
        groups = [v for v in present.get("g", ()) if key in (classify.group(v), v, *classify.group_targets(v))]
        projects = [v for v in present.get("p", ()) if key in (classify.area(v), v, *classify.project_targets(v))]
        occupations = [v for v in present.get("o", ()) if key in classify.occupation_targets(v)]
        parts = [column.in_(values) for column, values in ((O.target_group, groups), (O.project_code, projects),
                                                            (O.occupation_code, occupations)) if values]
        return or_(*parts) if parts else false()

    def _person_times(self, s: Session, classify: Classifier, key: str | None, start: date, end: date,
                      limit: int | None) -> list[PersonRow]:
        condition = self._narrow(classify, key, self._present(s, start, end))
        return [
            PersonRow(t, name, mask_id(number), code, cname,
                      f"{classify.group(g)} · {classify.area(p)} · 出勤 {a}/{h} 课时")
            for t, name, number, code, cname, g, p, a, h, _o, _p in self._counted_rows(s, start, end, condition, limit)
        ]

    @staticmethod
    def _present(s: Session, start: date, end: date) -> dict[str, set[str]]:
        present: dict[str, set[str]] = {}
        for dim, value, _n in tally.read(s, "pt", start, end):
            present.setdefault(dim, set()).add(value)
        return present

    def _employment(self, s: Session, classify: Classifier, key: str | None, start: date, end: date,
                    limit: int | None) -> list[PersonRow]:
        outcomes = self.codes["followup_outcome"]
        if key in (None, "followed_up"):
            wanted = O.followup_outcome.is_not(None)
        elif key == "employed":
            wanted = O.followup_outcome.in_([c.code for c in outcomes if employed(c.code)])
        elif key == "not_employed":
            wanted = O.followup_outcome.in_([c.code for c in outcomes if not employed(c.code)])
        else:
            entry = outcomes.get(key) or outcomes.by_label(key)
            if entry is None:
                raise KnownError(f"没有回访结果“{key}”。可选：employed、not_employed 或回访结果代码。")
            wanted = O.followup_outcome == entry.code
        groups = O.target_group.in_([g for g in self._present(s, start, end).get("g", ())
                                     if classify.employment_group(g)])
        rows = self._counted_rows(s, start, end, and_(groups, wanted), limit)
        return [
            PersonRow(t, name, mask_id(number), code, cname,
                      f"{classify.group(g)} · {period} 个月回访：{outcomes.label(outcome) or outcome}")
            for t, name, number, code, cname, g, _p, _a, _h, outcome, period in rows
        ]

    # --- certificates -----------------------------------------------------------------
    def _certificates(self, s: Session, figure: str, key: str | None, start: date, end: date,
                      limit: int | None) -> list[PersonRow]:
        kinds = self.codes["certificate_type"]
        ranks = {c.code: c.extra.get("rank") for c in self.codes["skill_level"]}
        query = (
            select(Certificate.trainee_uuid, Trainee.name, Trainee.id_number, TrainingClass.code,
                   TrainingClass.name, Certificate.certificate_type, Certificate.level, Certificate.number,
                   Certificate.issue_date)
            .join(Trainee, Trainee.uuid == Certificate.trainee_uuid)
            .join(TrainingClass, TrainingClass.uuid == Certificate.class_uuid)
            .where(Certificate.issue_date.between(start, end), Certificate.status == "valid")
            .order_by(Certificate.issue_date, Certificate.number)
        )
        if figure == "certificates" and key is not None:
            entry = kinds.get(key) or kinds.by_label(key)
            query = query.where(Certificate.certificate_type == (entry.code if entry else key))
        rows = s.execute(query).all()
        if figure == "targets":
            rows = [r for r in rows if key in certificate_targets(kinds.label(r[5]) or "", ranks.get(r[6]))]
        rows = rows[:limit] if limit else rows
        return [
            PersonRow(t, name, mask_id(number), code, cname, f"{kinds.label(kind) or kind} {cert}（{issued}）")
            for t, name, number, code, cname, kind, _level, cert, issued in rows
        ]

    # --- subsidies --------------------------------------------------------------------
    def _subsidies(self, s: Session, stage: str, start: date, end: date, limit: int | None) -> list[PersonRow]:
        if stage not in SUBSIDY_STAGES:
            raise KnownError(f"没有“{stage}”这一补贴环节。可选：{'、'.join(SUBSIDY_STAGES)}。")
        c = SubsidyClaim
        lo, hi = self.bounds
        where = {
            "claimed": and_(c.reviewed_at >= lo, c.reviewed_at < hi, c.status.in_((REVIEWED, APPROVED, PAID))),
            "approved": and_(c.decided_at >= lo, c.decided_at < hi, c.status.in_((APPROVED, PAID))),
            "paid": and_(c.paid_on.between(start, end), c.status == PAID),
        }[stage]
        amount = c.amount_fen if stage == "claimed" else c.decided_amount_fen
        query = (
            select(c.trainee_uuid, Trainee.name, Trainee.id_number, TrainingClass.code, TrainingClass.name,
                   c.number, amount)
            .join(Trainee, Trainee.uuid == c.trainee_uuid)
            .join(TrainingClass, TrainingClass.uuid == c.class_uuid)
            .where(where)
            .order_by(c.number)
        )
        rows = s.execute(query.limit(limit) if limit else query).all()
        return [
            PersonRow(t, name, mask_id(number), code, cname, f"{SUBSIDY_STAGES[stage]} {claim} {_yuan(fen)}")
            for t, name, number, code, cname, claim, fen in rows
        ]
