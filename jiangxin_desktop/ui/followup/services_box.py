"""One person's 就业服务（1131）: the services given (日期, 服务, 详情) and what is still owed
("还差：岗位推荐 2 次"), with a button for each kind of service. Shown on the 就业服务 tab
beside the list of people, and in the trainee's dialog.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.followup.service_dialog import ServiceDialog, ServiceValues
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE
from jiangxin_desktop.ui.widgets.tables import make_read_only_list


class ServicesBox(QWidget):
    recorded = Signal(str)  # trainee uuid, after a service was saved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.trainee_uuid: str | None = None
        self.person = ""
        self.dialog: ServiceDialog | None = None
        self.kind_labels = {c.code: c.label for c in ctx.codes["unemployed_service"]}
        self.title = QLabel(self)
        self.owed_label = QLabel(self)
        self.owed_label.setWordWrap(True)
        self.model: RecordTableModel[Any] = RecordTableModel(
            [self.tr("日期"), self.tr("服务"), self.tr("详情")], self._cell, lambda r: str(id(r)), self
        )
        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()  # fixed widths: an empty list keeps readable headers
        for column, sample in ((0, "2026-06-18"), (1, "政策宣讲")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 3 * metrics.averageCharWidth())
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for code, label in self.kind_labels.items():
            button = QPushButton(self.tr("记录{kind}…").format(kind=label), self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=code: self.open_dialog(k))
            self.buttons[code] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.owed_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.clear()

    def _cell(self, r: Any, column: int) -> str:
        if column == 0:
            day = getattr(r, "on_date", None)
            return day.isoformat() if isinstance(day, date) else str(day or "")
        if column == 1:
            kind = getattr(r, "kind", "")
            return getattr(r, "kind_label", None) or self.kind_labels.get(kind, kind)
        details = getattr(r, "details", None) or ""
        employer = getattr(r, "employer_name", None)
        if employer:
            details = self.tr("{details}（推荐到：{employer}）").format(details=details, employer=employer).lstrip()
        return details

    def clear(self) -> None:
        self.trainee_uuid = None
        self.title.setText(self.tr("请在左边选择一个人。"))
        self.owed_label.clear()
        self.model.set_rows([])
        for button in self.buttons.values():
            button.setEnabled(False)

    def load(self, trainee_uuid: str, person: str) -> None:
        """Show ``trainee_uuid``'s services; ``person`` names them in the title and dialogs."""
        self.trainee_uuid, self.person = trainee_uuid, person
        try:
            summary = self.ctx.followups.services_of(trainee_uuid)
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("无法读取就业服务"))
            self.clear()
            return
        self.title.setText(self.tr("{name} 的就业服务（1131）").format(name=person))
        owed = any(n > 0 for n in dict(summary.owed).values())
        self.owed_label.setText(summary.owed_words)
        self.owed_label.setStyleSheet(ERROR_STYLE if owed else "")
        self.model.set_rows(sorted(summary.events, key=lambda e: str(getattr(e, "on_date", ""))))
        for button in self.buttons.values():
            button.setEnabled(True)

    def owed_text(self) -> str:
        return self.owed_label.text()

    def open_dialog(self, kind: str) -> None:
        if self.trainee_uuid is None:
            return
        uuid = self.trainee_uuid

        def save(values: ServiceValues) -> None:
            from jiangxin_desktop.services.followup import ServiceInput

            data = ServiceInput(values.kind, values.on_date, details=values.details, employer_name=values.employer_name)
            self.ctx.followups.record_service(uuid, data)

        dialog = ServiceDialog(kind, self.kind_labels.get(kind, kind), self.person, self.ctx.acting.today(), save, self)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog, uuid))
        dialog.open()

    def _closed(self, dialog: ServiceDialog, uuid: str) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        if dialog.saved:
            self.load(uuid, self.person)
            self.recorded.emit(uuid)


def is_unemployed(ctx: AppContext, target_group: str | None) -> bool:
    """Whether the person's 人员类别 belongs to the group owed the 1131 services (失业人员)."""
    from jiangxin_desktop.services.followup import UNEMPLOYED_GROUP

    entry = ctx.codes["target_group"].get(target_group or "")
    return entry is not None and entry.extra.get("group") == UNEMPLOYED_GROUP
