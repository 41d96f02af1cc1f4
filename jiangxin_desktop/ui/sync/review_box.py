"""审核 on the 同步 page: the batches waiting for a reviewer before they leave, with their counts.

Shown to reviewers and administrators when the station asks for approval (``sync.require_review``)
and something waits. 批准发送 lets the selected batch go at the next sync or export.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.ui.sync.status_words import counts_text, local_time
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.tables import make_read_only_list


class ReviewBox(QGroupBox):
    approve_requested = Signal(object)  # the BatchInfo to approve

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("审核：等待批准发送的批次"), parent)
        self.model: RecordTableModel = RecordTableModel(
            [self.tr("序号"), self.tr("建立时间"), self.tr("记录数"), self.tr("明细")], self._cell, lambda b: b.batch_id
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(self.fontMetrics().height() * 5)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.note = QLabel(self.tr("本站设置为批次须经审核人批准后才发送。请核对记录数后批准。"))
        self.note.setWordWrap(True)
        self.approve_button = QPushButton(self.tr("批准发送"))
        self.approve_button.clicked.connect(self._approve)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._update()

    def _cell(self, batch: Any, column: int) -> str:
        if column == 0:
            return self.tr("第{n}批").format(n=batch.sequence)
        if column == 1:
            return local_time(batch.created_at)
        if column == 2:
            return f"{batch.record_count:,}"
        return counts_text(batch.counts)

    def set_batches(self, batches: list) -> None:
        self.model.set_rows([b for b in batches if b.status == "review"])
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update()

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update(self) -> None:
        chosen = self.selected() is not None
        self.approve_button.setEnabled(chosen)
        self.approve_button.setToolTip(
            self.tr("批准后，这一批在下次同步或导出时发送") if chosen else self.tr("请先在上面的列表中选择一批")
        )

    def _approve(self) -> None:
        batch = self.selected()
        if batch is not None:
            self.approve_requested.emit(batch)
