"""The pages of a PDF one under the other, drawn only when they scroll into view.

One widget for the whole document (not one per page): a 1,000-page certificate run costs
the page sizes up front and a few rendered pages, kept in a small cache.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from jiangxin_desktop.ui.printing.pdf_pages import PdfPages

GAP = 16  # pixels around and between pages
CACHE_PAGES = 12
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
BACKGROUND = QColor("#808080")


class PdfPagesView(QWidget):
    """Shown in a QScrollArea; ``zoom`` is screen pixels per PDF point (1.0 ≈ 100 % at 72 dpi)."""

    def __init__(self, pages: PdfPages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = pages
        self.zoom = 1.0
        self.rendered: set[int] = set()  # every page drawn at least once (tests check laziness)
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._tops: list[int] = []
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._relayout()

    # --- geometry -------------------------------------------------------------------
    def set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        if abs(zoom - self.zoom) > 1e-4:
            self.zoom = zoom
            self._cache.clear()
            self._relayout()
            self.update()

    def widest_page(self) -> float:
        return max((s.width() for s in self.pages.sizes), default=595.0)

    def page_rect(self, index: int) -> QRect:
        size = self.pages.sizes[index]
        width, height = round(size.width() * self.zoom), round(size.height() * self.zoom)
        return QRect((self.width() - width) // 2, self._tops[index], width, height)

    def page_at(self, y: int) -> int:
        """The page at height ``y`` (the one above when ``y`` falls in a gap)."""
        return max(0, min(len(self._tops) - 1, bisect_right(self._tops, y) - 1))

    def page_top(self, index: int) -> int:
        return self._tops[index] - GAP // 2

    def _relayout(self) -> None:
        top, self._tops = GAP, []
        for size in self.pages.sizes:
            self._tops.append(top)
            top += round(size.height() * self.zoom) + GAP
        width = round(self.widest_page() * self.zoom) + 2 * GAP
        self.setFixedSize(QSize(width, max(top, GAP)))

    # --- painting -------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        if not self._tops:
            return
        first = self.page_at(event.rect().top())
        for index in range(first, len(self._tops)):
            rect = self.page_rect(index)
            if rect.top() > event.rect().bottom():
                break
            if not rect.intersects(event.rect()):
                continue
            painter.drawImage(rect, self._image(index))
            painter.setPen(QPen(QColor("#404040"), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()

    def _image(self, index: int) -> QImage:
        ratio = self.devicePixelRatioF()
        key = (index, self.zoom * ratio)
        image = self._cache.get(key)
        if image is None:
            image = self.pages.render(index, self.zoom * ratio)
            image.setDevicePixelRatio(ratio)
            self._cache[key] = image
            self.rendered.add(index)
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image
