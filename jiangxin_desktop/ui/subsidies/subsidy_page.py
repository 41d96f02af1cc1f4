"""补贴: pick a class, see for every enrolment whether a subsidy can be claimed, how much and why,
and move the claims along (生成 → 审核通过 → sent with the next sync → the city's decision).

The class list puts finished classes first. The table lists the class's enrolments from
``ctx.subsidy.check``; the panel beside it explains the selected one line by line. A button
that cannot be used says why in its tooltip (``claim_words.action_reasons``); the service
checks every rule again and its refusals are shown as they are worded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.money import yuan_sign
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.audit.display import load_names
from jiangxin_desktop.services.training.class_records import STATUS_LABELS
from jiangxin_desktop.ui.subsidies import claim_actions
from jiangxin_desktop.ui.subsidies.claim_words import action_help, action_reasons
from jiangxin_desktop.ui.subsidies.explanation_panel import ExplanationPanel
from jiangxin_desktop.ui.subsidies.subsidy_model import check_model, check_view
from jiangxin_desktop.ui.subsidies.subsidy_printing import document_names, print_document
from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext
    from jiangxin_desktop.ui.printing.print_preview import PrintPreviewDialog

CLASS_ORDER = ("finished", "archived", "training", "opened", "draft")  # 已结业 first


class SubsidyPage(QWidget):
    message = Signal(str)  # a short note for the status bar
    changed = Signal()  # claims changed (the sync label counts what waits)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.role = ctx.user.role if ctx.user is not None else None
        self.rows: list[Any] = []
        self.busy = False
        self.preview: PrintPreviewDialog | None = None
        self.detail: Any | None = None  # the ClaimDetail of the selected row's claim
        self._shown = False

        self.class_combo = QComboBox(self)
        self.class_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.class_combo.setMinimumContentsLength(24)
        self.class_combo.setToolTip(self.tr("已结业的培训班排在前面"))
        self.class_combo.currentIndexChanged.connect(lambda _i: self.load())
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("输入姓名或身份证号后几位查找"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(lambda _t: self._show_rows())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("培训班："), self))
        top.addWidget(self.class_combo, 3)
        top.addWidget(self.search_box, 2)

        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.notice_label = QLabel(self)
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(WARNING_STYLE)
        self.notice_label.hide()

        self.model = check_model(self)
        self.table = check_view(self.model, self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected_changed())
        self.table.doubleClicked.connect(lambda _i: self._open_selected())
        self.table.installEventFilter(self)  # Enter on a row: as a double click
        self.panel = ExplanationPanel(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.panel.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 22)
        splitter.setSizes([640, 440])

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("create", self.tr("生成补贴申请…"), lambda: claim_actions.create_selected(self)),
            ("create_all", self.tr("全班生成"), lambda: claim_actions.create_for_class(self)),
            ("review", self.tr("审核通过"), lambda: claim_actions.review_selected(self)),
            ("send_back", self.tr("退回修改…"), lambda: claim_actions.send_back_selected(self)),
            ("withdraw", self.tr("撤回申请…"), lambda: claim_actions.withdraw_selected(self)),
            ("correct", self.tr("更正后重新申请…"), lambda: claim_actions.correct_selected(self)),
            ("print", self.tr("打印"), None),
        ):
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            if slot is not None:
                button.clicked.connect(slot)
            self.buttons[key] = button
            if key == "print":
                row.addStretch(1)
            row.addWidget(button)
        self.print_menu = QMenu(self)
        self.print_menu.setToolTipsVisible(True)
        self.print_actions: dict[str, QAction] = {}
        for which, name in document_names().items():
            action = self.print_menu.addAction(self.tr("{name}…").format(name=name))
            action.triggered.connect(lambda _c=False, w=which: self.print(w))
            self.print_actions[which] = action
        self.buttons["print"].setMenu(self.print_menu)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)
        self.reload_classes()

    # --- reading ------------------------------------------------------------------------------

    def reload_classes(self) -> None:
        """The class list, finished classes first (within a state, the latest first)."""
        keep = self.class_code()
        classes = self.ctx.classes.list()
        classes.sort(key=lambda c: CLASS_ORDER.index(c.status) if c.status in CLASS_ORDER else len(CLASS_ORDER))
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        for c in classes:
            state = STATUS_LABELS.get(c.status, c.status)
            self.class_combo.addItem(self.tr("{code}　{name}（{state}）").format(code=c.code, name=c.name, state=state),
                                     c.code)
        index = self.class_combo.findData(keep) if keep else -1
        self.class_combo.setCurrentIndex(index if index >= 0 else (0 if classes else -1))
        self.class_combo.blockSignals(False)
        self.load()

    def class_code(self) -> str | None:
        data = self.class_combo.currentData()
        return data if isinstance(data, str) else None

    def select_class(self, code: str) -> bool:
        index = self.class_combo.findData(code)
        if index >= 0:
            self.class_combo.setCurrentIndex(index)
        return index >= 0

    def load(self) -> None:
        """Read the class's rows again (after every action, F5), keeping the selected trainee."""
        keep = self.selected()
        code = self.class_code()
        self.rows = []
        self.notice_label.hide()
        self.panel.actor = load_names(self.ctx.db, []).actor  # who wrote and reviewed, by name
        if code is not None:
            try:
                self.rows = list(self.ctx.subsidy.check(code))
            except KnownError as exc:
                self.notice_label.setText(exc.message)
                self.notice_label.show()
        self._show_rows(keep.enrollment_uuid if keep else None)

    def refresh(self) -> None:
        """F5: the classes (one may have finished meanwhile) and the rows."""
        self.reload_classes()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown:  # back on the page: classes and claims may have changed elsewhere
            self.reload_classes()
        self._shown = True

    def _show_rows(self, keep: str | None = None) -> None:
        if keep is None:
            current = self.selected()
            keep = current.enrollment_uuid if current else None
        text = self.search_box.text().strip()
        rows = [r for r in self.rows if not text or text in r.trainee_name or r.id_masked.endswith(text)]
        self.model.set_rows(rows)
        self._show_summary()
        index = self.model.row_of(keep) if keep else None
        if index is not None:
            self.table.selectRow(index)
        self._selected_changed()

    def _show_summary(self) -> None:
        if self.class_code() is None:
            self.summary_label.setText(self.tr("还没有培训班。"))
            return
        rows = self.rows
        ok = [r for r in rows if r.eligible]
        claims = [r for r in rows if r.claim_status and r.claim_status != "withdrawn"]
        self.summary_label.setText(
            self.tr("共 {n} 人：可以申请 {ok} 人，合计 {total}；不能申请 {no} 人；已生成申请 {claims} 份").format(
                n=len(rows), ok=len(ok), total=yuan_sign(sum(r.amount_fen for r in ok)), no=len(rows) - len(ok),
                claims=len(claims),
            )
        )

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def select_trainee(self, name: str) -> bool:
        index = next((i for i, r in enumerate(self.model.rows) if r.trainee_name == name), None)
        if index is not None:
            self.table.selectRow(index)
        return index is not None

    def _selected_changed(self) -> None:
        row = self.selected()
        detail = None
        if row is not None and row.claim_number:
            try:
                detail = self.ctx.subsidy.show(row.claim_number)
            except KnownError:
                detail = None
        self.detail = detail
        self.panel.show_row(row, detail)
        self.update_buttons()

    # --- what may be pressed ------------------------------------------------------------------

    def update_buttons(self) -> None:
        conflicts = self.detail.conflicts if self.detail is not None else ()
        reasons = action_reasons(self.selected(), self.rows, self.role, self.busy, conflicts)
        helps = action_help()
        for name, button in self.buttons.items():
            button.setEnabled(not reasons[name])
            button.setToolTip(reasons[name] or helps[name])
        notice = self.print_actions["notice"]
        notice.setEnabled(not reasons["notice"])
        notice.setToolTip(reasons["notice"] or helps["notice"])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_selected()
                return True
        return super().eventFilter(watched, event)

    def _open_selected(self) -> None:
        """Enter or a double click on a row: what the row needs next (生成, 审核通过 or 更正)."""
        for action, run in (
            ("create", claim_actions.create_selected),
            ("review", claim_actions.review_selected),
            ("correct", claim_actions.correct_selected),
        ):
            if self.buttons[action].isEnabled():
                run(self)
                return

    # --- printing -----------------------------------------------------------------------------

    def print(self, which: str) -> PrintPreviewDialog | None:
        """申请表 / 汇总表 / 公示名单 of the class in the preview (made in a worker)."""
        code = self.class_code()
        if code is None or not self.buttons["print"].isEnabled():
            return None
        if which == "notice" and not self.print_actions["notice"].isEnabled():
            return None
        self.preview = print_document(self, self.ctx, code, which)
        return self.preview

    # --- after an action ----------------------------------------------------------------------

    def after(self, text: str | None) -> None:
        """Every action ends here: the rows are read again, the status bar says what happened."""
        self.load()
        if text:
            self.message.emit(text)
        self.changed.emit()
