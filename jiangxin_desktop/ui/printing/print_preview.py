"""打印预览: the PDF that will be printed, page by page, with 打印…, 另存为 PDF… and 关闭.

What the clerk sees is the file the printer gets: both are drawn by pdfium from the same
PDF. Printing runs in a worker with a progress bar and 取消 (500 certificates take a while).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.printing.pdf_pages import PdfPages
from jiangxin_desktop.ui.printing.pdf_printing import chosen_pages, print_pages, set_paper
from jiangxin_desktop.ui.printing.pdf_view import GAP, PdfPagesView
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.screen_fit import fit_to_screen
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

ZOOM_STEP = 1.25


class PrintPreviewDialog(QDialog):
    printed = Signal(int)  # sheets sent to the printer

    def __init__(self, pdf_path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.pages = PdfPages(self.pdf_path)
        self.fit_width = True
        self.setWindowTitle(self.tr("打印预览 — {title}").format(title=title))
        self.title = title

        self.view = PdfPagesView(self.pages)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.view)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # always there, so that 适合宽度 does not change the width it fits to
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setBackgroundRole(self.view.backgroundRole())
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._show_position())
        self.scroll.verticalScrollBar().setSingleStep(40)
        self.scroll.viewport().installEventFilter(self)

        self.zoom_out_button = self._button(self.tr("缩小"), self.zoom_out)
        self.zoom_in_button = self._button(self.tr("放大"), self.zoom_in)
        self.fit_button = self._button(self.tr("适合宽度"), self.fit_to_width)
        self.zoom_label = QLabel(self)
        self.page_label = QLabel(self)
        self.print_button = self._button(self.tr("打印…"), self.print_document)
        self.print_button.setDefault(True)
        self.save_button = self._button(self.tr("另存为 PDF…"), self.save_as)
        self.close_button = self._button(self.tr("关闭"), self.reject)
        self.print_button.setToolTip(self.tr("选择打印机、份数和页码范围（Ctrl+P）"))

        tools = QHBoxLayout()
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.zoom_label):
            tools.addWidget(widget)
        tools.addSpacing(24)
        tools.addWidget(self.page_label)
        tools.addStretch(1)
        for widget in (self.print_button, self.save_button, self.close_button):
            tools.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.scroll, 1)

        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence.StandardKey.Print, self.print_document),
        ):
            QShortcut(QKeySequence(keys), self, slot)
        self._show_zoom()
        self._show_position()
        fit_to_screen(self, 1200, 900)  # a landscape roster wants the width

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- zoom and position ------------------------------------------------------------------
    def page_count(self) -> int:
        return len(self.pages)

    def current_page(self) -> int:
        """0-based: the page filling the upper part of the window."""
        bar = self.scroll.verticalScrollBar()
        return self.view.page_at(bar.value() + self.scroll.viewport().height() // 3)

    def go_to_page(self, index: int) -> None:
        self.scroll.verticalScrollBar().setValue(self.view.page_top(index))

    def zoom_in(self) -> None:
        self._zoom(self.view.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(self.view.zoom / ZOOM_STEP)

    def fit_to_width(self) -> None:
        self.fit_width = True
        self._apply_fit()

    def _zoom(self, zoom: float, *, fit: bool = False) -> None:
        page = self.current_page()
        self.fit_width = fit
        self.view.set_zoom(zoom)
        self.go_to_page(page)
        self._show_zoom()
        self._show_position()

    def _apply_fit(self) -> None:
        room = self.scroll.viewport().width() - 2 * GAP
        self._zoom(max(room, 100) / self.view.widest_page(), fit=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize and self.fit_width:
            self._apply_fit()
        return super().eventFilter(watched, event)

    def _show_zoom(self) -> None:
        # 100 % is the paper's real size on a 96-dpi screen
        self.zoom_label.setText(self.tr("{p}%").format(p=round(self.view.zoom * 72 / 96 * 100)))

    def _show_position(self) -> None:
        text = self.tr("第 {page} 页 / 共 {count} 页")
        self.page_label.setText(text.format(page=self.current_page() + 1, count=self.page_count()))

    # --- saving and printing ----------------------------------------------------------------
    def save_as(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为 PDF"), f"{self.title}.pdf", self.tr("PDF 文件 (*.pdf)")
        )
        return self.save_to(Path(name)) if name else None

    def save_to(self, out: Path) -> Path | None:
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        try:
            shutil.copyfile(self.pdf_path, out)
        except OSError as exc:
            show_known_error(
                self,
                KnownError(
                    self.tr("无法保存到 {file}：{why}。请换一个位置保存。").format(
                        file=out, why=describe_error(exc)
                    )
                ),
                title=self.tr("没有保存"),
            )
            return None
        return out

    def print_document(self) -> int:
        """Ask for the printer, copies and pages, then print; returns the sheets printed."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        set_paper(printer, self.pages.sizes[0])
        printer.setDocName(self.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setMinMax(1, self.page_count())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print on a printer already chosen (tests give a PDF printer); 0 when cancelled or failed."""
        indexes = chosen_pages(printer, self.page_count(), self.current_page())
        pages = self.pages

        def work(report: ProgressCallback) -> int:
            return print_pages(pages, printer, indexes, report)

        progress = TaskProgressDialog(
            self.tr("正在打印"),
            self.tr("正在把“{title}”送往打印机（共 {n} 页）……").format(title=self.title, n=len(indexes)),
            self,
        )
        self.print_button.setEnabled(False)
        try:
            kind, value = progress.run(BackgroundTask(work, progress))
        finally:
            self.print_button.setEnabled(True)
        if kind == "failed":
            if isinstance(value, KnownError):
                show_known_error(self, value, title=self.tr("打印没有完成"))
                return 0
            assert isinstance(value, BaseException)
            raise value
        if kind != "finished":
            return 0
        assert isinstance(value, int)
        self.printed.emit(value)
        return value

    # --- closing ----------------------------------------------------------------------------
    def done(self, result: int) -> None:
        # before ``finished``, whose receivers delete the file (Windows refuses while it is open)
        self.view.hide()  # nothing paints from a closed document
        self.pages.close()
        super().done(result)
