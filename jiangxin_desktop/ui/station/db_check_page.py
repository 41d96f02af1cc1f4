"""设置 › 数据库检查: the same checks as ``jiangxin-desktop db check``, run in a worker.

The check reads every page of the database on a connection of its own, so the window stays
usable meanwhile. The report (services/station/db_check.py) says whether the file is sound and,
when it is not, which backup to restore and how.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.db_check import DatabaseCheck, check_database
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class DbCheckPage(QWidget):
    message = Signal(str)  # for the status bar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: BackgroundTask | None = None
        self.last: DatabaseCheck | None = None
        intro = QLabel(
            self.tr(
                "检查数据库文件是否损坏：逐页核对加密校验，并检查数据库结构。检查时可以继续使用程序。"
                "发现损坏时，这里会说明应从哪一个备份恢复。命令行：jiangxin-desktop db check"
            ),
            self,
        )
        intro.setWordWrap(True)
        self.check_button = QPushButton(self.tr("开始检查"), self)
        self.check_button.clicked.connect(self.start_check)
        self.state = QLabel(self.tr("尚未检查。"), self)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(self.tr("检查结果显示在这里。"))
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.state, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.report, 1)

    def start_check(self) -> None:
        if self.task is not None and self.task.is_running():
            return
        paths, key = self.ctx.paths, self.ctx.db.key
        folders = [paths.root / "backups"]

        def work(_report: ProgressCallback) -> DatabaseCheck:
            return check_database(paths.database, key, folders)

        self.check_button.setEnabled(False)
        self.check_button.setToolTip(self.tr("正在检查，请稍候"))
        self.state.setText(self.tr("正在检查……"))
        self.report.clear()
        self.task = BackgroundTask(work, self)
        self.task.finished.connect(self._show)
        self.task.failed.connect(self._failed)
        self.task.start()

    def _done(self) -> None:
        self.check_button.setEnabled(True)
        self.check_button.setToolTip("")

    def _show(self, result: DatabaseCheck) -> None:
        self._done()
        self.last = result
        self.report.setPlainText(result.message)
        if result.ok:
            self.state.setText(self.tr("数据库完好。"))
            self.state.setStyleSheet("")
            self.message.emit(self.tr("数据库检查完成：完好"))
        else:
            self.state.setText(self.tr("数据库已损坏！请按下面的说明恢复。"))
            self.state.setStyleSheet("color: #b00020; font-weight: bold;")
            self.message.emit(self.tr("数据库检查发现损坏，请查看“设置 › 数据库检查”"))

    def _failed(self, error: object) -> None:
        self._done()
        if isinstance(error, KnownError):
            self.state.setText(self.tr("检查没有完成。"))
            self.report.setPlainText(error.message)
            return
        assert isinstance(error, BaseException)
        raise error  # a bug: the crash dialog
