"""待回访: the follow-up calls falling due and overdue, entered as fast as a roll call.

The list comes from ``ctx.followups.due()`` (overdue first, then by the day it falls due), with
the phone in full — the clerk calls it. With a row selected a digit records the outcome at
once (回访日期 today) and the cursor moves to the next person; Enter opens the compact form
(ui/followup/followup_form.py) for 工作单位, 统一社会信用代码, 用工形式, 月工资, the date and a
note. 已回访 lists what was recorded; Enter there corrects a record (the service audits before
and after). 批量导入… reads a spreadsheet through the roster import engine.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.ui.followup.followup_form import FollowupForm, FollowupValues
from jiangxin_desktop.ui.followup.followup_words import (
    OUTCOME_BY_KEY,
    SHOW_ALL,
    SHOW_DONE,
    SHOW_WEEK,
    end_of_week,
    matches,
    outcome_legend,
    period_words,
    state_words,
)
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import ERROR_COLOR
from jiangxin_desktop.ui.widgets.tables import make_read_only_list


def _get(row: Any, *names: str) -> Any:
    for name in names:
        value = getattr(row, name, None)
        if value is not None:
            return value
    return None


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


class FollowupGrid(QTableView):
    """A list where digits 1–5 choose the outcome of the current row and Enter opens the form."""

    outcome_key = Signal(int, str)  # row, outcome code
    enter = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        make_read_only_list(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.keys_enabled = True
        self.doubleClicked.connect(lambda index: self.enter.emit(index.row()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        code = OUTCOME_BY_KEY.get(Qt.Key(event.key()))
        if code is not None and plain:
            if self.keys_enabled and row >= 0:
                self.outcome_key.emit(row, code)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if row >= 0:
                self.enter.emit(row)
            return
        super().keyPressEvent(event)


class FollowupTab(QWidget):
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form: FollowupForm | None = None
        self.import_dialog: Any = None
        self.outcome_labels = {c.code: c.label for c in ctx.codes["followup_outcome"]}
        self.due_model: RecordTableModel[Any] = RecordTableModel(
            [self.tr(h) for h in ("姓名", "电话", "身份证号", "班级", "结业日期", "回访期", "应回访日期", "状态", "上次结果")],
            self._due_cell,
            lambda r: f"{r.enrollment_uuid}:{r.period_months}",
            self,
        )
        self.due_model.colour = lambda r, c: ERROR_COLOR if c == 7 and r.overdue else None
        self.done_model: RecordTableModel[Any] = RecordTableModel(
            [self.tr(h) for h in ("姓名", "班级", "回访期", "回访日期", "回访结果", "工作单位", "用工形式", "月工资", "备注")],
            self._done_cell,
            lambda r: f"{r.enrollment_uuid}:{r.period_months}",
            self,
        )
        self.view = QComboBox(self)
        self.view.addItem(self.tr("本周到期"), SHOW_WEEK)
        self.view.addItem(self.tr("全部到期和逾期"), SHOW_ALL)
        self.view.addItem(self.tr("已回访（可更正）"), SHOW_DONE)
        self.view.setCurrentIndex(1)
        self.view.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("搜索姓名、电话、班级"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._fill())
        self.search.returnPressed.connect(self.table_focus)
        self.import_button = QPushButton(self.tr("批量导入…"), self)
        self.import_button.setAutoDefault(False)
        self.import_button.setToolTip(self.tr("从表格导入回访结果（先预览，逐行说明问题）"))
        self.import_button.clicked.connect(self.open_import)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("显示："), self))
        top.addWidget(self.view)
        top.addWidget(self.search, 1)
        top.addWidget(self.import_button)

        self.legend = QLabel(outcome_legend(self.outcome_labels), self)
        self.legend.setWordWrap(True)
        self.table = FollowupGrid(self)
        self.table.setModel(self.due_model)
        self.table.outcome_key.connect(self.record_key)
        self.table.enter.connect(self.open_form)
        self.count_label = QLabel(self)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.form_button = QPushButton(self.tr("填写回访… (Enter)"), self)
        self.form_button.setAutoDefault(False)
        self.form_button.clicked.connect(lambda: self.open_form(self.table.currentIndex().row()))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.form_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._rows: list[Any] = []  # read by refresh(), when the page shows the tab (not at login)

    # --- cells ------------------------------------------------------------------------------------
    def _due_cell(self, r: Any, column: int) -> str:
        values = (
            r.trainee_name, r.phone or "", r.id_masked or "", r.class_name or r.class_code,
            _day(r.class_end), period_words(r.period_months), _day(r.due_on), state_words(r),
            r.last_outcome or "",
        )
        return str(values[column])

    def _label(self, list_name: str, code: Any) -> str:
        if not code:
            return ""
        return next((c.label for c in self.ctx.codes[list_name] if c.code == code), str(code))

    def _done_cell(self, r: Any, column: int) -> str:
        outcome = _get(r, "outcome_label") or self.outcome_labels.get(_get(r, "outcome") or "", "")
        values = (
            _get(r, "trainee_name", "name") or "", _get(r, "class_name", "class_code") or "",
            period_words(r.period_months), _day(_get(r, "contacted_on")), outcome,
            _get(r, "employer_name") or "", self._label("contract_type", _get(r, "contract_type")),
            self._label("wage_band", _get(r, "wage_band")), _get(r, "note") or "",
        )
        return str(values[column])

    # --- the list ---------------------------------------------------------------------------------
    def showing_done(self) -> bool:
        return self.view.currentData() == SHOW_DONE

    def refresh(self) -> None:
        """Read the list again from the service (F5 through the main window)."""
        today = self.ctx.acting.today()
        try:
            if self.showing_done():
                rows = sorted(self.ctx.followups.list(), key=lambda r: _day(_get(r, "contacted_on")), reverse=True)
            elif self.view.currentData() == SHOW_WEEK:
                sunday = end_of_week(today)
                rows = [r for r in self.ctx.followups.due(today=today) if r.overdue or r.due_on <= sunday]
            else:
                rows = list(self.ctx.followups.due(today=today))
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("无法读取回访"))
            rows = []
        self._rows = rows
        done = self.showing_done()
        self.table.keys_enabled = not done
        model = self.done_model if done else self.due_model
        if self.table.model() is not model:
            self.table.setModel(model)
        self.legend.setText(
            self.tr("已记录的回访；选中一行按 Enter 更正。") if done else outcome_legend(self.outcome_labels)
        )
        self.form_button.setText(self.tr("更正… (Enter)") if done else self.tr("填写回访… (Enter)"))
        self._fill()

    def _fill(self, keep_row: int = 0) -> None:
        model = self.table.model()
        assert isinstance(model, RecordTableModel)
        shown = [r for r in self._rows if matches(r, self.search.text())]
        model.set_rows(shown)
        self._fit_columns()
        if self.showing_done():
            self.count_label.setText(self.tr("已回访 {n} 条").format(n=len(shown)))
        elif not self._rows:
            rules = self.ctx.followups.rules
            self.count_label.setText(
                self.tr("没有到期或逾期的回访。结业后 {periods} 个月各回访一次，到期前 {days} 天列在这里。").format(
                    periods="、".join(str(p) for p in rules.periods_months), days=rules.due_before_days
                )
            )
        else:
            late = sum(1 for r in shown if r.overdue)
            self.count_label.setText(self.tr("待回访 {n} 人次，其中逾期 {late}").format(n=len(shown), late=late))
        self.form_button.setEnabled(bool(shown))
        if shown:
            self.table.setCurrentIndex(model.index(min(keep_row, len(shown) - 1), 0))

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.table.model().columnCount() - 1, QHeaderView.ResizeMode.Stretch)

    def table_focus(self) -> None:
        self.table.setFocus()

    # --- recording --------------------------------------------------------------------------------
    def _save(self, row: Any, values: FollowupValues) -> Any:
        from jiangxin_desktop.services.followup import FollowupInput

        data = FollowupInput(
            outcome=values.outcome, contacted_on=values.contacted_on, employer_name=values.employer_name,
            employer_uscc=values.employer_uscc, contract_type=values.contract_type,
            wage_band=values.wage_band, note=values.note,
        )
        return self.ctx.followups.record(row.enrollment_uuid, row.period_months, data)

    def _recorded(self, index: int, row: Any, outcome: str) -> None:
        name = _get(row, "trainee_name", "name") or ""
        text = self.tr("已记录：{name} {period}回访，{outcome}").format(
            name=name, period=period_words(row.period_months), outcome=self.outcome_labels.get(outcome, outcome)
        )
        self.status_label.setText(text)
        self.message.emit(text)
        if self.showing_done():
            self.refresh()
            return
        self._rows = [r for r in self._rows if r is not row]
        self._fill(keep_row=index)
        self.table.setFocus()

    def record_key(self, index: int, outcome: str) -> None:
        """A digit on a due row: the outcome, contacted today; the next person gets the cursor."""
        row = self.due_model.row_at(index)
        try:
            self._save(row, FollowupValues(outcome=outcome, contacted_on=self.ctx.acting.today()))
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("未能保存回访"))
            return
        self._recorded(index, row, outcome)

    def open_form(self, index: int) -> None:
        """Enter: the compact form for the current row (a due one, or a recorded one to correct)."""
        model = self.table.model()
        if not isinstance(model, RecordTableModel) or not 0 <= index < model.rowCount():
            return
        row = model.row_at(index)
        today = self.ctx.acting.today()
        if self.showing_done():
            initial = FollowupValues(
                outcome=_get(row, "outcome") or "employed", contacted_on=_get(row, "contacted_on") or today,
                employer_name=_get(row, "employer_name"), employer_uscc=_get(row, "employer_uscc"),
                contract_type=_get(row, "contract_type"), wage_band=_get(row, "wage_band"), note=_get(row, "note"),
            )
            intro = self.tr("更正 {name} 的{period}回访（修改前后都记入操作日志）")
        else:
            initial = FollowupValues(outcome="employed", contacted_on=today)
            intro = self.tr("{name}　电话 {phone}　{klass}　{period}回访")
        intro = intro.format(
            name=_get(row, "trainee_name", "name") or "", phone=_get(row, "phone") or "",
            period=period_words(row.period_months), klass=_get(row, "class_name", "class_code") or "",
        )
        saved: list[FollowupValues] = []

        def save(values: FollowupValues) -> None:
            self._save(row, values)
            saved.append(values)

        form = FollowupForm(self.ctx.codes, intro, today, _get(row, "class_end"), initial, save, self)
        self.form = form
        form.finished.connect(lambda _result: self._form_closed(form, index, row, saved))
        form.open()

    def _form_closed(self, form: FollowupForm, index: int, row: Any, saved: list[FollowupValues]) -> None:
        if self.form is form:
            self.form = None
        form.deleteLater()
        if saved:
            self._recorded(index, row, saved[-1].outcome)
        else:
            self.table.setFocus()

    def open_import(self) -> None:
        from jiangxin_desktop.ui.followup.followup_import_dialog import FollowupImportDialog

        dialog = FollowupImportDialog(self.ctx, self)
        self.import_dialog = dialog
        dialog.finished.connect(lambda _r: self._import_closed(dialog))
        dialog.open()

    def _import_closed(self, dialog: Any) -> None:
        if self.import_dialog is dialog:
            self.import_dialog = None
        dialog.deleteLater()
        if dialog.imported:
            self.refresh()
