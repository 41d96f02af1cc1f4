"""导出 Excel 月报… and 导出 PDF…: a file chosen by the clerk, written in a worker under a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.workers import BackgroundTask

KINDS = {"excel": ("xlsx", "Excel (*.xlsx)"), "pdf": ("pdf", "PDF (*.pdf)")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatsExport", text)


def _what(kind: str) -> str:
    return _tr("Excel 月报") if kind == "excel" else _tr("PDF 报表")


def suggested_name(kind: str, start: date, end: date) -> str:
    return _tr("培训统计 {start} 至 {end}.{ext}").format(start=start, end=end, ext=KINDS[kind][0])


def ask_and_export(parent: QWidget, export: Callable[[date, date, Path], Path], kind: str,
                   start: date, end: date) -> Path | None:
    """The save dialog, then :func:`export_to`; None when the clerk cancels or it fails."""
    name, _ = QFileDialog.getSaveFileName(
        parent, _tr("导出{what}").format(what=_what(kind)), suggested_name(kind, start, end), KINDS[kind][1])
    return export_to(parent, export, kind, start, end, Path(name)) if name else None


def export_to(parent: QWidget, export: Callable[[date, date, Path], Path], kind: str,
              start: date, end: date, out: Path) -> Path | None:
    """Write the report to ``out`` in a worker (the window never freezes); failures in Chinese."""
    suffix = "." + KINDS[kind][0]
    if out.suffix.lower() != suffix:
        out = out.with_name(out.name + suffix)

    def work(_report: Callable[[int, int], None]) -> Path:
        try:
            return export(start, end, out)
        except OSError as exc:
            raise KnownError(_tr("无法写入 {file}：{why}。请关闭正在打开它的程序，或换一个位置保存。").format(
                file=out, why=describe_error(exc))) from exc

    what = _what(kind)
    text = _tr("正在导出{what}（{start} 至 {end}）……").format(what=what, start=start, end=end)
    progress = TaskProgressDialog(_tr("导出{what}").format(what=what), text, parent)
    kind_done, value = progress.run(BackgroundTask(work, progress))
    if kind_done == "failed":
        if isinstance(value, KnownError):
            show_known_error(parent, value, title=_tr("{what}没有导出").format(what=what))
            return None
        assert isinstance(value, BaseException)
        raise value
    return value if kind_done == "finished" and isinstance(value, Path) else None
