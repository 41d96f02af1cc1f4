"""打印预览: pages drawn as they come into view, zoom, page count, printing and saving a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from jiangxin_desktop.ui.printing.pdf_pages import page_count
from jiangxin_desktop.ui.printing.print_preview import PrintPreviewDialog
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog


def make_pdf(path: Path, pages: int, size=A4) -> Path:
    canvas = Canvas(str(path), pagesize=size)
    for n in range(1, pages + 1):
        canvas.setFont("Helvetica", 48)
        canvas.drawString(72, size[1] - 144, f"Page {n}")
        canvas.rect(36, 36, size[0] - 72, size[1] - 72)
        canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def preview(qtbot, tmp_path):
    dialog = PrintPreviewDialog(make_pdf(tmp_path / "doc.pdf", 40), "测试文书")
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.reject()


def pdf_printer(out: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(100)  # pages drawn at 100 dpi: quick, and the count is what is checked
    return printer


def test_pages_are_counted_and_drawn_only_when_seen(qtbot, preview):
    assert preview.page_count() == 40
    assert preview.page_label.text() == "第 1 页 / 共 40 页"
    qtbot.waitUntil(lambda: 0 in preview.view.rendered)
    assert len(preview.view.rendered) <= 3  # not all 40 up front
    page = preview.view.page_rect(0)
    assert page.width() >= preview.scroll.viewport().width() - 40  # 适合宽度 at first
    preview.go_to_page(25)
    assert preview.page_label.text() == "第 26 页 / 共 40 页"
    qtbot.waitUntil(lambda: 25 in preview.view.rendered)
    assert len(preview.view.rendered) <= 6


def test_zoom_buttons_change_the_page_size_and_keep_the_page(qtbot, preview):
    preview.go_to_page(10)
    before = preview.view.page_rect(0).width()
    qtbot.mouseClick(preview.zoom_out_button, Qt.MouseButton.LeftButton)
    assert preview.view.page_rect(0).width() < before
    assert preview.page_label.text() == "第 11 页 / 共 40 页"
    assert preview.zoom_label.text().endswith("%")
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert preview.view.page_rect(0).width() > before
    assert not preview.fit_width
    qtbot.mouseClick(preview.fit_button, Qt.MouseButton.LeftButton)
    assert abs(preview.view.page_rect(0).width() - before) <= 2


def test_prints_every_page_to_a_pdf_printer(qtbot, preview, tmp_path):
    out = tmp_path / "printed.pdf"
    with qtbot.waitSignal(preview.printed, timeout=60_000) as sent:
        assert preview.print_to(pdf_printer(out)) == 40
    assert sent.args == [40]
    assert out.exists() and page_count(out) == 40


def test_prints_a_page_range(qtbot, preview, tmp_path):
    out = tmp_path / "range.pdf"
    printer = pdf_printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(3, 5)
    assert preview.print_to(printer) == 3
    assert page_count(out) == 3


def test_cancelling_a_print_stops_it(qtbot, preview, tmp_path, answer_modal):
    out = tmp_path / "cancelled.pdf"
    handled = answer_modal(lambda d: d.reject(), TaskProgressDialog)
    assert preview.print_to(pdf_printer(out)) == 0
    assert handled and preview.print_button.isEnabled()


def test_landscape_pages_print_landscape(qtbot, tmp_path):
    dialog = PrintPreviewDialog(make_pdf(tmp_path / "wide.pdf", 2, landscape(A4)), "花名册")
    qtbot.addWidget(dialog)
    out = tmp_path / "wide-printed.pdf"
    printer = pdf_printer(out)
    from jiangxin_desktop.ui.printing.pdf_printing import set_paper

    set_paper(printer, dialog.pages.sizes[0])
    assert dialog.print_to(printer) == 2
    dialog.reject()
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(out))
    width, height = pdf.get_page_size(0)
    pdf.close()
    assert width > height


def test_save_as_copies_the_file(qtbot, preview, tmp_path):
    saved = preview.save_to(tmp_path / "副本")
    assert saved == tmp_path / "副本.pdf"
    assert saved.read_bytes() == preview.pdf_path.read_bytes()


def test_closing_releases_the_file(qtbot, preview):
    closed_when_finished: list[bool] = []
    preview.finished.connect(lambda _r: closed_when_finished.append(preview.pages.closed))
    qtbot.mouseClick(preview.close_button, Qt.MouseButton.LeftButton)
    assert closed_when_finished == [True]  # whoever deletes the file on ``finished`` can
    assert not preview.isVisible() and preview.pages.closed
    preview.pdf_path.unlink()  # Windows refuses while pdfium holds the file


def test_print_asks_for_the_printer_first_and_nothing_is_sent_when_cancelled(qtbot, preview, answer_modal):
    from PySide6.QtPrintSupport import QPrintDialog

    asked: list[QPrintDialog] = []

    def cancel(dialog: QPrintDialog) -> None:
        asked.append(dialog)
        assert (dialog.minPage(), dialog.maxPage()) == (1, 40)
        dialog.reject()

    answer_modal(cancel, QPrintDialog)
    sent: list[int] = []
    preview.printed.connect(sent.append)
    assert preview.print_document() == 0
    assert asked and asked[0].windowTitle() == "打印" and sent == []
