"""补签 in the window: the clerk's dialog (times and a reason) and the reviewer's list to approve.

A sign-in outside the session's window is refused at the scan box; the clerk then records
it here. It counts no hours until a reviewer (another person) approves it in the list.
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.attendance import MakeupRow
from jiangxin_desktop.services.training.class_records import ClassRecord, SessionRecord
from jiangxin_desktop.services.security.roles import UserInfo
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.reason_dialog import ReasonDialog
from jiangxin_desktop.ui.widgets.record_table import RecordTableModel
from jiangxin_desktop.ui.widgets.styles import WARNING_COLOR
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

SESSION, NAME, ID, SIGN_IN, SIGN_OUT, REASON, BY, STATE = range(8)


def local_iso(day: date, value: QTime) -> str:
    """HH:MM on the session's day, local time, as an ISO instant for the services."""
    return datetime.combine(day, time(value.hour(), value.minute())).astimezone().isoformat()


def _hhmm(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%H:%M")


def may_review(user: UserInfo | None) -> str | None:
    if user is not None and user.role in ("reviewer", "admin"):
        return None
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("MakeupPanel", "补签由审核人批准（不能批准自己提出的补签）")


class MakeupDialog(QDialog):
    """Times and a reason for one trainee's 补签 at one session."""

    def __init__(
        self, session: SessionRecord, name: str, window: str, parent: QWidget | None = None, *, note: str = ""
    ) -> None:
        """``note``: what is already known of the row (出勤 recorded without a sign-in time), said first."""
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("补签：{name}").format(name=name))
        intro = QLabel(
            self.tr(
                "第 {n} 次课 {day} {start}–{end}，签到时间为 {window}。补签写明原因后提交，"
                "须由审核人批准才计入课时。"
            ).format(
                n=session.number,
                day=session.day.isoformat(),
                start=session.start_time,
                end=session.end_time,
                window=window,
            ),
            self,
        )
        if note:
            intro.setText(f"{note}\n{intro.text()}")
        intro.setWordWrap(True)
        self.sign_in_check = QCheckBox(self.tr("签到时间"), self)
        self.sign_in_check.setChecked(True)
        self.sign_in_edit = QTimeEdit(QTime.fromString(session.start_time, "HH:mm"), self)
        self.sign_out_check = QCheckBox(self.tr("签退时间"), self)
        self.sign_out_check.setChecked(True)
        self.sign_out_edit = QTimeEdit(QTime.fromString(session.end_time, "HH:mm"), self)
        for edit in (self.sign_in_edit, self.sign_out_edit):
            edit.setDisplayFormat("HH:mm")
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setMaxLength(500)
        self.reason_edit.setPlaceholderText(
            self.tr("如：旧记录没有签到时间，按纸质签到表补录") if note else self.tr("如：扫码枪故障，按纸质签到表补录")
        )
        form = QFormLayout()
        form.addRow(self.sign_in_check, self.sign_in_edit)
        form.addRow(self.sign_out_check, self.sign_out_edit)
        form.addRow(self.tr("补签原因"), self.reason_edit)
        self.buttons = QDialogButtonBox(self)
        self.submit_button = self.buttons.addButton(self.tr("提交补签"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 34)
        for check, edit in ((self.sign_in_check, self.sign_in_edit), (self.sign_out_check, self.sign_out_edit)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self._update())
        self.reason_edit.textChanged.connect(lambda _t: self._update())
        self._update()

    def _update(self) -> None:
        why = None
        if not (self.sign_in_check.isChecked() or self.sign_out_check.isChecked()):
            why = self.tr("请至少填写签到或签退时间")
        elif not self.reason():
            why = self.tr("请先写明补签原因")
        self.submit_button.setEnabled(why is None)
        self.submit_button.setToolTip(why or "")

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def sign_in_at(self) -> str | None:
        return local_iso(self.session.day, self.sign_in_edit.time()) if self.sign_in_check.isChecked() else None

    def sign_out_at(self) -> str | None:
        if not self.sign_out_check.isChecked():
            return None
        return local_iso(self.session.day, self.sign_out_edit.time())


class MakeupPanel(QGroupBox):
    """The class's 补签 with their state; a reviewer approves or rejects the pending ones."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: ClassRecord | None = None
        self.model: RecordTableModel[MakeupRow] = RecordTableModel(
            [
                self.tr("课次"),
                self.tr("姓名"),
                self.tr("公民身份号码"),
                self.tr("签到"),
                self.tr("签退"),
                self.tr("原因"),
                self.tr("提出人"),
                self.tr("状态"),
            ],
            self._cell,
            lambda r: r.attendance_uuid,
            self,
        )
        self.model.colour = lambda r, c: WARNING_COLOR if c == STATE and r.state == "pending" else None
        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        self.table.horizontalHeader().setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for column, sample in (
            (SESSION, "第 00 次 00-00"),
            (NAME, "阿依古丽·买买提"),
            (ID, "000000********0000"),
            (SIGN_IN, "00:00"),
            (SIGN_OUT, "00:00"),
            (BY, "reviewer"),
            (STATE, "补签待审核"),
        ):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.table.setMaximumHeight(metrics.lineSpacing() * 7)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.approve_button = QPushButton(self.tr("批准补签"), self)
        self.reject_button = QPushButton(self.tr("驳回补签…"), self)
        for button in (self.approve_button, self.reject_button):
            button.setAutoDefault(False)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def _cell(self, r: MakeupRow, column: int) -> str:
        return {
            SESSION: self.tr("第 {n} 次 {day}").format(n=r.session_number, day=r.session_day.strftime("%m-%d")),
            NAME: r.trainee_name,
            ID: mask_id(r.id_number),
            SIGN_IN: _hhmm(r.sign_in_at),
            SIGN_OUT: _hhmm(r.sign_out_at),
            REASON: r.reason,
            BY: r.requested_by + (f" / {r.reviewed_by}" if r.reviewed_by else ""),
            STATE: r.state_label,
        }.get(column, "")

    def load(self, record: ClassRecord | None) -> None:
        self.record = record
        rows = self.ctx.attendance.makeups(record.uuid) if record is not None else []
        rows.sort(key=lambda r: (r.state != "pending", r.session_number))
        self.model.set_rows(rows)
        pending = sum(1 for r in rows if r.state == "pending")
        self.setTitle(self.tr("补签（待审核 {n} 条，共 {m} 条）").format(n=pending, m=len(rows)))
        self.setVisible(bool(rows))
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._update()

    def current(self) -> MakeupRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update(self) -> None:
        row = self.current()
        why = may_review(self.ctx.user)
        if why is None and row is None:
            why = self.tr("请先在列表中选择一条补签")
        elif why is None and row is not None and row.state != "pending":
            why = self.tr("这条补签已处理（{state}）").format(state=row.state_label)
        elif why is None and row is not None and self.ctx.user and row.requested_by == self.ctx.user.username:
            why = self.tr("不能审核自己提出的补签")
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(why is None)
            button.setToolTip(why or "")

    def approve(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            done = self.ctx.attendance.approve_makeup(row.attendance_uuid)
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("未能批准补签"))
            return
        self._done(done, self.tr("已批准 {name} 第 {n} 次课的补签，计入课时"))

    def reject(self) -> None:
        row = self.current()
        if row is None:
            return
        dialog = ReasonDialog(
            self.tr("驳回补签"),
            self.tr("驳回 {name} 第 {n} 次课的补签？驳回后不计课时。").format(
                name=row.trainee_name, n=row.session_number
            ),
            self.tr("驳回原因"),
            self.tr("如：无纸质签到表为证"),
            self.tr("驳回"),
            self,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            done = self.ctx.attendance.reject_makeup(row.attendance_uuid, dialog.reason())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("未能驳回补签"))
            return
        self._done(done, self.tr("已驳回 {name} 第 {n} 次课的补签"))

    def _done(self, done: MakeupRow, text: str) -> None:
        self.message.emit(text.format(name=done.trainee_name, n=done.session_number))
        self.load(self.record)
        self.changed.emit()
