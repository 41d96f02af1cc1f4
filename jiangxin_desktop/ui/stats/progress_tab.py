"""计划进度: the station's figures for a period beside the city plan's targets, drawn.

The figures come from ``ctx.stats.summary`` (one definition of a person-time, shown at the top)
read in a worker: the page says 正在统计… and never freezes. Every card, bar and target row opens
the people behind it (``ctx.stats.people``), also read in a worker. 导出 Excel 月报… and 导出 PDF…
write the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.stats import stats_export
from jiangxin_desktop.ui.stats.charts import Bar, BarChart
from jiangxin_desktop.ui.stats.figure_card import FigureCard
from jiangxin_desktop.ui.stats.people_dialog import PeopleDialog
from jiangxin_desktop.ui.stats.period_chooser import PeriodChooser
from jiangxin_desktop.ui.stats.targets_table import TargetsTable, percent
from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE
from jiangxin_desktop.ui.widgets.workers import BackgroundTask

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

SUBSIDY_STEPS = ("claimed", "approved", "paid")
# the figure of ctx.stats.people each chart's bars open
CHART_FIGURES = {"by_group": "person_times", "by_area": "person_times", "by_kind": "certificates"}
_RUNNING: set[BackgroundTask] = set()  # a task outlives a page rebuilt meanwhile (another user)


def run_task(
    owner: QWidget,
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
) -> None:
    """``work()`` in a worker; ``done`` or ``failed`` on the GUI thread afterwards, unless ``owner``
    is gone meanwhile (the page rebuilt for another user)."""
    task = BackgroundTask(lambda _report: work())
    app = QCoreApplication.instance()
    if app is not None and not app.property("statsWaitAtQuit"):
        app.setProperty("statsWaitAtQuit", True)
        app.aboutToQuit.connect(wait_for_tasks)
    _RUNNING.add(task)

    def then(call: Callable[[Any], None], value: Any) -> None:
        _RUNNING.discard(task)
        if isValid(owner):
            call(value)

    task.finished.connect(lambda value: then(done, value))
    task.failed.connect(lambda error: then(failed, error))
    task.cancelled.connect(lambda: _RUNNING.discard(task))
    task.start()


def wait_for_tasks() -> None:
    """At quit: a count under way ends first (a thread must not outlive the application)."""
    for task in list(_RUNNING):
        task.wait(10_000)


class PlanProgressTab(QWidget):
    message = Signal(str)  # for the status bar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: dict[str, Any] | None = None  # the last summary shown (Summary.to_json())
        self.period: tuple[date, date] | None = None  # its period
        self.busy = False
        self._again = False
        self.people_dialog: PeopleDialog | None = None
        plan = ctx.catalogs.active().plan

        self.chooser = PeriodChooser(ctx.acting.today, (plan.start, plan.end), self)
        self.chooser.changed.connect(self.refresh)
        self.busy_label = QLabel(self.tr("正在统计…"), self)
        self.busy_label.hide()
        self.excel_button = QPushButton(self.tr("导出 Excel 月报…"), self)
        self.excel_button.setToolTip(self.tr("按市里月报的格式导出本期数字"))
        self.excel_button.clicked.connect(lambda: self.export("excel"))
        self.pdf_button = QPushButton(self.tr("导出 PDF…"), self)
        self.pdf_button.setToolTip(self.tr("导出可打印的统计报表"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addWidget(self.busy_label)
        top.addStretch(1)
        top.addWidget(self.excel_button)
        top.addWidget(self.pdf_button)

        self.definition_label = QLabel(self)
        self.definition_label.setWordWrap(True)
        self.definition_label.setStyleSheet("color: #444444;")
        self.notice_label = QLabel(self)
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(WARNING_STYLE)
        self.notice_label.hide()

        self.cards = {
            "person_times": FigureCard(self.tr("补贴性培训人次"), self),
            "certificates": FigureCard(self.tr("发证"), self),
            "employment": FigureCard(self.tr("培训后就业创业率"), self, meter=True),
            "claimed": FigureCard(self.tr("补贴申请"), self),
            "approved": FigureCard(self.tr("补贴核准"), self),
            "paid": FigureCard(self.tr("补贴发放"), self),
        }
        grid = QGridLayout()
        grid.setSpacing(10)
        for i, (key, card) in enumerate(self.cards.items()):
            card.clicked.connect(lambda k=key: self.open_card(k))
            grid.addWidget(card, i // 3, i % 3)

        self.targets = TargetsTable(self)
        self.targets.row_opened.connect(self.open_target)
        targets_box = self._box(self.tr("计划目标（全市）与本站完成"), self.targets)

        self.charts = {
            "by_group": BarChart(self),
            "by_area": BarChart(self),
            "by_kind": BarChart(self),
        }
        for chart, figure in CHART_FIGURES.items():
            self.charts[chart].clicked.connect(
                lambda k, c=chart, f=figure: self.open_people(f, k, self._bar_label(c, k)))
        charts = QHBoxLayout()
        for key, title in (("by_group", self.tr("人次：按人员类别")), ("by_area", self.tr("人次：按培训方向")),
                           ("by_kind", self.tr("发证：按证书种类"))):
            charts.addWidget(self._box(title, self.charts[key]), 1)

        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 8, 0)
        inner.addLayout(grid)
        inner.addWidget(targets_box)
        inner.addLayout(charts)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.definition_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(scroll, 1)

    def _box(self, title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title, self)
        layout = QVBoxLayout(box)
        layout.addWidget(widget)
        return box

    # --- reading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Count again for the chosen period (F5, shown again, another period); in a worker."""
        if not self.chooser.valid():
            return
        if self.busy:
            self._again = True  # counted again once the current count is done
            return
        start, end = self.chooser.period()
        stats = self.ctx.stats
        self._set_busy(True, self.tr("正在统计…"))
        run_task(self, lambda: (start, end, stats.summary(start, end).to_json()), self._counted, self._failed)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.busy_label.setText(text)
        self.busy_label.setVisible(busy)
        for button in (self.excel_button, self.pdf_button):
            button.setEnabled(not busy)
            button.setToolTip(self.tr("正在统计，请稍候") if busy else self._tips[button is self.pdf_button])

    @property
    def _tips(self) -> tuple[str, str]:
        return self.tr("按市里月报的格式导出本期数字"), self.tr("导出可打印的统计报表")

    def _counted(self, result: tuple[date, date, dict[str, Any]]) -> None:
        self._set_busy(False)
        if self._again:
            self._again = False
            self.refresh()
            return
        start, end, summary = result
        self.period = (start, end)
        self.summary = summary
        self.notice_label.hide()
        self.show_summary(summary)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._again = False
        if not isinstance(error, KnownError):
            raise error
        self.notice_label.setText(self.tr("没有统计出来：{why}").format(why=error.message))
        self.notice_label.show()

    def show_summary(self, s: dict[str, Any]) -> None:
        self.definition_label.setText(self.tr("统计口径：{text}").format(text=s.get("definition", "")))
        people, certs = s["person_times"], s["certificates"]
        period = self.tr("{start} 至 {end}").format(start=s["period"]["from"], end=s["period"]["to"])
        self.cards["person_times"].set_figure(self.tr("{n:,} 人次").format(n=people["total"]), period)
        self.cards["certificates"].set_figure(self.tr("{n:,} 本").format(n=certs["total"]), period)
        self._show_employment(s)
        words = {"claimed": self.tr("已申请 {n:,} 份"), "approved": self.tr("已核准 {n:,} 份"),
                 "paid": self.tr("已发放 {n:,} 份")}
        for step in SUBSIDY_STEPS:
            figure = s["subsidies"][step]
            amount = yuan_sign(int(figure["amount_fen"]))
            self.cards[step].set_figure(amount, words[step].format(n=figure["count"]))
        self.targets.show_targets(s["targets"], s["employment_rate"], self._employment_target(s))
        self.charts["by_group"].set_bars(self._bars(people.get("by_group", [])))
        self.charts["by_area"].set_bars(self._bars(people.get("by_area", [])))
        self.charts["by_kind"].set_bars(self._bars(certs.get("by_kind", [])))

    def _employment_target(self, s: dict[str, Any]) -> float:
        return float(s["employment_rate"].get("target") or s.get("employment_target") or 0.45)

    def _show_employment(self, s: dict[str, Any]) -> None:
        rate = s["employment_rate"]
        target = self._employment_target(s)
        card = self.cards["employment"]
        value = percent(rate.get("rate")) if rate.get("followed_up") else self.tr("尚无回访")
        card.set_figure(value, self.tr("已回访 {f:,} 人，就业创业 {e:,} 人").format(
            f=rate.get("followed_up", 0), e=rate.get("employed", 0)))
        assert card.meter is not None
        card.meter.set_value(rate.get("rate"), self.tr("目标 {t}").format(t=percent(target)), target)

    @staticmethod
    def _bars(items: list[dict[str, Any]]) -> list[Bar]:
        return [Bar(item.get("key"), str(item.get("label") or item.get("key") or ""), float(item["count"]),
                    f"{item['count']:,}") for item in items]

    def _bar_label(self, chart: str, key: object) -> str:
        bar = next((b for b in self.charts[chart].bars if b.key == key), None)
        return bar.label if bar else ""

    # --- the people behind a figure ------------------------------------------------------------
    def open_card(self, key: str) -> None:
        titles = {"person_times": self.tr("补贴性培训人次"), "certificates": self.tr("发证"),
                  "employment": self.tr("已回访（就业创业率）"), "claimed": self.tr("补贴申请"),
                  "approved": self.tr("补贴核准"), "paid": self.tr("补贴发放")}
        if key in SUBSIDY_STEPS:
            self.open_people("subsidies", key, titles[key])
        else:
            self.open_people(key, None, titles[key])

    def open_target(self, key: str, label: str) -> None:
        if key == "employment_rate":
            self.open_people("employment", None, self.tr("已回访（就业创业率）"))
        else:
            self.open_people("targets", key, label)

    def open_people(self, figure: str, key: str | None, what: str) -> None:
        """List the people behind ``figure`` (narrowed by ``key``) for the period shown."""
        if self.period is None or self.busy:
            return
        start, end = self.period
        stats = self.ctx.stats
        self._set_busy(True, self.tr("正在查找名单…"))
        run_task(self, lambda: stats.people(figure, key, start, end),
                 lambda rows: self._show_people(what, start, end, rows), self._people_failed)

    def _show_people(self, what: str, start: date, end: date, rows: list[Any]) -> None:
        self._set_busy(False)
        period = self.tr("{start} 至 {end}").format(start=start, end=end)
        dialog = PeopleDialog(what, period, rows, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "people_dialog", None))
        self.people_dialog = dialog
        dialog.open()

    def _people_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(error, KnownError):
            raise error
        self.notice_label.setText(self.tr("名单没有列出来：{why}").format(why=error.message))
        self.notice_label.show()

    # --- exports -------------------------------------------------------------------------------
    def export(self, kind: str, out: Path | None = None) -> Path | None:
        """导出 Excel 月报… / 导出 PDF… for the chosen period (``out`` given: no file dialog)."""
        if self.busy or not self.chooser.valid():
            return None
        start, end = self.chooser.period()
        stats = self.ctx.stats
        write = stats.export_excel if kind == "excel" else stats.export_pdf
        if out is None:
            path = stats_export.ask_and_export(self, write, kind, start, end)
        else:
            path = stats_export.export_to(self, write, kind, start, end, out)
        if path is not None:
            self.message.emit(self.tr("已导出：{file}").format(file=path))
        return path
