"""The plan's targets beside the station: 目标, 全市目标, 本站完成, 完成率 (drawn as a bar).

The station's share of a city-wide target is small; it is shown as it is (0.12 %), never
stretched. The last row is the employment rate after training against its target (45 %), with the
target line. A click or Enter on a row opens the people behind it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem, QWidget

from jiangxin_desktop.domain.plan import EMPLOYMENT_RATE_LABEL
from jiangxin_desktop.ui.stats.charts import ProgressMeter
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

EMPLOYMENT_KEY = "employment_rate"


def percent(share: float | None) -> str:
    """0.0012 → "0.12%", 0.385 → "38.5%", None → "—"."""
    if share is None:
        return "—"
    if abs(share * 100 - round(share * 100)) < 1e-9:
        return f"{share:.0%}"
    if share < 0.0001:
        return "<0.01%"
    return f"{share:.2%}" if share < 0.1 else f"{share:.1%}"


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


class TargetsTable(QTableWidget):
    row_opened = Signal(str, str)  # the target's key and label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([self.tr("目标"), self.tr("全市目标"), self.tr("本站完成"), self.tr("完成率")])
        make_read_only_list(self)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.setToolTip(self.tr("点击一行或按回车查看名单"))
        self.keys: list[tuple[str, str]] = []
        self.cellClicked.connect(lambda row, _column: self._open(row))
        self.installEventFilter(self)

    def show_targets(
        self, targets: list[dict[str, Any]], employment: dict[str, Any], target_rate: float
    ) -> None:
        self.setRowCount(0)
        self.keys = []
        for t in targets:
            share = t.get("share")
            self._add_row(t["key"], str(t["label"]), _number(t.get("target")), _number(t.get("value")),
                          share, percent(share), None)
            if t.get("value") is None:  # a figure the city counts (培训载体): nobody to list here
                self.keys[-1] = ("", "")
                for column in range(3):
                    self.item(self.rowCount() - 1, column).setToolTip(self.tr("这一项由市里统计，本站不计"))
        rate = employment.get("rate") if employment.get("followed_up") else None
        words = percent(rate) if rate is not None else self.tr("尚无回访")
        self._add_row(EMPLOYMENT_KEY, EMPLOYMENT_RATE_LABEL, percent(target_rate), percent(rate), rate,
                      self.tr("{rate}（目标 {t}）").format(rate=words, t=percent(target_rate)), target_rate)
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        self.setFixedHeight(height)

    def _add_row(self, key: str, label: str, target: str, value: str, share: float | None, text: str,
                 target_line: float | None) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.keys.append((key, label))
        for column, cell in enumerate((label, target, value)):
            item = QTableWidgetItem(cell)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, column, item)
        if value == "—":  # not counted here: no empty bar
            item = QTableWidgetItem(self.tr("由市里统计"))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 3, item)
        else:
            meter = ProgressMeter(self)
            meter.set_value(share, text, target_line)
            self.setCellWidget(row, 3, meter)
        self.setRowHeight(row, round(self.fontMetrics().height() * 1.6))

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.keys) and self.keys[row][0]:
            self.row_opened.emit(*self.keys[row])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open(self.currentRow())
                return True
        return super().eventFilter(watched, event)
