"""考勤 area: the classes that take attendance now (已开班, 培训中) and the chosen one's sign-in sheet."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.services.training.attendance import RECORDING
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.ui.training.attendance_tab import AttendanceTab
from jiangxin_desktop.ui.training.class_detail import ENROLMENT, ClassDetailDialog
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.tables import make_read_only_list


class AttendanceArea(QWidget):
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: ClassDetailDialog | None = None
        self.model: RecordTableModel[ClassRecord] = RecordTableModel(
            [self.tr("培训班"), self.tr("状态")],
            lambda r, c: f"{r.name}\n{r.code}" if c == 0 else r.status_label,
            lambda r: r.uuid,
            self,
        )
        self.list = QTableView(self)
        self.list.setModel(self.model)
        make_read_only_list(self.list)
        self.list.setWordWrap(True)
        self.list.horizontalHeader().setStretchLastSection(False)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.setColumnWidth(1, self.fontMetrics().horizontalAdvance("培训中") * 2)
        self.list.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 12)
        self.list.selectionModel().currentRowChanged.connect(self._chosen)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.open_button = QPushButton(self.tr("学员与考核…"), self)
        self.open_button.setAutoDefault(False)
        self.open_button.setToolTip(self.tr("打开所选培训班的学员名单和考核成绩"))
        self.open_button.clicked.connect(self.open_detail)

        self.sheet = AttendanceTab(ctx, self)
        self.sheet.message.connect(self.message)
        self.empty = QLabel(
            self.tr(
                "还没有已开班或培训中的培训班。请在“培训班”中新建培训班，由审核人审核开班后在这里记录考勤。"
            ),
            self,
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.empty)
        self.right.addWidget(self.sheet)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.hint)
        column.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 16)
        splitter.setSizes([280, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.reload()

    def reload(self) -> None:
        keep = self.sheet.record.uuid if self.sheet.record else None
        rows = [r for status in ("training", "opened") for r in self.ctx.classes.list(status=status)]
        self.model.set_rows(rows)
        self.hint.setText(self.tr("正在培训和已开班的培训班（{n} 个）").format(n=len(rows)))
        row = self.model.row_of(keep) if keep else None
        if row is None and rows:
            row = 0
        if row is None:
            self.sheet.clear()
            self.right.setCurrentWidget(self.empty)
            self.open_button.setEnabled(False)
            return
        self.list.setCurrentIndex(self.model.index(row, 0))
        self._chosen(self.model.index(row, 0))

    refresh = reload

    def _chosen(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            return
        record = self.ctx.classes.get(self.model.row_at(index.row()).uuid)
        if record.status not in RECORDING:
            return
        self.sheet.load(record)
        self.right.setCurrentWidget(self.sheet)
        self.open_button.setEnabled(True)

    def open_detail(self) -> None:
        if self.sheet.record is None:
            return
        dialog = ClassDetailDialog(self.ctx, self.sheet.record.uuid, self, tab=ENROLMENT)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: ClassDetailDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()
