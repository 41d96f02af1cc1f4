"""The list of batches: 序号, 建立时间, 记录数 (per kind in the tooltip), 状态, 尝试次数, 原因."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from jiangxin_desktop.ui.sync.status_words import counts_text, local_time
from jiangxin_desktop.ui.widgets.record_table import AnyIndex, RecordTableModel
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR, WARNING_COLOR
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

SEQUENCE, CREATED, RECORDS, STATUS, ATTEMPTS, REASON = range(6)
CONFIRMED_COLOR = "#2e7d32"  # green, readable on white
STATUS_COLOURS = {"rejected": ERROR_COLOR, "review": WARNING_COLOR, "confirmed": CONFIRMED_COLOR}


def _tr(text: str) -> str:
    return QCoreApplication.translate("BatchTable", text)


def headers() -> list[str]:
    # attempts counts the tries that did not succeed (each is retried later by itself)
    return [_tr("序号"), _tr("建立时间"), _tr("记录数"), _tr("状态"), _tr("失败次数"), _tr("原因")]


def batch_cell(batch: Any, column: int) -> str:
    """``batch`` is a ``services.sync.BatchInfo``."""
    if column == SEQUENCE:
        return _tr("第{n}批").format(n=batch.sequence)
    if column == CREATED:
        return local_time(batch.created_at)
    if column == RECORDS:
        return f"{batch.record_count:,}"
    if column == STATUS:
        return _tr(batch.status_label)
    if column == ATTEMPTS:
        return str(batch.attempts)
    if batch.status == "confirmed":
        return _tr("市里 {when} 确认").format(when=local_time(batch.confirmed_at))
    if batch.status == "review":
        return _tr("等审核人批准发送")
    if batch.last_error:
        if batch.next_attempt_at and batch.status in ("ready", "sent"):
            return _tr("{why}（下次重试：{when}）").format(
                why=batch.last_error.rstrip("。"), when=local_time(batch.next_attempt_at)
            )
        return batch.last_error
    if batch.status == "sent":
        return _tr("已交出，等市里的回执")
    return ""


class BatchTableModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(headers(), batch_cell, lambda batch: batch.batch_id, parent)
        self.colour = lambda batch, column: STATUS_COLOURS.get(batch.status) if column == STATUS else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.row() < self.rowCount():
            batch = self.row_at(index.row())
            if index.column() == RECORDS:
                return counts_text(batch.counts, "\n") or _tr("没有记录")
            if index.column() == SEQUENCE:
                return _tr("批次编号 {id}").format(id=batch.batch_id)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (RECORDS, ATTEMPTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


def batch_view(model: BatchTableModel, parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    make_read_only_list(view)
    header = view.horizontalHeader()
    for column in (SEQUENCE, CREATED, RECORDS, STATUS, ATTEMPTS):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    return view
