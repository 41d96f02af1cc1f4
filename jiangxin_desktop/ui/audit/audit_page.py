"""操作日志: the audit trail, filtered, read-only, with a check of its hash chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.audit.anchor import ANCHOR_FILE, check_anchor, reanchor
from jiangxin_desktop.services.audit.display import (
    ACTION_LABELS,
    DETAIL_LABELS,
    OBJECT_LABELS,
    AuditNames,
    load_names,
    mask_numbers,
    words,
)
from jiangxin_desktop.services.audit.trail import AuditRow, distinct_values, list_events, verify_chain
from jiangxin_desktop.ui.widgets.tables import make_read_only_list
from jiangxin_desktop.ui.registry.trainee_model import format_created

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


def detail_labels() -> dict[str, str]:
    """Labels for the keys of event details (trainee fields and the other events' facts)."""
    tr = AuditTableModel.tr_static
    return {key: tr(label) for key, label in DETAIL_LABELS.items()}


def describe(
    value: Any, labels: dict[str, str] | None = None, codes: Any = None, names: AuditNames | None = None
) -> str:
    """One "标签：值" line per field, in the clerk's words rather than as JSON: codes as labels,
    UUIDs and user names as names, times in local time (with ``codes`` and ``names``)."""
    labels = labels or detail_labels()
    if not isinstance(value, dict):
        return str(value)
    value = words(value, codes, names)
    lines = []
    for key in sorted(value):
        item = value[key]
        if item in (None, "", [], {}):
            continue
        if isinstance(item, bool):
            item = AuditTableModel.tr_static("是") if item else AuditTableModel.tr_static("否")
        elif isinstance(item, list):
            item = "、".join(str(x) for x in item)
        lines.append(f"{labels.get(key, key)}：{item}")
    return "\n".join(lines)


def action_labels() -> dict[str, str]:
    tr = AuditTableModel.tr_static
    return {key: tr(label) for key, label in ACTION_LABELS.items()}


def object_labels() -> dict[str, str]:
    tr = AuditTableModel.tr_static
    return {key: tr(label) for key, label in OBJECT_LABELS.items()}


class AuditTableModel(QAbstractTableModel):
    AT, ACTOR, ACTION, OBJECT = range(4)

    @staticmethod
    def tr_static(text: str) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("AuditTableModel", text)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []
        self.names = AuditNames()
        self._labels = action_labels()
        self._objects = object_labels()
        self._headers = (self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("对象"))

    def set_rows(self, rows: list[AuditRow], names: AuditNames | None = None) -> None:
        self.beginResetModel()
        self._rows = rows
        self.names = names or AuditNames()
        self.endResetModel()

    def row_at(self, row: int) -> AuditRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == self.AT:
            return format_created(row.at)
        if column == self.ACTOR:
            return self.names.actor(row.actor)
        if column == self.ACTION:
            return self._labels.get(row.action, row.action)
        thing = self.names.thing(row.object_id) or row.object_id or ""
        return f"{self._objects.get(row.object_type, row.object_type)} {thing}".strip()


class AuditPage(QWidget):
    """Read-only: the program offers no way to edit or delete an event."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = AuditTableModel(self)
        self.action_box = QComboBox(self)
        self.actor_box = QComboBox(self)
        self.since = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.until = QDateEdit(QDate.currentDate(), self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.text_box = QLineEdit(self)
        self.text_box.setPlaceholderText(self.tr("对象或内容包含…"))
        self.search_button = QPushButton(self.tr("查询"), self)
        self.verify_button = QPushButton(self.tr("校验完整性"), self)
        self.verify_button.setToolTip(self.tr("检查操作日志的哈希链：任何一条被修改或删除都会被发现"))
        self.reanchor_button = QPushButton(self.tr("重新锚定…"), self)
        admin = self.ctx.user is not None and self.ctx.user.role == "admin"
        self.reanchor_button.setEnabled(admin)
        self.reanchor_button.setToolTip(
            self.tr("校验发现日志末尾有问题、并已核查清楚后，从现在的日志重新开始锚定（旧锚点留作证据）")
            if admin
            else self.tr("只有管理员可以重新锚定")
        )
        self.count_label = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AuditTableModel.OBJECT, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(self.tr("选择一条记录查看修改前后的内容（号码已遮盖）"))

        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("操作"), self.action_box),
            (self.tr("操作人"), self.actor_box),
            (self.tr("从"), self.since),
            (self.tr("到"), self.until),
        ):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(widget)
        filters.addWidget(self.text_box, 1)
        filters.addWidget(self.search_button)
        filters.addWidget(self.verify_button)
        filters.addWidget(self.reanchor_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)

        self.search_button.clicked.connect(self.refresh)
        self.text_box.returnPressed.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify)
        self.reanchor_button.clicked.connect(self.reanchor)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self._loaded = False  # queried when first shown, not at start-up

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.reload_choices()
            self.refresh()

    def reload_choices(self) -> None:
        labels = action_labels()
        self.action_box.clear()
        self.action_box.addItem(self.tr("（全部）"), None)
        for action in distinct_values(self.ctx.db, "action"):
            self.action_box.addItem(labels.get(action, action), action)
        self.actor_box.clear()
        self.actor_box.addItem(self.tr("（全部）"), None)
        names = load_names(self.ctx.db, [])  # the users' display names
        for actor in distinct_values(self.ctx.db, "actor"):
            self.actor_box.addItem(names.actor(actor), actor)

    def refresh(self) -> None:
        rows = list_events(
            self.ctx.db,
            action=self.action_box.currentData(),
            actor=self.actor_box.currentData(),
            text_filter=self.text_box.text().strip() or None,
            since=self.since.date().toString("yyyy-MM-dd"),
            until=self.until.date().toString("yyyy-MM-dd"),
        )
        self.model.set_rows(rows, load_names(self.ctx.db, rows))
        self.detail.clear()
        self.count_label.setText(self.tr("共 {n} 条（最近的在前，最多显示 500 条）").format(n=len(rows)))

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        row = self.model.row_at(current.row())
        parts = []
        for title, raw in ((self.tr("修改前"), row.before_json), (self.tr("修改后"), row.after_json)):
            if raw:
                detail = describe(json.loads(raw), codes=self.ctx.codes, names=self.model.names)
                parts.append(f"{title}：\n{mask_numbers(detail)}")
        self.detail.setPlainText("\n\n".join(parts) or self.tr("（无内容）"))

    def verify(self) -> None:
        report = verify_chain(self.ctx.db, self.ctx.paths.root / ANCHOR_FILE)
        anchor = report.anchor
        when = ""
        if anchor is not None and anchor.anchored_at:
            when = self.tr("最近一次锚定：{at}（共 {n} 条）。").format(
                at=anchor.anchored_at_shown, n=anchor.anchored_events
            )
        if report.ok_overall:
            QMessageBox.information(
                self,
                self.tr("校验完整性"),
                self.tr("操作日志完整：共 {n} 条，没有被修改或删除。").format(n=report.events)
                + ("\n" + when if when else ""),
            )
            return
        lines = []
        if not report.ok:
            lines.append(
                self.tr("操作日志在第 {seq} 条（{at}，{actor}）处断开：{reason}").format(
                    seq=report.broken_seq,
                    at=report.broken_at,
                    actor=report.broken_actor,
                    reason=report.reason,
                )
            )
        if anchor is not None and not anchor.ok:
            lines.append(self.tr("日志末尾：{problem}").format(problem=anchor.problem))
        if when:
            lines.append(when)
        lines.append(self.tr("请立即报告管理员，并与最近的备份核对。"))
        QMessageBox.critical(self, self.tr("校验完整性"), "\n".join(lines))

    def reanchor(self) -> None:
        """What ``audit reanchor`` does, after the administrator has looked into the problem."""
        path = self.ctx.paths.root / ANCHOR_FILE
        check = check_anchor(self.ctx.db, path)
        if check.ok and path.exists():
            QMessageBox.information(self, self.tr("重新锚定"), self.tr("审计锚点与操作日志相符，无需重新锚定。"))
            return
        answer = QMessageBox.question(
            self,
            self.tr("重新锚定"),
            self.tr(
                "锚点报告的问题：{problem}\n\n请确认已经核查清楚（与最近的备份核对过）。"
                "重新锚定后，程序从现在的日志重新开始锚定；旧锚点留作证据，这一步记入操作日志。是否继续？"
            ).format(problem=check.problem or ""),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        assert self.ctx.user is not None
        try:
            result = reanchor(self.ctx.db, path, self.ctx.user.username)
        except KnownError as exc:
            QMessageBox.warning(self, self.tr("重新锚定"), exc.message)
            return
        kept = result["old_anchor_kept_as"]
        QMessageBox.information(
            self,
            self.tr("重新锚定"),
            self.tr("已重新锚定：共 {n} 条。").format(n=result["anchored_events"])
            + (self.tr("旧锚点保存为 {file}。").format(file=Path(kept).name) if kept else ""),
        )
        self.refresh()
