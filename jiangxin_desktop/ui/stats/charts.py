"""Two small charts drawn with QPainter (QtCharts is in PySide6-Addons, which the bundle leaves out).

:class:`BarChart`: horizontal bars, a label left of each and its value right of it; a click, or
Enter on the bar chosen with the arrow keys, emits the bar's key. :class:`ProgressMeter`: a value
against a whole (a share), an optional target line, the figure's text beside it.

Every size comes from the font (so the charts follow the system's scaling); labels that do not
fit are shortened with "…" and shown whole in the tooltip; numbers are never shortened.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR_COLOR = "#3b7dd8"
BAR_ACTIVE_COLOR = "#1f5fb4"
TRACK_COLOR = "#e4e8ee"
TARGET_COLOR = "#c0392b"
TEXT_COLOR = "#222222"
MUTED_COLOR = "#6b6b6b"
OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)


@dataclass(frozen=True)
class Bar:
    key: str | None  # what a click opens (the people behind the bar)
    label: str
    value: float
    text: str  # the value as shown, e.g. "1,234"


class BarChart(QWidget):
    """Horizontal bars, one a line, longest first as given."""

    clicked = Signal(object)  # the bar's key

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = "") -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.empty_text = empty_text or self.tr("本期没有数据")
        self.current = -1  # the bar chosen with the keyboard or under the mouse
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = list(bars)
        self.current = -1
        self.updateGeometry()
        self.update()

    # --- geometry ------------------------------------------------------------------------------
    def _row_height(self) -> int:
        return round(self.fontMetrics().height() * 1.7)

    def _columns(self) -> tuple[int, int, int]:
        """(label width, bar area width, value width) for the current width."""
        fm = self.fontMetrics()
        pad = fm.horizontalAdvance("中")
        value_w = max((fm.horizontalAdvance(b.text) for b in self.bars), default=0) + pad
        label_w = max((fm.horizontalAdvance(b.label) for b in self.bars), default=0) + pad
        label_w = min(label_w, int(self.width() * 0.42))
        return label_w, max(self.width() - label_w - value_w - pad, pad), value_w

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        rows = max(len(self.bars), 1)
        return QSize(fm.horizontalAdvance("中") * 28, rows * self._row_height() + fm.height() // 2)

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("中") * 16, self.sizeHint().height())

    def bar_at(self, point: QPoint) -> int:
        row = int((point.y() - self.fontMetrics().height() // 4) // self._row_height())
        return row if 0 <= row < len(self.bars) else -1

    def bar_rect(self, index: int) -> QRectF:
        """Where bar ``index`` is drawn (its full row across the bar area: tests click there)."""
        label_w, area_w, _ = self._columns()
        h = self._row_height()
        top = self.fontMetrics().height() // 4 + index * h
        return QRectF(label_w, top + h * 0.18, area_w, h * 0.64)

    # --- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        if not self.bars:
            painter.setPen(QColor(MUTED_COLOR))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        label_w, area_w, value_w = self._columns()
        top_value = max((b.value for b in self.bars), default=0) or 1
        pad = fm.horizontalAdvance("中") // 2
        for i, bar in enumerate(self.bars):
            rect = self.bar_rect(i)
            row = QRectF(0, rect.top() - rect.height() * 0.3, self.width(), rect.height() * 1.6)
            if i == self.current and self.hasFocus():
                painter.fillRect(row, QColor("#eef3fb"))
            painter.setPen(QColor(TEXT_COLOR))
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w - pad)
            painter.drawText(QRectF(0, row.top(), label_w - pad, row.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            width = area_w * max(bar.value, 0) / top_value
            if bar.value > 0:
                width = max(width, 2.0)  # a small figure stays visible
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(BAR_ACTIVE_COLOR if i == self.current else BAR_COLOR))
            painter.drawRoundedRect(QRectF(rect.left(), rect.top(), width, rect.height()), 2, 2)
            painter.setPen(QColor(TEXT_COLOR))
            painter.drawText(QRectF(rect.left() + width + pad, row.top(), value_w, row.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)

    # --- mouse and keyboard --------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.bar_at(event.position().toPoint())
        self.setCursor(Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor)
        if index != self.current and index >= 0:
            self.current = index
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.bar_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index >= 0:
            self.current = index
            self.update()
            self.clicked.emit(self.bars[index].key)
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.bars:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = max(0, min(len(self.bars) - 1, self.current + step))
            self.update()
        elif key in OPEN_KEYS and self.current in range(len(self.bars)):
            self.clicked.emit(self.bars[self.current].key)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current < 0 and self.bars:
            self.current = 0
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            index = self.bar_at(event.pos())
            if index >= 0:
                bar = self.bars[index]
                QToolTip.showText(event.globalPos(), self.tr("{label}：{value}（点击查看名单）").format(
                    label=bar.label, value=bar.text), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class ProgressMeter(QWidget):
    """A share drawn as a bar (full = the whole), an optional target line, the text beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fraction = 0.0
        self.text = ""
        self.target: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # its row or card is clicked

    def set_value(self, fraction: float | None, text: str, target: float | None = None) -> None:
        self.fraction = max(fraction or 0.0, 0.0)
        self.text = text
        self.target = target
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("中" * 10 + self.text), round(fm.height() * 1.5))

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("中" * 4 + self.text), round(fm.height() * 1.5))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        pad = fm.horizontalAdvance("中") // 2
        text_w = fm.horizontalAdvance(self.text) + pad
        track_w = max(self.width() - text_w - pad, pad)
        h = self.height()
        track = QRectF(pad / 2, h * 0.28, track_w, h * 0.44)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TRACK_COLOR))
        painter.drawRoundedRect(track, 3, 3)
        if self.fraction > 0:
            painter.setBrush(QColor(BAR_COLOR))
            painter.drawRoundedRect(QRectF(track.left(), track.top(),
                                           max(track_w * min(self.fraction, 1.0), 2.0), track.height()), 3, 3)
        if self.target is not None:
            x = track.left() + track_w * min(max(self.target, 0.0), 1.0)
            pen = QPen(QColor(TARGET_COLOR))
            pen.setWidthF(max(2.0, fm.height() / 9))
            painter.setPen(pen)
            painter.drawLine(QPointF(x, h * 0.1), QPointF(x, h * 0.9))
        painter.setPen(QColor(TEXT_COLOR))
        painter.drawText(QRectF(track.right() + pad, 0, text_w, h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.text)
