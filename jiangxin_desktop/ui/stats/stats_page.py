"""统计: tabs 计划进度 · 待回访 · 就业服务; the shown tab is read again when the page is shown and on F5."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from jiangxin_desktop.ui.followup.followup_tab import FollowupTab
from jiangxin_desktop.ui.followup.services_tab import ServicesTab
from jiangxin_desktop.ui.stats.progress_tab import PlanProgressTab

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class StatsPage(QWidget):
    message = Signal(str)  # for the status bar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget(self)
        self.progress_tab = PlanProgressTab(ctx, self)
        self.followup_tab = FollowupTab(ctx, self)
        self.services_tab = ServicesTab(ctx, self)
        for tab, title in ((self.progress_tab, self.tr("计划进度")), (self.followup_tab, self.tr("待回访")),
                           (self.services_tab, self.tr("就业服务"))):
            tab.message.connect(self.message)
            self.tabs.addTab(tab, title)
        self.fresh: set[int] = set()  # tabs read since the page was last shown or refreshed
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs)

    def tab(self, title: str) -> Any:
        index = next(i for i in range(self.tabs.count()) if self.tabs.tabText(i) == title)
        return self.tabs.widget(index)

    def refresh(self) -> None:
        """F5: the shown tab now, the others when next shown."""
        self.fresh.clear()
        self._refresh_current()

    def _refresh_current(self) -> None:
        index = self.tabs.currentIndex()
        if index >= 0 and index not in self.fresh and self.isVisible():
            self.fresh.add(index)
            self.tabs.widget(index).refresh()  # type: ignore[attr-defined]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # back on the page: classes, claims and follow-ups may have changed elsewhere
