"""就业服务（1131）: the unemployed people still owed services — 政策宣讲, 职业指导, 岗位推荐 ×3,
培训机会 — with what is missing (还差); choosing a person shows what they received and lets the
clerk record the next service (ui/followup/services_box.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QSplitter, QTableView, QVBoxLayout, QWidget

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.followup.services_box import ServicesBox
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.tables import make_read_only_list


SHORT = {"policy": "宣讲", "guidance": "指导", "referral": "推荐", "training": "培训"}  # 还差 in the list


def _person(row: Any) -> str:
    return str(getattr(row, "trainee_name", None) or getattr(row, "name", ""))


class ServicesTab(QWidget):
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._rows: list[Any] = []
        self.model: RecordTableModel[Any] = RecordTableModel(
            [self.tr("姓名"), self.tr("电话"), self.tr("身份证号"), self.tr("还差")],
            lambda r, c: str((_person(r), r.phone or "", r.id_masked or "", self._owed_short(r))[c]),
            lambda r: r.trainee_uuid,
            self,
        )
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("搜索姓名、电话"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._fill())
        self.count_label = QLabel(self)
        self.list = QTableView(self)
        self.list.setModel(self.model)
        make_read_only_list(self.list)
        self.list.setAlternatingRowColors(True)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.list.selectionModel().currentRowChanged.connect(self._chosen)
        self.box = ServicesBox(ctx, self)
        self.box.recorded.connect(self._recorded)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.count_label)
        column.addWidget(self.list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.box)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        em = self.fontMetrics().horizontalAdvance("中")
        splitter.setSizes([em * 40, em * 44])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)  # the list is read by refresh(), when the page shows the tab

    def _owed_short(self, row: Any) -> str:
        """还差 in the list, short enough to read whole: 宣讲 1、指导 1、推荐 3、培训 1."""
        owed = dict(getattr(row, "owed", None) or {})
        if not owed:
            return str(getattr(row, "owed_words", "") or "").removeprefix("还差：")
        labels = {c.code: c.label for c in self.ctx.codes["unemployed_service"]}
        return "、".join(
            f"{self.tr(SHORT[k]) if k in SHORT else labels.get(k, k)} {n}" for k, n in owed.items()
        )

    def refresh(self, keep: str | None = None) -> None:
        """Read the people owed services again (F5); the chosen person stays chosen."""
        keep = keep or self.box.trainee_uuid
        try:
            self._rows = list(self.ctx.followups.owed())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("无法读取就业服务"))
            self._rows = []
        self._fill(keep)

    def _fill(self, keep: str | None = None) -> None:
        keep = keep or self.box.trainee_uuid
        needle = self.search.text().strip().lower()
        shown = [r for r in self._rows if not needle or needle in f"{_person(r)} {r.phone or ''}".lower()]
        self.model.set_rows(shown)
        self.count_label.setText(self.tr("还差服务的失业人员 {n} 人").format(n=len(shown)))
        row = self.model.row_of(keep) if keep else None
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row, 0))
        elif keep and self.box.trainee_uuid == keep:
            self.box.load(keep, self.box.person)  # done with 1131: off the list, still shown
        elif shown:
            self.list.setCurrentIndex(self.model.index(0, 0))
        else:
            self.box.clear()

    def _chosen(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        self.box.load(row.trainee_uuid, _person(row))

    def _recorded(self, uuid: str) -> None:
        self.message.emit(self.tr("已记录就业服务：{name}").format(name=self.box.person))
        self.refresh(keep=uuid)
