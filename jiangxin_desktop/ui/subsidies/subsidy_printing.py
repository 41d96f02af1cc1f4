"""Printing the 补贴 documents of a class: 申请表 (one per claim), 汇总表 and 公示名单.

Made by ``ctx.subsidy_documents()`` in a worker under a progress bar, then shown in the print
preview (``ui/training/class_printing.make_and_preview``: the PDF lives in a temporary folder
removed when the preview closes).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.ui.printing.print_preview import PrintPreviewDialog
from jiangxin_desktop.ui.training.class_printing import make_and_preview
from jiangxin_desktop.ui.widgets.workers import ProgressCallback

DOCUMENTS = ("forms", "summary", "notice")


def _tr(text: str) -> str:
    return QCoreApplication.translate("SubsidyPrinting", text)


def document_names() -> dict[str, str]:
    return {"forms": _tr("补贴申请表"), "summary": _tr("补贴申请汇总表"), "notice": _tr("公示名单")}


def _call(make: Callable[..., object], class_code: str, out: Path, report: ProgressCallback) -> dict:
    """The documents service's method, with the progress callback when it takes one."""
    try:
        takes_progress = "progress" in inspect.signature(make).parameters
    except (TypeError, ValueError):
        takes_progress = False
    result = make(class_code, out, progress=report) if takes_progress else make(class_code, out)
    return result if isinstance(result, dict) else {"result": result}


def print_document(
    parent: QWidget, ctx: AppContext, class_code: str, which: str, *, temp_root: Path | None = None
) -> PrintPreviewDialog | None:
    """``which``: forms | summary | notice. Returns the open preview, or None (reason already shown)."""
    name = document_names()[which]

    def make(out: Path, report: ProgressCallback) -> dict:
        documents = ctx.subsidy_documents()
        method = {"forms": documents.subsidy_forms, "summary": documents.claim_summary, "notice": documents.notice}
        return _call(method[which], class_code, out, report)

    return make_and_preview(parent, name, f"{class_code} {name}", make, temp_root=temp_root)
