"""The trainee list as a Qt table model over TraineeSearch: SQL filters, sorts and pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from jiangxin_desktop.domain.codes import CodeList
from jiangxin_desktop.domain.masking import mask_id, mask_phone
from jiangxin_desktop.services.registry.search import TraineeRow, TraineeSearch, plan_search
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR

AnyIndex = QModelIndex | QPersistentModelIndex


def format_created(value: str) -> str:
    """UTC ISO timestamp → local ``2025-06-18 14:05``."""
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return value or ""


class TraineeTableModel(QAbstractTableModel):
    NAME, SEX, BIRTH_DATE, ID_NUMBER, PHONE, TARGET_GROUP, CREATED_AT, STATUS = range(8)
    COLUMN_COUNT = 8
    UUID_ROLE = Qt.ItemDataRole.UserRole + 1
    ROW_ROLE = Qt.ItemDataRole.UserRole + 2
    ACTIVE_ROLE = Qt.ItemDataRole.UserRole + 3
    # A page is what a screen shows several times over; scrolling fetches the next. Each page
    # is asked for with one row more than it holds: that row says whether more follow, and a
    # search's count comes from the page itself ("100+" beyond it). A separate count capped at
    # 500 read the same rows again, and those 600 row reads per keystroke were the slowest
    # searches (p95 11-13 ms at 200,000 trainees, issue 15). The unfiltered list is counted in
    # full (one scan of a small index).
    PAGE_SIZE = 100
    # Column → TraineeSearch sort key. 登记时间 and 状态 follow registration order.
    SORT_KEYS = {
        NAME: "name",
        SEX: "sex",
        BIRTH_DATE: "birth_date",
        ID_NUMBER: "id_number",
        PHONE: "phone",
        TARGET_GROUP: "target_group",
        CREATED_AT: "recent",
        STATUS: "recent",
    }

    def __init__(self, search: TraineeSearch, target_groups: CodeList, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = search
        self._groups = target_groups
        self._headers = (
            self.tr("姓名"),
            self.tr("性别"),
            self.tr("出生日期"),
            self.tr("公民身份号码"),
            self.tr("手机号码"),
            self.tr("人员类别"),
            self.tr("登记时间"),
            self.tr("状态"),
        )
        self._rows: list[TraineeRow] = []
        self._exhausted = True
        self._query = ""
        self._sort = "recent"
        self._descending = True
        self._include_inactive = False
        self._reveal_all = False
        self._revealed: dict[str, str] = {}  # uuid → full ID number, after an audited reveal
        self._count: tuple[int, bool] = (0, False)
        self._totals: dict[bool, tuple[int, bool]] = {}  # include_inactive → everyone's count
        self._resetting = False
        self.reload()

    # --- what the page asks ---------------------------------------------------------------
    @property
    def query(self) -> str:
        return self._query

    @property
    def include_inactive(self) -> bool:
        return self._include_inactive

    def set_query(self, text: str) -> None:
        """A keystroke (the text changed) reuses the count of everyone; F5 (the same text) counts again."""
        recount = text == self._query
        self._query = text
        self.reload(recount=recount)

    def set_include_inactive(self, on: bool) -> None:
        self._include_inactive = on
        self.reload()

    def set_reveal(self, on: bool) -> None:
        """Show every number in full (False, the default, masks them and forgets row reveals).

        Turning it on bypasses the per-row audit; the windows only ever call it with False.
        """
        self._reveal_all = on
        self._revealed.clear()
        self._numbers_changed(0, len(self._rows) - 1)

    def reveal_row(self, uuid: str, full_id: str) -> None:
        """Show one row's numbers in full after ``registry.reveal`` has audited it."""
        self._revealed[uuid] = full_id
        row = self.row_of(uuid)
        if row is not None:
            self._numbers_changed(row, row)

    def is_revealed(self, uuid: str) -> bool:
        return self._reveal_all or uuid in self._revealed

    def match_count(self) -> tuple[int, bool]:
        """(number of matches, True when more follow): a search counts the rows fetched so far."""
        return self._count

    def row_at(self, row: int) -> TraineeRow:
        return self._rows[row]

    def row_of(self, uuid: str) -> int | None:
        """Position of a loaded row, or None."""
        return next((i for i, r in enumerate(self._rows) if r.uuid == uuid), None)

    def reload(self, *, recount: bool = True) -> None:
        """Re-run the query from the first page (after a change, F5, a new sort or filter).

        ``recount=False`` (a keystroke): the count of everyone is the one counted last (a
        full count of 200,000 trainees costs ~10 ms, too much for every keystroke).
        """
        rows, more = self._fetch(0)  # query first: nothing may reach the model mid-reset
        if recount:
            self._totals.clear()
        if self._filters():
            count = (len(rows), more)
        else:  # everyone is listed (no query, or too short a one): counted in full
            count = self._totals.get(self._include_inactive)
            if count is None:
                count = self._search.count("", cap=None, include_inactive=self._include_inactive)
                self._totals[self._include_inactive] = count
        self.beginResetModel()
        self._revealed.clear()
        self._rows = rows
        self._exhausted = not more
        self._count = count
        self._resetting = True  # views and testers ask for more while modelReset is emitted
        try:
            self.endResetModel()
        finally:
            self._resetting = False

    def _filters(self) -> bool:
        return plan_search(self._query).kind not in ("all", "short")

    def _fetch(self, offset: int) -> tuple[list[TraineeRow], bool]:
        """A page from ``offset``, and whether more rows follow it."""
        rows = self._search.page(
            self._query,
            sort=self._sort,
            descending=self._descending,
            offset=offset,
            limit=self.PAGE_SIZE + 1,
            include_inactive=self._include_inactive,
        )
        return rows[: self.PAGE_SIZE], len(rows) > self.PAGE_SIZE

    def _numbers_changed(self, first: int, last: int) -> None:
        if last >= first >= 0:
            self.dataChanged.emit(self.index(first, self.ID_NUMBER), self.index(last, self.PHONE))

    # --- QAbstractItemModel -------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._exhausted or self._resetting:
            return
        rows, more = self._fetch(len(self._rows))
        self._exhausted = not more
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        if self._filters():
            self._count = (len(self._rows), more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column, "recent")
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending) and self._rows:
            return
        self._sort, self._descending = key, descending
        self.reload()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self.COLUMN_COUNT:
            return self._headers[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(QColor(INACTIVE_COLOR))
        if role == self.UUID_ROLE:
            return row.uuid
        if role == self.ROW_ROLE:
            return row
        if role == self.ACTIVE_ROLE:
            return row.active
        return None

    def _display(self, row: TraineeRow, column: int) -> str:
        if column == self.NAME:
            return row.name
        if column == self.SEX:
            return row.sex or ""
        if column == self.BIRTH_DATE:
            return row.birth_date or ""
        if column == self.ID_NUMBER:
            if self._reveal_all:
                return row.id_number
            return self._revealed.get(row.uuid) or mask_id(row.id_number)
        if column == self.PHONE:
            return row.phone if self.is_revealed(row.uuid) else mask_phone(row.phone)
        if column == self.TARGET_GROUP:
            return (
                (self._groups.label(row.target_group) or row.target_group or "") if row.target_group else ""
            )
        if column == self.CREATED_AT:
            return format_created(row.created_at)
        if column == self.STATUS:
            return self.tr("在册") if row.active else self.tr("已注销")
        return ""
