"""The period the figures cover: 本月, 本季度, 本年 (the default), the plan's years, or two dates."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE

CHOICES = ("month", "quarter", "year", "plan", "custom")


def period_of(choice: str, today: date, plan: tuple[date, date]) -> tuple[date, date]:
    """The first and last day of ``choice`` around ``today`` (custom: this year, to start from)."""
    if choice == "month":
        return today.replace(day=1), today.replace(day=monthrange(today.year, today.month)[1])
    if choice == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        return date(today.year, first, 1), date(today.year, first + 2, monthrange(today.year, first + 2)[1])
    if choice == "plan":
        return plan
    return date(today.year, 1, 1), date(today.year, 12, 31)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class PeriodChooser(QWidget):
    """Emits ``changed`` with a valid period; two dates in the wrong order are said so in red."""

    changed = Signal()

    def __init__(
        self, today: Callable[[], date], plan: tuple[date, date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.plan = plan
        self.combo = QComboBox(self)
        for choice, text in zip(CHOICES, (
            self.tr("本月"), self.tr("本季度"), self.tr("本年"),
            self.tr("计划期 {a}–{b}").format(a=plan[0].year, b=plan[1].year), self.tr("自定义"),
        ), strict=True):
            self.combo.addItem(text, choice)
        self.combo.setToolTip(self.tr("按培训班结业日期统计的期间"))
        self.start_edit = QDateEdit(self)
        self.end_edit = QDateEdit(self)
        self._quiet = False
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self._dates_changed())
        self.dash = QLabel(self.tr("至"), self)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(ERROR_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("统计期间："), self))
        for widget in (self.combo, self.start_edit, self.dash, self.end_edit, self.problem):
            layout.addWidget(widget)
        self.combo.setCurrentIndex(CHOICES.index("year"))
        self._choice_changed()
        self.combo.currentIndexChanged.connect(lambda _i: self._choice_changed())

    def choice(self) -> str:
        return str(self.combo.currentData())

    def choose(self, choice: str) -> None:
        self.combo.setCurrentIndex(CHOICES.index(choice))

    def set_dates(self, start: date, end: date) -> None:
        """自定义 with these two dates (one signal once both are set)."""
        self._quiet = True
        self.choose("custom")
        self.start_edit.setDate(_qdate(start))
        self.end_edit.setDate(_qdate(end))
        self._quiet = False
        self._dates_changed()

    def period(self) -> tuple[date, date]:
        return _pydate(self.start_edit.date()), _pydate(self.end_edit.date())

    def valid(self) -> bool:
        start, end = self.period()
        return start <= end

    def _choice_changed(self) -> None:
        choice = self.choice()
        custom = choice == "custom"
        if not custom:
            start, end = period_of(choice, self.today(), self.plan)
            self._quiet = True
            self.start_edit.setDate(_qdate(start))
            self.end_edit.setDate(_qdate(end))
            self._quiet = False
        for widget, tip in ((self.start_edit, self.tr("开始日期")), (self.end_edit, self.tr("结束日期"))):
            widget.setEnabled(custom)
            widget.setToolTip(tip if custom else self.tr("{what}：选“自定义”后可以改").format(what=tip))
        self._dates_changed()

    def _dates_changed(self) -> None:
        if self._quiet:
            return
        ok = self.valid()
        self.problem.setText("" if ok else self.tr("结束日期早于开始日期，请改正"))
        if ok:
            self.changed.emit()
