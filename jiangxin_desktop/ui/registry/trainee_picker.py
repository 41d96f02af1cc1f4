"""Find a registered trainee by name or ID number (typed or scanned) and pick one."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from jiangxin_desktop.domain.codes import CodeList
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.services.registry.search import TraineeRow, TraineeSearch

SEARCH_DELAY_MS = 150
SHOWN = 8


class _SearchBox(QLineEdit):
    """↓ moves into the results, as in a browser's address bar."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class TraineePicker(QWidget):
    picked = Signal(object)  # TraineeRow

    def __init__(self, search: TraineeSearch, groups: CodeList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = search
        self.groups = groups
        self.box = _SearchBox(self)
        self.box.setPlaceholderText(self.tr("输入已登记学员的姓名或身份证号，可直接扫描身份证"))
        self.box.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 16)
        self.rows: list[TraineeRow] = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.search_now)
        self.box.textChanged.connect(lambda _t: self._debounce.start())
        self.box.returnPressed.connect(self._entered)
        self.box.down.connect(self._into_results)
        # One click picks (the platform's "activate" may want a double click); Enter too.
        self.results.itemClicked.connect(lambda item: self._pick(self.results.row(item)))
        self.results.itemActivated.connect(lambda item: self._pick(self.results.row(item)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.results)

    def search_now(self) -> None:
        self._debounce.stop()
        text = self.box.text().strip()
        self.rows = self.search.page(text, limit=SHOWN) if text else []
        self.results.clear()
        for row in self.rows:
            group = self.groups.label(row.target_group) if row.target_group else None
            item = QListWidgetItem(
                f"{row.name}　{mask_id(row.id_number)}　{group or self.tr('未填人员类别')}"
            )
            self.results.addItem(item)
        if text and not self.rows:
            self.results.addItem(self.tr("没有找到。请先在“学员”中登记，再来报名。"))

    def _entered(self) -> None:
        """Enter: one match (a scanned card) is picked at once; several: choose with ↓."""
        self.search_now()
        if len(self.rows) == 1:
            self._pick(0)
        elif self.rows:
            self._into_results()

    def _into_results(self) -> None:
        if self.rows:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _pick(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.picked.emit(self.rows[index])

    def reset(self) -> None:
        self.box.clear()
        self.search_now()
        self.box.setFocus()
