"""打印证书 from the 证书 tab and the 打印 menu: the certificates service's PDF in the preview."""

from __future__ import annotations

import pytest

from jiangxin_desktop.ui.training.class_detail import CERTIFICATES, ClassDetailDialog
from tests.ui.test_print_preview import pdf_printer


@pytest.fixture
def detail(qtbot, classes_context):
    ctx = classes_context
    finished = next(c for c in ctx.classes.list() if c.status == "finished")
    issued = ctx.certificates.issue(finished.code).issued
    dialog = ClassDetailDialog(ctx, finished.uuid, tab=CERTIFICATES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, issued


def test_all_valid_certificates_from_the_print_menu(qtbot, detail, tmp_path):
    dialog, issued = detail
    assert dialog.certificates_action.isEnabled()
    dialog.certificates_action.trigger()
    preview = dialog.preview
    assert preview is not None and preview.page_count() == len(issued)  # one page each
    assert dialog.status_note.text() == f"证书已生成，共 {len(issued)} 页，请在预览中打印。"
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    from PySide6.QtPrintSupport import QPrinter

    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(1, 2)
    assert preview.print_to(printer) == 2
    folder = preview.pdf_path.parent
    preview.reject()
    assert not folder.exists()


def test_the_selected_certificate_only(qtbot, detail):
    dialog, issued = detail
    tab = dialog.certificates_tab
    tab.table.selectRow(1)
    assert tab.print_button.text() == "打印选中证书（1）"
    tab.print_button.click()
    preview = dialog.preview
    assert preview is not None and preview.page_count() == 1
    assert issued[1].number in preview.windowTitle()
    preview.reject()
