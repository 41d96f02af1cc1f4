"""``ctx.stats``: the station's figures of a period against the plan, and the people behind them.

Person-times come from the local summary ``enrollment_outcome`` (store/stats_models.py), counted
by services/stats/counting.py — the only place the definition is applied — and read through its
day and month tallies (tally.py). Before counting, the follow-ups recorded since the last look
are taken into the summary and the tallies that changed are made again (a write only when
something changed). Certificates: valid ones issued in the period, by kind. Subsidies: claims 已审核 or later
by ``reviewed_at`` (amount claimed), 核准 or 已发放 by ``decided_at`` (the city's latest decision,
amount decided), 已发放 by ``paid_on`` (claim_tally.py). Every query reads an index (migration
0016; tests/services/test_stats_plans.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path


from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.domain.plan import EMPLOYMENT_RATE_LABEL, TARGET_KEYS
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.catalog import CatalogService
from jiangxin_desktop.services.security import Acting
from jiangxin_desktop.services.stats import people as people_lists
from jiangxin_desktop.services.stats import tally
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
from jiangxin_desktop.store.outcome_summary import apply_followups, pending_followups
from jiangxin_desktop.store.stats_models import EnrollmentOutcome as O

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
        catalog = self.catalogs.active()
        plan, threshold = catalog.plan, catalog.rules.attendance_threshold
        self.bring_up_to_date()
        with self.db.read() as s:
            classify = Classifier(self.codes, catalog_facts(s))
            marginals = tally.read(s, "pt", start, end)
            kinds = [(*value.split("|", 1), n) for _dim, value, n in tally.read(s, "cert", start, end)]
            money = self._subsidies(tally.read(s, "claim", start, end))
        by_group: dict[str, int] = {}
        by_area: dict[str, int] = {}
        values = dict.fromkeys((*PERSON_TIME_TARGETS, *CERTIFICATE_TARGETS), 0)
        emp = followed = 0
        for dim, value, n in marginals:
            if dim == "g":
                by_group[classify.group(value)] = by_group.get(classify.group(value), 0) + n
                values["person_times"] += n
                keys = classify.group_targets(value)
            elif dim == "p":
                by_area[classify.area(value)] = by_area.get(classify.area(value), 0) + n
                keys = classify.project_targets(value)
            elif dim == "o":
                keys = classify.occupation_targets(value)
            else:  # "f": target group | follow-up outcome at the last period ("" when none)
                target_group, outcome = value.split("|", 1)
                keys = []
                if outcome and classify.employment_group(target_group):
                    followed += n
                    emp += n if employed(outcome) else 0
            for key in keys:
                values[key] += n
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
        self.bring_up_to_date()
        catalog = self.catalogs.active()
        lists = people_lists.PeopleLists(self.codes, catalog, self._bounds(start, end))
        with self.db.read() as s:
            classify = Classifier(self.codes, catalog_facts(s))
            return lists.rows(s, classify, figure, key, start, end, limit)

    # --- helpers ----------------------------------------------------------------------
    def bring_up_to_date(self) -> None:
        """Follow-ups recorded since the last look, then the tallies that changed (tally.py)."""
        self.take_in_followups()
        catalog = self.catalogs.active()
        counting, threshold = catalog.plan.counting, catalog.rules.attendance_threshold
        signature = f"subsidised_only={counting.subsidised_only};threshold={counting.threshold(threshold)!r}"
        tally.bring_up_to_date(self.db, signature, counted(catalog.plan, threshold))

    def take_in_followups(self) -> None:
        """Follow-ups recorded since the summary last looked: into ``enrollment_outcome``."""
        with self.db.read() as s:
            pending = pending_followups(s)
        if pending:
            with self.db.write() as s:
                apply_followups(s, pending_followups(s))

    @staticmethod
    def _bounds(start: date, end: date) -> tuple[str, str]:
        """The period's first and after-last instants (days of this computer's time zone, as the
        attendance windows) as stored UTC ISO strings."""
        def utc(day: date) -> str:
            moment = datetime.combine(day, time()).astimezone()
            return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return utc(start), utc(end + timedelta(days=1))

    @staticmethod
    def _subsidies(sums: list[tuple[str, str, int]]) -> tuple[Money, Money, Money]:
        """已申请, 已核准, 已发放 (count and fen) from the claim tallies (claim_tally.py)."""
        found = {(dim, value): n for dim, value, n in sums}
        return tuple(Money(found.get((dim, "count"), 0), found.get((dim, "fen"), 0)) for dim in "cap")  # type: ignore[return-value]

    # --- exports (services/stats/report.py) --------------------------------------------
    def export_excel(self, start: date, end: date, out: Path) -> Path:
        """The monthly report as a workbook (sheet 月报): the page's figures, numbers as numbers."""
        from jiangxin_desktop.services.stats.report import write_excel

        summary = self.summary(start, end)
        return write_excel(summary, Path(out), made=self._made())

    def export_pdf(self, start: date, end: date, out: Path, *, template: Path | None = None) -> Path:
        """The monthly report through the template engine (forms/stats-report.toml)."""
        from jiangxin_desktop.services.stats.report import write_pdf

        summary = self.summary(start, end)
        return write_pdf(summary, Path(out), made=self._made(), template=template)

    def _made(self) -> str:
        user = self.acting.user
        who = user.display_name if user else self.acting.actor
        return f"导出：{self.acting.now():%Y-%m-%d %H:%M}　{who}"


def _share(value: int | None, target: int | None) -> float | None:
    return value / target if value is not None and target else None


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise KnownError(f"统计期间有误：结束日期 {end} 早于开始日期 {start}。请重新选择期间。")


__all__ = ["EMPLOYMENT_RATE_LABEL", "StatsService"]
