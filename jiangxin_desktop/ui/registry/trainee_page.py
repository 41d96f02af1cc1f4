"""学员: find as you type (or scan an ID card), register, edit, deactivate, reveal a number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.registry.search import TraineeRow, plan_search
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.tables import make_read_only_list
from jiangxin_desktop.ui.registry.trainee_model import TraineeTableModel

# The registration and deactivation dialogs load when first opened: the list paints sooner.
if TYPE_CHECKING:
    from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog

SEARCH_DELAY_MS = 150


class TraineePage(QWidget):
    data_changed = Signal()  # registered, edited, deactivated or restored: counts change
    activate_requested = Signal()  # show this page (before a dialog opens over it)
    message = Signal(str)  # a short note for the status bar

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None  # the dialog open over this page, if any
        self.model = TraineeTableModel(ctx.search, ctx.codes["target_group"], self)

        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("输入姓名、身份证号或手机号查找；可直接扫描身份证"))
        self.search_box.setClearButtonEnabled(True)
        self.hint_label = QLabel(self)
        self.inactive_box = QCheckBox(self.tr("显示已注销"), self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _text: self._debounce.start())
        self.search_box.returnPressed.connect(self._search_entered)
        self.inactive_box.toggled.connect(self._toggle_inactive)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.model.rowsInserted.connect(lambda *_: self._update_hint())  # scrolled on: "200+"
        make_read_only_list(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSortIndicator(TraineeTableModel.CREATED_AT, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self._size_columns()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TraineeTableModel.TARGET_GROUP, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_selected)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        # A click moves the current row before it selects it: follow the selection too, or
        # 编辑 stays greyed after the first click on a freshly searched list.
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)

        self.buttons: dict[QAction, QToolButton] = {}
        self._build_actions()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search_box, 3)
        top.addWidget(self.hint_label, 2)
        layout.addLayout(top)
        buttons = QHBoxLayout()
        for action in (
            self.new_action,
            self.edit_action,
            self.deactivate_action,
            self.reactivate_action,
            self.photo_action,
            self.reveal_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
            self.buttons[action] = button
        buttons.addStretch(1)
        buttons.addWidget(self.inactive_box)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._update_hint()
        self._update_actions()

    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut: QKeySequence | None = None) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(shortcut)
                act.setToolTip(f"{text} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})")
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.new_action = action(
            self.tr("新登记学员"), self.new_trainee, QKeySequence(QKeySequence.StandardKey.New)
        )
        self.search_action = action(
            self.tr("查找学员"), self.focus_search, QKeySequence(QKeySequence.StandardKey.Find)
        )
        self.edit_action = action(self.tr("编辑"), self.edit_selected)
        self.deactivate_action = action(self.tr("注销"), self.deactivate_selected)
        self.reactivate_action = action(self.tr("恢复"), self.reactivate_selected)
        self.photo_action = action(self.tr("照片…"), self.photo_selected)
        self.photo_action.setToolTip(self.tr("查看、存入或删除所选学员的一寸照片（证书照片框用）"))
        self.reveal_action = action(self.tr("显示完整号码"), self.reveal_selected)
        self.reveal_action.setToolTip(self.tr("显示所选学员的完整身份证号和手机号（会记入操作日志）"))

    # Widest typical content per column. resizeColumnsToContents() would ask the model for
    # every loaded cell (100 ms at start-up over 200 rows); font metrics of samples cost ~0.
    _COLUMN_SAMPLES = {
        TraineeTableModel.NAME: "阿依古丽·买买提",
        TraineeTableModel.SEX: "性别",
        TraineeTableModel.BIRTH_DATE: "0000-00-00",
        TraineeTableModel.ID_NUMBER: "000000********000X",
        TraineeTableModel.PHONE: "000****0000",
        TraineeTableModel.CREATED_AT: "0000-00-00 00:00",
        TraineeTableModel.STATUS: "已注销",
    }

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        padding = 4 * metrics.averageCharWidth()
        for column, sample in self._COLUMN_SAMPLES.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widest = max(metrics.horizontalAdvance(sample), header.fontMetrics().horizontalAdvance(title))
            self.table.setColumnWidth(column, widest + padding)

    # --- searching --------------------------------------------------------------------------
    def search_now(self) -> None:
        """Run the search for the current text at once (Enter, tests, the benchmark)."""
        self._debounce.stop()
        self.model.set_query(self.search_box.text())
        self._update_hint()

    def _search_entered(self) -> None:
        self.search_now()
        if self.model.rowCount() == 1 and not self.model.canFetchMore(QModelIndex()):
            self.select_uuid(self.model.row_at(0).uuid)
            self.search_box.selectAll()  # the next scan replaces the number

    def _toggle_inactive(self, on: bool) -> None:
        self.model.set_include_inactive(on)
        self._update_hint()

    def _update_hint(self) -> None:
        n, capped = self.model.match_count()
        amount = f"{n:,}+" if capped else f"{n:,}"
        plan = plan_search(self.model.query)
        if plan.kind not in ("all", "short"):
            text = self.tr("找到 {n} 人").format(n=amount)
        else:  # everyone is listed
            text = self.tr("共 {n} 人").format(n=amount)
        if plan.kind == "exact" and n == 0:
            text = self.tr("该公民身份号码尚未登记，按 Ctrl+N 登记")
        hint = plan.hint
        if hint:
            text += self.tr(" · {hint}，现显示全部学员").format(hint=self.tr(hint))
        self.hint_label.setText(text)

    def focus_search(self) -> None:
        self.activate_requested.emit()
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def refresh(self) -> None:
        """F5: re-read the list, keeping the selected trainee selected when still listed."""
        uuid = self.current_uuid()
        self.search_now()
        if uuid:
            self.select_uuid(uuid)

    # --- selection ---------------------------------------------------------------------------
    def current_row(self) -> TraineeRow | None:
        index = self.table.selectionModel().currentIndex()
        selected = self.table.selectionModel().selectedRows()
        if not index.isValid() or not selected:
            return None
        return self.model.row_at(index.row())

    def current_uuid(self) -> str | None:
        row = self.current_row()
        return row.uuid if row else None

    def select_uuid(self, uuid: str) -> bool:
        row = self.model.row_of(uuid)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if previous.isValid() and current.row() != previous.row():
            self.model.set_reveal(False)  # a revealed number is masked again when moving on
        self._update_actions()

    def user_changed(self) -> None:
        """Someone logged in (the page may have been built while the password was checked)."""
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.current_row()
        # Buttons follow the role; the registry enforces the same rules itself.
        role = self.ctx.user.role if self.ctx.user is not None else None
        may_enter, may_review = role in ("clerk", "admin"), role in ("reviewer", "admin")
        self.new_action.setEnabled(may_enter)
        self.edit_action.setEnabled(may_enter and row is not None)
        self.deactivate_action.setEnabled(may_enter and row is not None and row.active)
        self.reactivate_action.setEnabled(may_review and row is not None and not row.active)
        if self.buttons:  # 恢复 only matters while deactivated trainees are listed
            self.buttons[self.reactivate_action].setVisible(self.model.include_inactive)
        self.reveal_action.setEnabled(may_review and row is not None and not self.model.is_revealed(row.uuid))
        self.photo_action.setEnabled(row is not None)

    # --- actions ------------------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accept) -> None:
        self.dialog = dialog
        dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def new_trainee(self) -> None:
        self.activate_requested.emit()
        from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog

        dialog = RegistrationDialog(self.ctx, None, self)
        plan = plan_search(self.model.query)
        if plan.kind == "exact" and self.model.rowCount() == 0:
            dialog.prefill_id(plan.term)  # scanned, not found: register that card
        self._open(dialog, lambda: self._saved(dialog, self.tr("已登记学员 {name}")))

    def edit_selected(self) -> None:
        uuid = self.current_uuid()
        if uuid is None:
            return
        from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog

        dialog = RegistrationDialog(self.ctx, self.ctx.registry.get(uuid), self)
        self._open(dialog, lambda: self._saved(dialog, self.tr("已保存学员 {name} 的修改")))

    def _saved(self, dialog: RegistrationDialog, note: str) -> None:
        record = dialog.saved_record
        if record is None:
            return
        self.search_now()
        self.select_uuid(record.uuid)
        self.data_changed.emit()
        self.message.emit(note.format(name=record.name))

    def deactivate_selected(self) -> None:
        row = self.current_row()
        if row is None or not row.active:
            return
        from jiangxin_desktop.ui.registry.deactivate_dialog import DeactivateDialog

        dialog = DeactivateDialog(row.name, mask_id(row.id_number), self)
        self._open(dialog, lambda: self._deactivate(row, dialog.reason()))

    def _deactivate(self, row: TraineeRow, reason: str) -> None:
        try:
            self.ctx.registry.deactivate(row.uuid, reason)
        except KnownError as exc:
            show_known_error(self, exc)
            return
        self.refresh()
        self.data_changed.emit()
        self.message.emit(self.tr("已注销学员 {name}").format(name=row.name))

    def reactivate_selected(self) -> None:
        row = self.current_row()
        if row is None or row.active:
            return
        try:
            self.ctx.registry.reactivate(row.uuid)
        except KnownError as exc:
            show_known_error(self, exc)
            return
        self.refresh()
        self.data_changed.emit()
        self.message.emit(self.tr("已恢复学员 {name}").format(name=row.name))

    def photo_selected(self) -> None:
        uuid = self.current_uuid()
        if uuid is None:
            return
        from jiangxin_desktop.ui.registry.photo_dialog import PhotoDialog

        self._open(PhotoDialog(self.ctx, uuid, self), lambda: None)

    def reveal_selected(self) -> None:
        """Show the selected trainee's numbers in full; registry.reveal leaves the audit event."""
        row = self.current_row()
        if row is None:
            return
        try:
            full = self.ctx.registry.reveal(row.uuid, "id_number", "phone")
        except KnownError as exc:  # e.g. PermissionDenied: the service decides, not the button
            show_known_error(self, exc)
            return
        self.model.reveal_row(row.uuid, full["id_number"])
        self._update_actions()
        self.message.emit(
            self.tr("已显示 {name} 的完整号码（已记入操作日志），选择其他学员后重新遮盖").format(
                name=row.name
            )
        )
