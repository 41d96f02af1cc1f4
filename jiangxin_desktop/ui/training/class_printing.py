"""Printing a class's documents (花名册, 签到表, 证书): made in a worker, then shown in the preview.

Each PDF is written into its own temporary folder, removed when the preview closes (the
roster may hold full ID numbers) or when the job is cancelled or fails, so nothing is left
behind. Folders that a crash left are removed the next time anything is printed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.class_records import ClassRecord, SessionRecord
from jiangxin_desktop.ui.training.attendance_grid import session_label
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.printing.print_preview import PrintPreviewDialog
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

FOLDER_PREFIX = "jiangxin-print-"
STALE_AFTER_S = 24 * 3600
Make = Callable[[Path, ProgressCallback], dict]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ClassPrinting", text)


def remove_stale_folders(root: Path | None = None) -> None:
    root = Path(root or tempfile.gettempdir())
    limit = time.time() - STALE_AFTER_S
    for folder in root.glob(f"{FOLDER_PREFIX}*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def run_in_worker(
    parent: QWidget,
    title: str,
    text: str,
    work: Callable[[ProgressCallback], object],
    *,
    error_title: str | None = None,
) -> tuple[str, object]:
    """Run ``work(report)`` in a worker under a progress window (the window never freezes).

    Returns ("finished", result), ("cancelled", None) or ("failed", error); a KnownError is
    shown to the clerk (titled ``error_title``) before it is returned, anything else is raised."""
    progress = TaskProgressDialog(title, text, parent)
    kind, value = progress.run(BackgroundTask(work, progress))
    if kind == "failed":
        if isinstance(value, KnownError):
            show_known_error(parent, value, title=error_title or _tr("{what}：没有完成").format(what=title))
        else:
            assert isinstance(value, BaseException)
            raise value
    return kind, value


def make_and_preview(
    parent: QWidget, what: str, file_name: str, make: Make, *, temp_root: Path | None = None
) -> PrintPreviewDialog | None:
    """Make a PDF with ``make(out, report)`` under a progress bar, then open the preview.

    Returns the open preview, or None when cancelled or refused (the reason already shown).
    """
    remove_stale_folders(temp_root)
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=temp_root))
    out = folder / f"{file_name}.pdf"
    progress = TaskProgressDialog(
        _tr("正在生成{what}").format(what=what),
        _tr("正在生成“{name}”，页数多时需要一些时间……").format(name=file_name),
        parent,
    )
    kind, value = progress.run(BackgroundTask(lambda report: make(out, report), progress))
    if kind != "finished":
        shutil.rmtree(folder, ignore_errors=True)
        if kind == "failed":
            if isinstance(value, KnownError):
                show_known_error(parent, value, title=_tr("{what}没有生成，没有打印").format(what=what))
                return None
            assert isinstance(value, BaseException)
            raise value
        return None
    try:
        preview = PrintPreviewDialog(out, file_name, parent)
    except KnownError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        show_known_error(parent, exc)
        return None
    preview.finished.connect(lambda _result: shutil.rmtree(folder, ignore_errors=True))
    preview.open()
    return preview


def print_roster(parent: QWidget, ctx: AppContext, record: ClassRecord) -> PrintPreviewDialog | None:
    return make_and_preview(
        parent,
        _tr("花名册"),
        f"{record.code} 花名册",
        lambda out, report: ctx.class_documents().print_roster(record.code, out, progress=report),
    )


def print_signin(
    parent: QWidget, ctx: AppContext, record: ClassRecord, session_number: int
) -> PrintPreviewDialog | None:
    def make(out: Path, report: ProgressCallback) -> dict:
        return ctx.class_documents().print_signin(record.code, session_number, out, progress=report)

    return make_and_preview(parent, _tr("签到表"), f"{record.code} 第{session_number}次课 签到表", make)


def print_certificates(
    parent: QWidget, ctx: AppContext, record: ClassRecord, numbers: Sequence[str] | None = None
) -> PrintPreviewDialog | None:
    """All valid certificates of the class, or only ``numbers``."""

    def make(out: Path, report: ProgressCallback) -> dict:
        return ctx.certificate_printing().print(record.code, out, numbers=numbers, progress=report)

    suffix = _tr("证书") if numbers is None or len(numbers) != 1 else _tr("证书 {n}").format(n=numbers[0])
    return make_and_preview(parent, _tr("证书"), f"{record.code} {suffix}", make)


def signin_default(sessions: Sequence[SessionRecord], today: date) -> SessionRecord | None:
    """The sheet to print: today's session, else the next one, else the last."""
    if not sessions:
        return None
    coming = [s for s in sessions if s.day >= today]
    return coming[0] if coming else sessions[-1]


class SessionPickDialog(QDialog):
    """Which session's 签到表 to print."""

    def __init__(self, record: ClassRecord, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打印签到表"))
        self.combo = QComboBox(self)
        for s in record.sessions:
            self.combo.addItem(session_label(s), s.number)
        chosen = signin_default(record.sessions, today)
        if chosen is not None:
            self.combo.setCurrentIndex(self.combo.findData(chosen.number))
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.tr("生成签到表"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请选择课次（默认为今天或下一次课）："), self))
        layout.addWidget(self.combo)
        layout.addWidget(buttons)

    def session_number(self) -> int:
        return int(self.combo.currentData())
