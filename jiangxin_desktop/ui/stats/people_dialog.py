"""The people behind a figure: 姓名, 身份证号 (masked), 班级, 说明, with the count in the title."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.screen_fit import fit_to_screen
from jiangxin_desktop.ui.widgets.tables import make_read_only_list


def _cell(row: Any, column: int) -> str:
    if column == 0:
        return str(row.name)
    if column == 1:
        return str(row.id_masked)
    if column == 2:
        return str(row.class_name or row.class_code)
    return str(row.detail or "")


class PeopleDialog(QDialog):
    """Read-only; a search box narrows the list by name or the last digits of the ID number."""

    def __init__(self, what: str, period: str, rows: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = list(rows)
        self.setWindowTitle(self.tr("{what}：{n} 人").format(what=what, n=len(self.rows)))
        self.heading = QLabel(self.tr("{what}（{period}），共 {n} 人").format(what=what, period=period,
                                                                          n=len(self.rows)), self)
        self.heading.setWordWrap(True)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("输入姓名或身份证号后几位查找"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._filter)
        self.model: RecordTableModel[Any] = RecordTableModel(
            [self.tr("姓名"), self.tr("身份证号"), self.tr("班级"), self.tr("说明")], _cell,
            lambda r: f"{r.trainee_uuid}:{r.class_code}:{r.detail}", self)
        self.model.set_rows(self.rows)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # nothing cut: a narrow
        header.setStretchLastSection(True)  # window scrolls sideways
        self.empty_label = QLabel(self.tr("没有人。"), self)
        self.empty_label.setVisible(not self.rows)
        buttons = QDialogButtonBox(self)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.search_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("中")
        fit_to_screen(self, em * 72, em * 36)
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def _filter(self, text: str) -> None:
        text = text.strip()
        rows = [r for r in self.rows if not text or text in r.name or r.id_masked.endswith(text)]
        self.model.set_rows(rows)
