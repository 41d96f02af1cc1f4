"""A PDF's pages as QImages, drawn by pdfium (pypdfium2): the preview and the printer see the same file.

PDFium is not thread-safe, and the printer job renders in a worker while the preview may
paint: every call into it holds :data:`PDFIUM_LOCK`.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import pypdfium2
from PySide6.QtCore import QCoreApplication, QSizeF
from PySide6.QtGui import QImage

from jiangxin_desktop.errors import KnownError

PDFIUM_LOCK = threading.RLock()
POINTS_PER_INCH = 72.0


class PdfPages:
    """An open PDF: page count, page sizes in points, and pages rendered to QImage on request."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.closed = False
        try:
            with PDFIUM_LOCK:
                self._pdf = pypdfium2.PdfDocument(str(self.path))
                self.sizes = [
                    QSizeF(*self._pdf.get_page_size(i)) for i in range(len(self._pdf))
                ]  # no page is loaded for this
        except (OSError, pypdfium2.PdfiumError) as exc:
            raise KnownError(
                QCoreApplication.translate("PdfPages", "无法打开 {file}：文件不存在或已损坏。").format(
                    file=self.path.name
                )
            ) from exc

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, scale: float) -> QImage:
        """Page ``index`` at ``scale`` pixels per point (a copy: safe after the page is closed)."""
        with PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
                try:
                    size = bitmap.stride * bitmap.height
                    data = ctypes.string_at(bitmap.buffer, size)
                    rgbx = QImage.Format.Format_RGBX8888
                    image = QImage(data, bitmap.width, bitmap.height, bitmap.stride, rgbx)
                    return image.copy()  # owns its pixels: ``data`` goes away
                finally:
                    bitmap.close()
            finally:
                page.close()

    def render_at_dpi(self, index: int, dpi: float) -> QImage:
        return self.render(index, dpi / POINTS_PER_INCH)

    def close(self) -> None:
        with PDFIUM_LOCK:
            if not self.closed:
                self.closed = True
                self._pdf.close()


def page_count(path: Path) -> int:
    """How many pages a PDF has (for tests and for messages)."""
    pages = PdfPages(path)
    try:
        return len(pages)
    finally:
        pages.close()
