"""课次安排: a table of sessions (date, start, end, 课时, teacher, topic) edited in place."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.services.training.class_records import SessionInput
from jiangxin_desktop.ui.training.timetable_generator import DATE_FORMAT, TIME_FORMAT, SessionGeneratorDialog, to_date

DAY, START, END, HOURS, TEACHER, TOPIC = range(6)


class _SessionDelegate(QStyledItemDelegate):
    """Dates as 2025-06-18 and times as 08:30, in the cells and in their editors."""

    def displayText(self, value: Any, locale: QLocale | QLocale.Language) -> str:
        if isinstance(value, QDate):
            return value.toString(DATE_FORMAT)
        if isinstance(value, QTime):
            return value.toString(TIME_FORMAT)
        return super().displayText(value, locale)

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QDateEdit):
            editor.setDisplayFormat(DATE_FORMAT)
            editor.setCalendarPopup(True)
        elif isinstance(editor, QTimeEdit):
            editor.setDisplayFormat(TIME_FORMAT)
        return editor


class TimetableEditor(QWidget):
    changed = Signal()
    generated = Signal()  # the table was filled by 按日期生成

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.generator: SessionGeneratorDialog | None = None
        self.first_day = date.today  # the dialog points this at the class's 开班日期
        self.teacher_hint = lambda: ""  # and this at its first teacher
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("日期"),
                self.tr("开始"),
                self.tr("结束"),
                self.tr("课时"),
                self.tr("授课教师"),
                self.tr("内容"),
            ]
        )
        self.table.setItemDelegate(_SessionDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        for column, sample in ((DAY, "0000-00-00 "), (START, "00:00 "), (END, "00:00 "), (HOURS, "课时 ")):
            self.table.setColumnWidth(
                column, metrics.horizontalAdvance(sample) + 4 * metrics.averageCharWidth()
            )
        self.table.setColumnWidth(
            TEACHER, metrics.horizontalAdvance("授课教师") + 4 * metrics.averageCharWidth()
        )
        header.setSectionResizeMode(TOPIC, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())

        self.add_button = QPushButton(self.tr("添加课次"), self)
        self.remove_button = QPushButton(self.tr("删除所选课次"), self)
        self.generate_button = QPushButton(self.tr("按日期生成…"), self)
        for button in (self.add_button, self.remove_button, self.generate_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.generate_button.clicked.connect(self.open_generator)
        self.total_label = QLabel(self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.total_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    # --- reading and writing ----------------------------------------------------------------
    def sessions(self) -> list[SessionInput]:
        out = []
        for row in range(self.table.rowCount()):
            day = self._value(row, DAY)
            start, end = self._value(row, START), self._value(row, END)
            out.append(
                SessionInput(
                    to_date(day) if isinstance(day, QDate) else date.today(),
                    start.toString(TIME_FORMAT) if isinstance(start, QTime) else "",
                    end.toString(TIME_FORMAT) if isinstance(end, QTime) else "",
                    int(self._value(row, HOURS) or 0),
                    str(self._value(row, TEACHER) or ""),
                    str(self._value(row, TOPIC) or ""),
                )
            )
        return out

    def set_sessions(self, sessions: Iterable[SessionInput]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for s in sessions:
            self._append(s)
        self.table.blockSignals(False)
        self.changed.emit()

    def total_hours(self) -> int:
        return sum(s.hours for s in self.sessions())

    def _value(self, row: int, column: int) -> Any:
        item = self.table.item(row, column)
        return item.data(Qt.ItemDataRole.EditRole) if item is not None else None

    def _append(self, s: SessionInput) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values: tuple[Any, ...] = (
            QDate(s.day.year, s.day.month, s.day.day),
            QTime.fromString(s.start_time, TIME_FORMAT),
            QTime.fromString(s.end_time, TIME_FORMAT),
            s.hours,
            s.teacher,
            s.topic,
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem()
            item.setData(Qt.ItemDataRole.EditRole, value)
            self.table.setItem(row, column, item)

    # --- buttons ----------------------------------------------------------------------------
    def add_row(self) -> None:
        """A new session the day after the last one (or on 开班日期), same times and teacher."""
        existing = self.sessions()
        if existing:
            last = existing[-1]
            day = last.day.toordinal() + 1
            new = SessionInput(
                date.fromordinal(day), last.start_time, last.end_time, last.hours, last.teacher
            )
        else:
            new = SessionInput(self.first_day(), "08:30", "11:30", 4, self.teacher_hint())
        self.table.blockSignals(True)
        self._append(new)
        self.table.blockSignals(False)
        self.table.setCurrentCell(self.table.rowCount() - 1, DAY)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def open_generator(self) -> None:
        dialog = SessionGeneratorDialog(self.first_day(), self.teacher_hint(), self)
        self.generator = dialog
        dialog.accepted.connect(lambda: self._generated(dialog))
        dialog.finished.connect(lambda _result: self._generator_closed(dialog))
        dialog.open()

    def _generated(self, dialog: SessionGeneratorDialog) -> None:
        self.set_sessions(dialog.sessions())
        self.generated.emit()

    def _generator_closed(self, dialog: QDialog) -> None:
        if self.generator is dialog:
            self.generator = None
        dialog.deleteLater()
