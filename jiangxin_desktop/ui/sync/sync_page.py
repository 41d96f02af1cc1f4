"""同步: where this station sends its records, what waits, the batches and the city's answers.

Who may do what (the service checks again): an administrator imports the city's enrolment file;
anyone logged in syncs, exports to a USB stick, imports receipts and sends failed records again;
a reviewer (and an administrator) approves batches waiting for review. A button that cannot be
used says why in its tooltip.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.sync.batch_table import BatchTableModel, batch_view
from jiangxin_desktop.ui.sync.button_reasons import REVIEW_ROLES, button_help, button_reasons
from jiangxin_desktop.ui.sync.enrolment_box import EnrolmentBox
from jiangxin_desktop.ui.sync.review_box import ReviewBox
from jiangxin_desktop.ui.sync.status_words import local_time, result_summary, stuck_batch
from jiangxin_desktop.ui.sync.sync_run import run_step, run_sync_now
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import BANNER_STYLE, ERROR_STYLE, WARNING_STYLE
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor

KEEP = object()  # _after: the last run's outcome stands
STATUS_ORDER = ("review", "ready", "sent", "confirmed", "rejected")


class SyncPage(QWidget):
    message = Signal(str)
    changed = Signal()  # statuses changed here (the status bar follows)

    def __init__(
        self, ctx: AppContext, monitor: SyncMonitor | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.monitor = monitor
        self.role = ctx.user.role if ctx.user is not None else None
        self.status: Any = None
        self.enrolment: Any = None
        self.batch_list: list = []

        self.enrol_button = QPushButton(self.tr("导入注册文件…"))
        self.enrol_button.clicked.connect(self.open_enrol_dialog)
        self.sync_button = QPushButton(self.tr("立即同步"))
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(self.sync_now)
        self.export_button = QPushButton(self.tr("导出到U盘…"))
        self.export_button.clicked.connect(self.choose_export_folder)
        self.receipts_button = QPushButton(self.tr("导入回执…"))
        self.receipts_button.clicked.connect(self.choose_receipts_folder)
        self.retry_button = QPushButton(self.tr("重新发送失败记录"))
        self.retry_button.clicked.connect(self.retry_failed)
        self.buttons = {
            "sync": self.sync_button,
            "export": self.export_button,
            "receipts": self.receipts_button,
            "retry": self.retry_button,
            "enrol": self.enrol_button,
        }
        for button in (self.enrol_button, self.export_button, self.receipts_button, self.retry_button):
            button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.enrolment_box = EnrolmentBox(self.enrol_button, self)
        layout.addWidget(self.enrolment_box)
        layout.addWidget(self._warning_banner())
        layout.addWidget(self._figures_box())
        self.review_box = ReviewBox(self)
        self.review_box.approve_requested.connect(self.approve)
        layout.addWidget(self.review_box)
        layout.addWidget(self._tabs(), 1)
        if monitor is not None:
            monitor.changed.connect(self.load)
        self.load()

    # --- layout -------------------------------------------------------------------------

    def _warning_banner(self) -> QFrame:
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(WARNING_STYLE + " font-weight: bold;")
        inner = QVBoxLayout(self.banner)
        inner.setContentsMargins(10, 6, 10, 6)
        inner.addWidget(self.warning_label)
        return self.banner

    def _figures_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("同步情况"))
        self.pending_value = QLabel()
        self.batches_value = QLabel()
        self.last_value = QLabel()
        font = self.pending_value.font()
        font.setBold(True)
        self.pending_value.setFont(font)
        figures = QHBoxLayout()
        figures.addWidget(self.pending_value)
        figures.addSpacing(24)
        figures.addWidget(self.batches_value)
        figures.addStretch(1)
        figures.addWidget(self.last_value)
        buttons = QHBoxLayout()
        for button in (self.sync_button, self.export_button, self.receipts_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner = QVBoxLayout(box)
        inner.addLayout(figures)
        inner.addLayout(buttons)
        return box

    def _tabs(self) -> QTabWidget:
        self.batch_model = BatchTableModel(self)
        self.batch_table = batch_view(self.batch_model, self)
        self.log_model: RecordTableModel = RecordTableModel(
            [self.tr("时间"), self.tr("操作人"), self.tr("内容")],
            lambda e, c: (local_time(e.at), e.actor, e.summary)[c],
            lambda e: f"{e.at}{e.action}",
            self,
        )
        self.log_table = QTableView()
        self.log_table.setModel(self.log_model)
        make_read_only_list(self.log_table)
        header = self.log_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.batch_table, self.tr("批次"))
        self.tabs.addTab(self.log_table, self.tr("同步日志"))
        return self.tabs

    # --- reading --------------------------------------------------------------------------

    def load(self) -> None:
        """Read the state again (F5, after every action and every background run)."""
        sync = self.ctx.sync
        try:
            self.status = sync.status()
            self.enrolment = sync.enrolment()
            self.batch_list = sync.batches(limit=200)
            log = sync.log(limit=200)
        except KnownError as exc:
            self.warning_label.setText(exc.message)
            self.banner.show()
            return
        self.enrolment_box.show_enrolment(self.enrolment, self.ctx.station.code)
        self._show_figures()
        self.batch_model.set_rows(self.batch_list)
        self.log_model.set_rows(log)
        total = sum(self.status.batches.values())
        self.tabs.setTabText(0, self.tr("批次（{n}）").format(n=total))
        self.tabs.setTabToolTip(
            0, self.tr("列出最近 {n} 批").format(n=len(self.batch_list)) if total > len(self.batch_list) else ""
        )
        self.review_box.set_batches(self.batch_list)
        self.review_box.setVisible(self.role in REVIEW_ROLES and self.review_box.model.rowCount() > 0)
        self._update_buttons()

    def _show_figures(self) -> None:
        s = self.status
        self.pending_value.setText(self.tr("待发送 {n:,} 条记录").format(n=s.unconfirmed_records))
        self.pending_value.setToolTip(
            self.tr("尚未编入批次的 {a:,} 条，加上已编批但市里还没有确认的记录").format(a=s.pending_records)
        )
        labels = {
            "review": self.tr("待审核"),
            "ready": self.tr("待发送"),
            "sent": self.tr("已发送"),
            "confirmed": self.tr("已确认"),
            "rejected": self.tr("失败"),
        }
        parts = [
            self.tr("{label} {n} 批").format(label=labels[k], n=s.batches.get(k, 0)) for k in STATUS_ORDER
        ]
        self.batches_value.setText(" · ".join(parts))
        failed = s.batches.get("rejected", 0)
        self.batches_value.setStyleSheet(ERROR_STYLE if failed else "")
        last = local_time(s.last_success_at)
        self.last_value.setText(
            self.tr("上次成功同步：{when}").format(when=last) if last else self.tr("上次成功同步：还没有")
        )
        self.last_value.setToolTip(
            self.tr("市里确认收到本站批次的最近时间。市里签名的培训目录：{v}").format(
                v=s.catalog_version or self.tr("还没有收到")
            )
        )
        warnings = list(s.warnings)
        stuck = stuck_batch(self.batch_list)
        if stuck is not None:
            warnings.insert(
                0,
                self.tr("第 {n} 批还没有送达市里：{why}").format(n=stuck.sequence, why=stuck.last_error.rstrip("。"))
                + self.tr("。也可以点“立即同步”再试。"),
            )
        if self.ctx.demo:
            warnings.insert(0, self.tr("这是演示数据库：演示数据不会发送到市里。"))
        self.warning_label.setText("\n".join(warnings))
        self.banner.setVisible(bool(warnings))

    # --- what may be pressed --------------------------------------------------------------

    def _update_buttons(self) -> None:
        busy = self.monitor is not None and self.monitor.running
        reasons = button_reasons(self.status, self.role, busy, self.ctx.demo)
        helps = button_help()
        for name, button in self.buttons.items():
            button.setEnabled(not reasons[name])
            button.setToolTip(reasons[name] or helps[name])

    # --- actions ----------------------------------------------------------------------------

    def open_enrol_dialog(self) -> None:
        from jiangxin_desktop.ui.sync.enrol_dialog import EnrolDialog

        replacing = self.enrolment.city_name if self.enrolment is not None else None
        self.enrol_dialog = EnrolDialog(self._enrol, replacing, self)
        self.enrol_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.enrol_dialog.open()

    def _enrol(self, path_or_text: str | Path) -> str | None:
        try:
            info = self.ctx.sync.enrol(path_or_text)
        except KnownError as exc:
            return exc.message
        self._after(self.tr("已导入“{city}”的注册文件，下次同步时向市里登记本站。").format(city=info.city_name))
        return None

    def sync_now(self) -> None:
        if not self.sync_button.isEnabled():
            return
        if self.monitor is not None:
            self.monitor.set_manual(True)
        try:
            kind, value = run_sync_now(self, self.ctx.sync)
        finally:
            if self.monitor is not None:
                self.monitor.set_manual(False)
        if kind == "finished":
            self._after(result_summary(value), value)
            if getattr(value, "failed", None):
                show_known_error(self, KnownError(result_summary(value)), title=self.tr("同步没有完成"))
        elif kind == "cancelled":
            self._after(self.tr("同步已取消；已经送达的批次不受影响，其余下次同步时再发。"), None)
        else:
            self._after(None, value)

    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择U盘或文件夹"))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        kind, value = run_step(
            self,
            self.tr("正在导出"),
            self.tr("正在把待发送的批次写到 {folder}……").format(folder=folder),
            lambda: self.ctx.sync.export_to(folder),
            self.tr("没有导出"),
        )
        if kind == "finished":
            self._after(
                self.tr("已把 {n} 批写到 {folder}，请把U盘交给市里导入。").format(n=value.batches, folder=value.folder)
            )
        else:
            self.load()

    def choose_receipts_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择市里交回的U盘或文件夹"))
        if folder:
            self.import_receipts(Path(folder))

    def import_receipts(self, folder: Path) -> None:
        kind, value = run_step(
            self,
            self.tr("正在导入回执"),
            self.tr("正在读取 {folder} 中市里的回执……").format(folder=folder),
            lambda: self.ctx.sync.import_receipts(folder),
            self.tr("回执没有导入"),
        )
        if kind == "finished":
            self._after(result_summary(value), value)
        else:
            self._after(None, value if kind == "failed" else KEEP)

    def retry_failed(self) -> None:
        try:
            n = self.ctx.sync.retry_failed()
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("没有重新发送"))
            return
        self._after(self.tr("失败批次中的 {n:,} 条记录已放回待发送，下次同步时重新发送。").format(n=n))

    def approve(self, batch: Any) -> None:
        try:
            self.ctx.sync.approve(batch.batch_id)
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("没有批准"))
            return
        self._after(
            self.tr("已批准第{n}批（{count:,} 条记录），下次同步时发送。").format(
                n=batch.sequence, count=batch.record_count
            )
        )

    def _after(self, text: str | None, outcome: object = KEEP) -> None:
        """Every action ends here: the page and the status bar read the state again (``outcome``: what
        a run ended with, for the status bar; KEEP when the action ran nothing)."""
        self.load()
        if self.monitor is not None:
            if outcome is not KEEP:
                self.monitor.record(outcome)
            else:
                self.monitor.refresh_label()
        if text:
            self.message.emit(text)
        self.changed.emit()
