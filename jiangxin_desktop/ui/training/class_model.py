"""The class list as a Qt table model over plain ClassRecord rows (the service filters in SQL)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from jiangxin_desktop.domain.class_lifecycle import returned
from jiangxin_desktop.domain.codes import CodeList
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR, WARNING_COLOR

AnyIndex = QModelIndex | QPersistentModelIndex


def date_range(record: ClassRecord) -> str:
    return f"{record.start_date.isoformat()}—{record.end_date.isoformat()}"


class ClassTableModel(QAbstractTableModel):
    CODE, NAME, OCCUPATION, LEVEL, DATES, COUNT, STATUS = range(7)
    COLUMN_COUNT = 7
    UUID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, levels: CodeList, parent: Any = None) -> None:
        super().__init__(parent)
        self._levels = levels
        self._headers = (
            self.tr("编号"),
            self.tr("班级名称"),
            self.tr("职业（工种）"),
            self.tr("等级"),
            self.tr("开班—结业"),
            self.tr("人数"),
            self.tr("状态"),
        )
        self._rows: list[ClassRecord] = []

    def set_rows(self, rows: list[ClassRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ClassRecord:
        return self._rows[row]

    def row_of(self, uuid: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.uuid == uuid), None)

    def status_text(self, record: ClassRecord) -> str:
        """A draft the reviewer returned reads 已退回 (still a draft: the clerk edits it)."""
        if returned(record.status, record.review_note):
            return self.tr("已退回")
        return record.status_label

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < self.COLUMN_COUNT:
            return self._headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(record, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if record.status == "archived":
                return QBrush(QColor(INACTIVE_COLOR))
            if column == self.STATUS and returned(record.status, record.review_note):
                return QBrush(QColor(WARNING_COLOR))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.UUID_ROLE:
            return record.uuid
        return None

    def _display(self, record: ClassRecord, column: int) -> str:
        if column == self.CODE:
            return record.code
        if column == self.NAME:
            return record.name
        if column == self.OCCUPATION:
            return record.occupation_name
        if column == self.LEVEL:
            return (self._levels.label(record.level) or record.level) if record.level else self.tr("—")
        if column == self.DATES:
            return date_range(record)
        if column == self.COUNT:
            return f"{record.enrolled}/{record.capacity}"
        if column == self.STATUS:
            return self.status_text(record)
        return ""
