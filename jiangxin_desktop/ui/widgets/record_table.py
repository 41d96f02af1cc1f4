"""A read-only table model over plain rows: headers, a cell function, optional colours.

Used by the small lists of a class (enrolled trainees, attendance, assessment), where every
row is a service record and the whole list is re-read after a change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
HIGHLIGHT_COLOR = "#c8f0c8"  # a row just checked in (pale green, readable with black text)


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(
        self,
        headers: Sequence[str],
        cell: Callable[[Row, int], str],
        key: Callable[[Row], str],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._cell = cell
        self._key = key
        self._rows: list[Row] = []
        self.colour: Callable[[Row, int], str | None] = lambda _row, _column: None
        self._highlighted: set[str] = set()

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def row_of(self, key: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if self._key(r) == key), None)

    def set_highlighted(self, keys: set[str]) -> None:
        """Rows drawn with a green background (a check-in just recorded)."""
        self._highlighted = set(keys)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._headers) - 1))

    def is_highlighted(self, key: str) -> bool:
        return key in self._highlighted

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.colour(row, index.column())
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.BackgroundRole and self._key(row) in self._highlighted:
            return QBrush(QColor(HIGHLIGHT_COLOR))
        return None
