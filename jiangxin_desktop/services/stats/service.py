"""``ctx.stats``: the station's figures of a period against the plan, and the people behind them.

Person-times come from the local summary ``enrollment_outcome`` (store/stats_models.py), counted
by services/stats/counting.py — the only place the definition is applied. Before counting, the
follow-ups recorded since the last look are taken into the summary (a write only when there are
some). Certificates: valid ones issued in the period, by kind. Subsidies: claims 已审核 or later
by ``reviewed_at`` (amount claimed), 核准 or 已发放 by ``decided_at`` (the city's latest decision,
amount decided), 已发放 by ``paid_on``. Every query reads a covering index (migration 0016;
tests/services/test_stats_plans.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.plan import EMPLOYMENT_RATE_LABEL, TARGET_KEYS
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.stats import people as people_lists
from jiangxin_desktop.services.stats.counting import (
    CERTIFICATE_TARGETS,
    NOT_COUNTED_HERE,
    PERSON_TIME_TARGETS,
    Classifier,
    catalog_facts,
    certificate_targets,
    counted,
    employed,
)
from jiangxin_desktop.services.stats.figures import FIGURES, Count, Money, PersonRow, Summary, TargetRow
from jiangxin_desktop.store.database import Database
from jiangxin_desktop.store.models import Certificate
from jiangxin_desktop.store.outcome_summary import apply_followups, pending_followups
from jiangxin_desktop.store.stats_models import EnrollmentOutcome as O
from jiangxin_desktop.store.subsidy_models import APPROVED, PAID, REVIEWED, SubsidyClaim

VIEWERS = ("clerk", "reviewer", "admin")


class StatsService:
    def __init__(self, db: Database, acting: Acting, catalogs: CatalogService, codes: CodeCatalog,
                 station_name: str) -> None:
        self.db = db
        self.acting = acting
        self.catalogs = catalogs
        self.codes = codes
        self.station_name = station_name

    # --- the figures ------------------------------------------------------------------
    def definition(self) -> str:
        catalog = self.catalogs.active()
        return catalog.plan.counting.describe(catalog.rules.attendance_threshold)

    def summary(self, start: date, end: date) -> Summary:
        self.acting.require(*VIEWERS, action="查看统计")
        _check_period(start, end)
        self.take_in_followups()
        catalog = self.catalogs.active()
        plan, threshold = catalog.plan, catalog.rules.attendance_threshold
        with self.db.read() as s:
            classify = Classifier(self.codes, catalog_facts(s))
            rows = self._person_time_groups(s, start, end, counted(plan, threshold))
            kinds = s.execute(
                select(Certificate.certificate_type, Certificate.level, func.count())
                .where(Certificate.issue_date.between(start, end), Certificate.status == "valid")
                .group_by(Certificate.certificate_type, Certificate.level)
            ).all()
            money = self._subsidies(s, start, end)
        by_group: dict[str, int] = {}
        by_area: dict[str, int] = {}
        values = dict.fromkeys((*PERSON_TIME_TARGETS, *CERTIFICATE_TARGETS), 0)
        emp = followed = 0
        for target_group, project, occupation, outcome, n in rows:
            by_group[classify.group(target_group)] = by_group.get(classify.group(target_group), 0) + n
            by_area[classify.area(project)] = by_area.get(classify.area(project), 0) + n
            for key in classify.targets(target_group, project, occupation):
                values[key] += n
            if outcome is not None and classify.employment_group(target_group):
                followed += n
                emp += n if employed(outcome) else 0
        kind_labels = self.codes["certificate_type"]
        ranks = {c.code: c.extra.get("rank") for c in self.codes["skill_level"]}
        by_kind: dict[str, int] = {}
        for kind, level, n in kinds:
            by_kind[kind] = by_kind.get(kind, 0) + n
            for key in certificate_targets(kind_labels.label(kind) or "", ranks.get(level)):
                values[key] += n
        targets = tuple(
            TargetRow(key, label, plan.targets.get(key), None if key in NOT_COUNTED_HERE else values[key],
                      _share(None if key in NOT_COUNTED_HERE else values[key], plan.targets.get(key)))
            for key, label in TARGET_KEYS.items()
        )
        return Summary(
            start, end, self.station_name, plan.counting.describe(threshold), values["person_times"],
            tuple(Count(g, g, by_group[g]) for g in classify.group_order if g in by_group),
            tuple(Count(a, a, by_area[a]) for a in classify.area_order if a in by_area),
            sum(by_kind.values()),
            tuple(Count(c.code, c.label, by_kind[c.code]) for c in kind_labels if c.code in by_kind)
            + tuple(Count(k, k, n) for k, n in by_kind.items() if kind_labels.get(k) is None),
            emp, followed, plan.employment_rate, *money, targets,
        )

    def people(self, figure: str, key: str | None, start: date, end: date, *,
               limit: int | None = None) -> list[PersonRow]:
        """The people behind a figure of :meth:`summary` (the same counting, the same period)."""
        self.acting.require(*VIEWERS, action="查看统计")
        _check_period(start, end)
        if figure not in FIGURES:
            raise KnownError(f"没有“{figure}”这项统计。可选：{'、'.join(FIGURES)}。")
        self.take_in_followups()
        catalog = self.catalogs.active()
        lists = people_lists.PeopleLists(self.codes, catalog, self._bounds(start, end))
        with self.db.read() as s:
            classify = Classifier(self.codes, catalog_facts(s))
            return lists.rows(s, classify, figure, key, start, end, limit)

    # --- helpers ----------------------------------------------------------------------
    def take_in_followups(self) -> None:
        """Follow-ups recorded since the summary last looked: into ``enrollment_outcome``."""
        with self.db.read() as s:
            pending = pending_followups(s)
        if pending:
            with self.db.write() as s:
                apply_followups(s, pending_followups(s))

    @staticmethod
    def _person_time_groups(s: Session, start: date, end: date, condition: Any) -> list[tuple]:
        query = (
            select(O.target_group, O.project_code, O.occupation_code, O.followup_outcome, func.count())
            .where(O.class_end.between(start, end), condition)
            .group_by(O.target_group, O.project_code, O.occupation_code, O.followup_outcome)
        )
        return list(s.execute(query))

    def _bounds(self, start: date, end: date) -> tuple[str, str]:
        """The period's first and after-last instants (local days) as stored UTC ISO strings."""
        zone: tzinfo | None = self.acting.now().tzinfo
        def utc(day: date) -> str:
            moment = datetime.combine(day, time(), tzinfo=zone)
            return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return utc(start), utc(end + timedelta(days=1))

    def _subsidies(self, s: Session, start: date, end: date) -> tuple[Money, Money, Money]:
        lo, hi = self._bounds(start, end)
        c = SubsidyClaim
        claimed = s.execute(
            select(func.count(), func.coalesce(func.sum(c.amount_fen), 0))
            .where(c.reviewed_at >= lo, c.reviewed_at < hi, c.status.in_((REVIEWED, APPROVED, PAID)))
        ).one()
        approved = s.execute(
            select(func.count(), func.coalesce(func.sum(c.decided_amount_fen), 0))
            .where(c.decided_at >= lo, c.decided_at < hi, c.status.in_((APPROVED, PAID)))
        ).one()
        paid = s.execute(
            select(func.count(), func.coalesce(func.sum(c.decided_amount_fen), 0))
            .where(c.paid_on.between(start, end), c.status == PAID)
        ).one()
        return Money(*claimed), Money(*approved), Money(*paid)

    # --- exports (services/stats/report.py) --------------------------------------------
    def export_excel(self, start: date, end: date, out: Path) -> Path:
        from jiangxin_desktop.services.stats.report import write_excel

        return write_excel(self.summary(start, end), Path(out))

    def export_pdf(self, start: date, end: date, out: Path) -> Path:
        from jiangxin_desktop.services.stats.report import write_pdf

        return write_pdf(self.summary(start, end), Path(out))


def _share(value: int | None, target: int | None) -> float | None:
    return value / target if value is not None and target else None


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise KnownError(f"统计期间有误：结束日期 {end} 早于开始日期 {start}。请重新选择期间。")


__all__ = ["EMPLOYMENT_RATE_LABEL", "StatsService"]
