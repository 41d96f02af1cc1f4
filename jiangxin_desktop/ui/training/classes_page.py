"""培训班: the list of classes, their lifecycle buttons, and the selected class beside the list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.class_records import STATUS_LABELS, ClassRecord
from jiangxin_desktop.ui.training.class_actions import class_action_blocks
from jiangxin_desktop.ui.training.class_detail import ClassDetailDialog
from jiangxin_desktop.ui.training.class_dialog import ClassDialog
from jiangxin_desktop.ui.training.class_model import ClassTableModel
from jiangxin_desktop.ui.training.class_summary import ClassSummary
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.error_dialogs import confirm, show_known_error
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

SEARCH_DELAY_MS = 200


class ClassesPage(QWidget):
    message = Signal(str)  # a short note for the status bar
    data_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None  # the dialog open over this page, if any
        self.current: ClassRecord | None = None  # the selected class, with its sessions
        self.problems: list[str] = []  # what stops the selected draft from opening
        self.model = ClassTableModel(ctx.codes["skill_level"], self)

        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("输入班级名称、编号或职业查找"))
        self.search_box.setClearButtonEnabled(True)
        self.status_combo = CodeCombo(self.tr("全部状态"), self)
        self.status_combo.set_items((label, code) for code, label in STATUS_LABELS.items())
        self.hint_label = QLabel(self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.reload)
        self.search_box.textChanged.connect(lambda _t: self._debounce.start())
        self.search_box.returnPressed.connect(self.reload)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.reload())

        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self._size_columns()
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        for enter in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(enter), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_selected)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.summary = ClassSummary(ctx.codes, self)

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("new", self.tr("新建培训班"), self.new_class),
            ("edit", self.tr("修改"), self.edit_selected),
            ("approve", self.tr("审核开班"), self.approve_selected),
            ("send_back", self.tr("退回"), self.send_back_selected),
            ("start", self.tr("开始培训"), self.start_selected),
            ("finish", self.tr("结业"), self.finish_selected),
            ("archive", self.tr("归档"), self.archive_selected),
            ("open", self.tr("学员、考勤与考核…"), self.open_selected),
        ):
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.buttons[key] = button
            if key == "open":
                row.addStretch(1)
            row.addWidget(button)

        self.stats_button = QPushButton(self.tr("导出统计…"), self)
        self.stats_button.setAutoDefault(False)
        self.stats_button.setToolTip(self.tr("每个培训班的人数、出勤达标和考核结果，导出为 Excel"))
        self.stats_button.clicked.connect(self.export_statistics)
        top = QHBoxLayout()
        top.addWidget(self.search_box, 3)
        top.addWidget(self.status_combo)
        top.addWidget(self.hint_label, 2)
        top.addWidget(self.stats_button)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.summary)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.summary.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 16)
        splitter.setSizes([900, 280])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        self.reload()

    _COLUMN_SAMPLES = {
        ClassTableModel.CODE: "320706001-2026-001",
        ClassTableModel.OCCUPATION: "养老护理员",
        ClassTableModel.LEVEL: "五级/初级工",
        ClassTableModel.DATES: "0000-00-00—0000-00-00",
        ClassTableModel.COUNT: "000/000",
        ClassTableModel.STATUS: "已结业",
    }

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        padding = 3 * metrics.averageCharWidth()
        for column, sample in self._COLUMN_SAMPLES.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widest = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title))
            self.table.setColumnWidth(column, widest + padding)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ClassTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(metrics.horizontalAdvance("人数") + padding)

    # --- list ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the list (search, filter, after a change, F5), keeping the selection."""
        self._debounce.stop()
        keep = self.current.uuid if self.current else None
        rows = self.ctx.classes.list(status=self.status_combo.value(), text=self.search_box.text())
        self.model.set_rows(rows)
        filtered = bool(self.search_box.text().strip() or self.status_combo.value())
        self.hint_label.setText(
            (self.tr("找到 {n} 个培训班") if filtered else self.tr("共 {n} 个培训班")).format(n=len(rows))
        )
        if not (keep and self.select_uuid(keep)):
            self._show(None)

    refresh = reload

    def select_uuid(self, uuid: str) -> bool:
        row = self.model.row_of(uuid)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        self._show(self.ctx.classes.get(uuid))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = self.model.row_at(current.row()) if current.isValid() else None
        self._show(self.ctx.classes.get(record.uuid) if record else None)

    def _show(self, record: ClassRecord | None) -> None:
        self.current = record
        self.problems = (
            self.ctx.classes.opening_problems(record) if record and record.status == "draft" else []
        )
        self.summary.show_record(record, self.problems)
        self.update_buttons()

    def update_buttons(self) -> None:
        blocks = class_action_blocks(self.ctx.user, self.current, self.ctx.acting.today())
        if blocks.get("approve") is None and self.problems:
            blocks["approve"] = self.tr("开班前还需解决 {n} 个问题（见右侧），请退回经办人修改").format(
                n=len(self.problems)
            )
        for key, button in self.buttons.items():
            why = blocks.get(key)
            button.setEnabled(why is None)
            button.setToolTip(why or "")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # enrolments or attendance elsewhere change counts and states

    # --- dialogs ------------------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accept) -> None:
        self.dialog = dialog
        dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.reload()

    def export_statistics(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出统计"), self.tr("培训班统计.xlsx"), "Excel (*.xlsx)"
        )
        if name:
            self.export_statistics_to(Path(name))

    def export_statistics_to(self, out: Path) -> bool:
        from jiangxin_desktop.ui.training.class_printing import run_in_worker

        kind, result = run_in_worker(  # in a worker with progress: the window never freezes
            self,
            self.tr("导出统计"),
            self.tr("正在导出培训班统计……"),
            lambda report: self.ctx.class_exports().export_statistics(out, progress=report),
            error_title=self.tr("统计没有导出"),
        )
        if kind != "finished" or not isinstance(result, dict):
            return False
        self.message.emit(self.tr("已导出 {n} 个培训班的统计：{file}").format(n=result["classes"], file=out))
        return True

    def new_class(self) -> None:
        if class_action_blocks(self.ctx.user, None)["new"] is not None:
            return
        dialog = ClassDialog(self.ctx, None, self)
        self._open(dialog, lambda: self._saved(dialog, self.tr("已新建培训班 {code}（草稿）")))

    def edit_selected(self) -> None:
        if self.current is None or self._blocked("edit"):
            return
        dialog = ClassDialog(self.ctx, self.ctx.classes.get(self.current.uuid), self)
        self._open(dialog, lambda: self._saved(dialog, self.tr("已保存培训班 {code} 的修改")))

    def _saved(self, dialog: ClassDialog, note: str) -> None:
        record = dialog.saved_record
        if record is None:
            return
        self.current = record
        self.reload()
        self.data_changed.emit()
        self.message.emit(note.format(code=record.code))

    def open_selected(self) -> None:
        if self.current is None:
            return
        dialog = ClassDetailDialog(self.ctx, self.current.uuid, self)
        self._open(dialog, lambda: None)

    def _blocked(self, key: str) -> bool:
        return class_action_blocks(self.ctx.user, self.current, self.ctx.acting.today()).get(key) is not None

    # --- lifecycle ----------------------------------------------------------------------------
    def _change(self, key: str, question: str, action: str, call, note: str) -> None:
        record = self.current
        if record is None or self._blocked(key):
            return
        if not confirm(self, action, question.format(name=record.name, code=record.code), action):
            return
        try:
            changed = call(record.uuid)
        except KnownError as exc:
            show_known_error(self, exc)
            self.reload()
            return
        self.reload()
        self.data_changed.emit()
        self.message.emit(note.format(code=changed.code, name=changed.name))

    def approve_selected(self) -> None:
        self._change(
            "approve",
            self.tr("审核开班：{name}（{code}）。开班后不能再修改班级信息。确定开班吗？"),
            self.tr("审核开班"),
            self.ctx.classes.approve,
            self.tr("培训班 {code} 已开班"),
        )

    def start_selected(self) -> None:
        self._change(
            "start",
            self.tr("开始培训：{name}（{code}）。记录第一次考勤时也会自动开始。确定现在开始吗？"),
            self.tr("开始培训"),
            self.ctx.classes.start,
            self.tr("培训班 {code} 已开始培训"),
        )

    def finish_selected(self) -> None:
        self._change(
            "finish",
            self.tr("结业：{name}（{code}）。结业后不能再记录考勤，仍可记录考核成绩。确定结业吗？"),
            self.tr("结业"),
            self.ctx.classes.finish,
            self.tr("培训班 {code} 已结业"),
        )

    def archive_selected(self) -> None:
        self._change(
            "archive",
            self.tr("归档：{name}（{code}）。归档后本班只能查看。确定归档吗？"),
            self.tr("归档"),
            self.ctx.classes.archive,
            self.tr("培训班 {code} 已归档"),
        )

    def send_back_selected(self) -> None:
        record = self.current
        if record is None or self._blocked("send_back"):
            return
        dialog = ReasonDialog(
            self.tr("退回开班申请"),
            self.tr("退回培训班 {name}（{code}）？退回后本班回到草稿，经办人按退回原因修改后再提交。").format(
                name=record.name, code=record.code
            ),
            self.tr("退回原因"),
            self.tr("必填，例如：课时不足，请补足到 40 课时"),
            self.tr("退回"),
            self,
        )
        self._open(dialog, lambda: self._send_back(record, dialog.reason()))

    def _send_back(self, record: ClassRecord, reason: str) -> None:
        try:
            self.ctx.classes.send_back(record.uuid, reason)
        except KnownError as exc:
            show_known_error(self, exc)
            return
        self.current = record
        self.reload()
        self.data_changed.emit()
        self.message.emit(self.tr("已退回培训班 {code}").format(code=record.code))
