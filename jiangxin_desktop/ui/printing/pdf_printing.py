"""Sending a PDF to a printer: each page drawn by pdfium at the printer's resolution (≤ 300 dpi).

Runs in a worker (painting on a QPrinter is allowed outside the GUI thread): ``report``
counts the pages and raises Cancelled after 取消, which aborts the print job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.printing.pdf_pages import PdfPages

MAX_PRINT_DPI = 300  # enough for text and a QR code on a laser printer; 600 dpi quadruples the data


def _tr(text: str) -> str:
    return QCoreApplication.translate("PdfPrinting", text)


def set_paper(printer: QPrinter, size_points: QSizeF) -> None:
    """Suggest the PDF's paper (A4 portrait or landscape) without margins: the PDF has its own."""
    width, height = size_points.width(), size_points.height()
    portrait = QSizeF(min(width, height), max(width, height))
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0)))


def chosen_pages(printer: QPrinter, count: int, current: int) -> list[int]:
    """The page indexes the print dialog asked for (all, a range, or the current page)."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(count, printer.toPage() or count)
        return list(range(first - 1, last))
    if mode == QPrinter.PrintRange.CurrentPage:
        return [current]
    return list(range(count))


def print_pages(
    pages: PdfPages, printer: QPrinter, indexes: Sequence[int], report: Callable[[int, int], None]
) -> int:
    """Print ``indexes`` (each copy in turn when the driver cannot make copies); returns sheets printed."""
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    order = [i for _ in range(copies) for i in indexes]
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError(
            _tr("打印机“{name}”无法开始打印：请检查打印机是否开机、联网、有纸，然后重试。").format(
                name=printer.printerName() or printer.outputFileName()
            )
        )
    try:
        for n, index in enumerate(order):
            if n and not printer.newPage():
                raise KnownError(_tr("打印机在第 {n} 页时停止响应，打印没有完成。").format(n=n + 1))
            image = pages.render_at_dpi(index, dpi)
            area = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRectF(0, 0, image.width() * scale, image.height() * scale)
            target.moveCenter(area.center())
            painter.drawImage(target, image)
            report(n + 1, len(order))
    except BaseException:
        printer.abort()  # 取消 or a failure: nothing half-printed stays queued
        raise
    finally:
        painter.end()
    return len(order)
