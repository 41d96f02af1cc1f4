"""考勤 tab of a class: pick a session, scan ID cards to 签到/签退, set statuses by key, see rates.

A scan outside the session's window is refused with the window named; 补签… records it with a
reason for a reviewer, who approves it in the list below the grid (attendance_makeup.py).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.masking import mask_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.attendance import (
    ATTENDANCE_LABELS,
    RECORDING,
    AttendanceRow,
    OutsideWindow,
    RateRow,
)
from jiangxin_desktop.services.training.class_records import STATUS_LABELS, ClassRecord
from jiangxin_desktop.ui.training.attendance_makeup import MakeupDialog, MakeupPanel
from jiangxin_desktop.ui.training.attendance_grid import AttendanceGrid, default_session, key_legend, session_label
from jiangxin_desktop.ui.training import attendance_untimed as untimed
from jiangxin_desktop.ui.training.class_actions import may_enter
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE, WARNING_COLOR

NAME, ID, STATUS, SIGN_IN, SIGN_OUT, COUNTED, RATE, MEETS = range(8)
FLASH_MS = 1500
OK_STYLE = "color: #1e7b34;"


def _local_time(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%H:%M")


class AttendanceTab(QWidget):
    changed = Signal()  # attendance recorded (the first one starts the training)
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: ClassRecord | None = None
        self.rates: dict[str, RateRow] = {}
        self.model: untimed.TooltipTableModel[AttendanceRow] = untimed.TooltipTableModel(
            [
                self.tr("姓名"),
                self.tr("公民身份号码"),
                self.tr("本次考勤"),
                self.tr("签到"),
                self.tr("签退"),
                self.tr("本次计课时"),
                self.tr("累计出勤"),
                self.tr("出勤率要求"),
            ],
            self._cell,
            lambda r: r.enrollment_uuid,
            self,
        )
        self.model.colour = self._colour
        self.model.tooltip = lambda r, c: (
            untimed.status_tooltip(r, self.record.status if self.record else None) if c == STATUS else None
        )

        self.session_combo = CodeCombo(None, self)
        self.session_combo.setMinimumContentsLength(28)
        self.session_combo.currentIndexChanged.connect(lambda _i: self.reload_sheet())
        self.sign_in_radio = QRadioButton(self.tr("签到"), self)
        self.sign_out_radio = QRadioButton(self.tr("签退"), self)
        self.sign_in_radio.setChecked(True)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.sign_in_radio)
        self.mode_group.addButton(self.sign_out_radio)
        self.sign_out_radio.toggled.connect(self._mode_changed)
        self.scan_box = QLineEdit(self)
        self.scan_box.setMaxLength(24)
        self.scan_box.returnPressed.connect(self.scan_entered)
        self.feedback = QLabel(self)
        self.feedback.setWordWrap(True)
        self.blocked_label = QLabel(self)
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet(ERROR_STYLE)

        self.grid = AttendanceGrid(self)
        self.grid.setModel(self.model)
        self.grid.status_key.connect(self.set_status)
        metrics = self.fontMetrics()
        pad = 3 * metrics.averageCharWidth()
        for column, sample in (
            (NAME, "阿依古丽·买买提"),
            (ID, "000000********0000"),
            (STATUS, "本次考勤"),
            (SIGN_IN, "00:00"),
            (SIGN_OUT, "00:00"),
            (COUNTED, "0 课时（迟到 40 分钟）"),
            (RATE, "100%（00/00 课时，计划 00）"),
        ):
            self.grid.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.grid.horizontalHeader().setSectionResizeMode(MEETS, QHeaderView.ResizeMode.Stretch)
        self.status_buttons: dict[str, QPushButton] = {}
        marks = QHBoxLayout()
        marks.addWidget(QLabel(self.tr("标记所选学员："), self))
        for i, (status, label) in enumerate(ATTENDANCE_LABELS.items(), start=1):
            button = QPushButton(f"{label} ({i})", self)
            button.setAutoDefault(False)
            button.clicked.connect(
                lambda _c=False, s=status: self.set_status(self.grid.currentIndex().row(), s)
            )
            marks.addWidget(button)
            self.status_buttons[status] = button
        self.makeup_button = QPushButton(self.tr("补签…"), self)
        self.makeup_button.setAutoDefault(False)
        self.makeup_button.clicked.connect(self.open_makeup)
        marks.addWidget(self.makeup_button)
        marks.addStretch(1)
        self.makeups = MakeupPanel(ctx, self)
        self.makeups.message.connect(self.message)
        self.makeups.changed.connect(lambda: self._recorded(None))
        self.legend = QLabel(key_legend(), self)
        self.threshold_label = QLabel(self)
        self.untimed_notice = untimed.UntimedNotice(self)
        self.untimed_notice.go_to.connect(self.session_combo.set_value)
        self.threshold_label.setWordWrap(True)

        session_row = QHBoxLayout()
        session_row.addWidget(QLabel(self.tr("课次"), self))
        session_row.addWidget(self.session_combo, 1)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.sign_in_radio)
        scan_row.addWidget(self.sign_out_radio)
        scan_row.addWidget(self.scan_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.blocked_label)
        layout.addLayout(session_row)
        layout.addLayout(scan_row)
        layout.addWidget(self.feedback)
        layout.addLayout(marks)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.untimed_notice)
        layout.addWidget(self.makeups)
        layout.addWidget(self.legend)
        layout.addWidget(self.threshold_label)
        self._flash = QTimer(self)
        self._flash.setSingleShot(True)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(lambda: self.model.set_highlighted(set()))
        self._mode_changed()

    # --- cells --------------------------------------------------------------------------------
    def _cell(self, r: AttendanceRow, column: int) -> str:
        rate = self.rates.get(r.enrollment_uuid)
        if column == NAME:
            return r.trainee_name
        if column == ID:
            return mask_id(r.id_number)
        if column == STATUS:
            return untimed.status_text(r)
        if column == COUNTED:
            if not r.status:
                return ""
            hours = self.tr("{n} 课时").format(n=r.counted)
            if r.makeup == "pending":
                return self.tr("{hours}（补签待审）").format(hours=hours)
            if not r.reason or r.status in ("leave", "absent"):
                return hours
            why = r.reason.split("，")[0].split("（")[0]  # 迟到 40 分钟 / 没有签退: the rest is in the rules below
            return self.tr("{hours}（{why}）").format(hours=hours, why=why)
        if column == SIGN_IN:
            return _local_time(r.sign_in_at)
        if column == SIGN_OUT:
            return _local_time(r.sign_out_at)
        if column == RATE and rate is not None:
            if not rate.total_hours:
                return self.tr("尚未上课")
            return self.tr("{pct:.0%}（{a}/{t} 课时，计划 {p}）").format(
                pct=rate.rate, a=rate.attended_hours, t=rate.total_hours, p=rate.planned_hours
            )
        if column == MEETS and rate is not None:
            if rate.meets_threshold:
                return self.tr("已达到 {p:.0%}").format(p=rate.threshold)
            return self.tr("尚未达到 {p:.0%}").format(p=rate.threshold)
        return ""

    def _colour(self, r: AttendanceRow, column: int) -> str | None:
        if column == STATUS and (r.status in ("late", "early", "leave", "absent") or untimed.is_untimed(r)):
            return WARNING_COLOR
        if column == COUNTED and (r.reason or r.makeup == "pending"):
            return WARNING_COLOR
        rate = self.rates.get(r.enrollment_uuid)
        if column == MEETS and rate is not None and not rate.meets_threshold:
            return WARNING_COLOR
        return None

    # --- loading ------------------------------------------------------------------------------
    def load(self, record: ClassRecord) -> None:
        """Show ``record`` (read with its sessions); keeps the chosen session when it is the same class."""
        same = self.record is not None and self.record.uuid == record.uuid
        keep = self.session_combo.value() if same else None
        self.record = record
        self.session_combo.blockSignals(True)
        self.session_combo.set_items((session_label(s), s.uuid) for s in record.sessions)
        if keep is None:
            default = default_session(record.sessions, self.ctx.acting.today())
            keep = default.uuid if default else None
        self.session_combo.set_value(keep)
        self.session_combo.blockSignals(False)
        why = may_enter(self.ctx.user)
        if why is None and record.status not in RECORDING:
            why = self.tr("本班现在是“{state}”，只有已开班或培训中的班才能记录考勤").format(
                state=STATUS_LABELS[record.status]
            )
        if why is None and not record.sessions:
            why = self.tr("本班还没有课次安排")
        self.blocked_label.setText(why or "")
        self.blocked_label.setVisible(bool(why))
        buttons = (*self.status_buttons.values(), self.makeup_button)
        for widget in (self.scan_box, self.sign_in_radio, self.sign_out_radio, *buttons):
            widget.setEnabled(why is None)
            widget.setToolTip(why or "")
        self.grid.keys_enabled = why is None
        catalog = self.ctx.catalogs.active()
        rules = catalog.rules.attendance
        self.threshold_label.setText(
            self.tr(
                "课时按签到、签退时间计算：开课前 {before} 分钟至下课可签到，此外须补签并经审核人批准；"
                "迟到、早退超过 {late}/{early} 分钟的{beyond}；没有签退的{missing}。"
                "出勤率为计入的课时占已上课时，计划共 {hours} 课时；享受补贴须达到 {p:.0%}（培训目录 {version}）。"
            ).format(
                before=rules.checkin_before_start_minutes,
                late=rules.late_limit_minutes,
                early=rules.early_leave_limit_minutes,
                beyond=self.tr("不计课时")
                if rules.beyond_limit == "zero"
                else self.tr("按实际在场时间折算整课时"),
                missing=self.tr("计一半课时") if rules.missing_signout == "half" else self.tr("不计课时"),
                hours=sum(s.hours for s in record.sessions),
                p=catalog.rules.attendance_threshold,
                version=catalog.version,
            )
        )
        self.reload_sheet()

    def clear(self) -> None:
        self.record = None
        self.session_combo.set_items([])
        self.model.set_rows([])

    def session_uuid(self) -> str | None:
        return self.session_combo.value()

    def reload_sheet(self) -> None:
        uuid = self.session_uuid()
        if self.record is None or uuid is None:
            self.model.set_rows([])
            self.untimed_notice.load([], None)
            return
        self.rates = {r.enrollment_uuid: r for r in self.ctx.attendance.rates(self.record.uuid)}
        current = self.grid.currentIndex().row()
        self.model.set_rows(self.ctx.attendance.sheet(uuid))
        self.makeups.load(self.record)
        number = next((s.number for s in self.record.sessions if s.uuid == uuid), None)
        self.untimed_notice.load(self.ctx.attendance.untimed(self.record.uuid), number)
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(max(0, min(current, self.model.rowCount() - 1)), 0))

    def _mode_changed(self) -> None:
        if self.sign_out_radio.isChecked():
            self.scan_box.setPlaceholderText(self.tr("签退：扫描身份证或输入身份证号，按回车"))
        else:
            self.scan_box.setPlaceholderText(self.tr("签到：扫描身份证或输入身份证号，按回车"))
        self.scan_box.setFocus()

    # --- recording ----------------------------------------------------------------------------
    def scan_entered(self) -> None:
        """Enter in the scan box: sign that person in (or out) at once, beep and flash the row."""
        uuid, text = self.session_uuid(), self.scan_box.text().strip()
        if uuid is None or not text:
            return
        signing_out = self.sign_out_radio.isChecked()
        try:
            if signing_out:
                row = self.ctx.attendance.check_out(uuid, text)
            else:
                row = self.ctx.attendance.check_in(uuid, text)
        except KnownError as exc:
            self._refused(exc)
            self.scan_box.selectAll()  # kept for checking; the next scan replaces it
            return
        QApplication.beep()
        action = self.tr("签退") if signing_out else self.tr("签到")
        status = ATTENDANCE_LABELS.get(row.status or "", row.status or "")
        self.feedback.setStyleSheet(OK_STYLE)
        moment = row.sign_out_at if signing_out else row.sign_in_at
        self.feedback.setText(
            self.tr("{name} 已{action} {time}（{status}）").format(
                name=row.trainee_name, action=action, time=_local_time(moment), status=status
            )
        )
        self.scan_box.clear()
        self._recorded(row.enrollment_uuid)

    def set_status(self, row: int, status: str) -> None:
        uuid = self.session_uuid()
        if uuid is None or not 0 <= row < self.model.rowCount() or may_enter(self.ctx.user) is not None:
            return
        person = self.model.row_at(row)
        try:
            row_now = self.ctx.attendance.set_status(uuid, person.enrollment_uuid, status)
        except OutsideWindow as exc:  # a roll call goes on: said beside the grid, no dialog
            self._refused(exc)
            return
        except KnownError as exc:
            show_known_error(self, exc)
            return
        self.feedback.setStyleSheet(OK_STYLE)
        shown = ATTENDANCE_LABELS.get(row_now.status or "", status)
        self.feedback.setText(self.tr("{name}：{status}").format(name=person.trainee_name, status=shown))
        self._recorded(None)
        self.grid.move_down(row)
        self.grid.setFocus()

    def _refused(self, exc: KnownError) -> None:
        self.feedback.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, OutsideWindow):
            text = (
                self.tr("本课次签到时间为 {window}，{at} 不在其中；如需补签，请点“补签”并填写原因")
                if exc.sign_in
                else self.tr("本课次签退时间为 {window}，{at} 不在其中；如需补签，请点“补签”并填写原因")
            )
            self.feedback.setText(text.format(window=exc.window, at=exc.moment))
        else:
            self.feedback.setText(exc.message)

    def open_makeup(self) -> None:
        """补签… for the selected trainee at the chosen session."""
        uuid, row = self.session_uuid(), self.grid.currentIndex().row()
        if self.record is None or uuid is None or not 0 <= row < self.model.rowCount():
            return
        person = self.model.row_at(row)
        session = next(s for s in self.record.sessions if s.uuid == uuid)
        window = self.ctx.attendance.window(uuid).label()
        dialog = MakeupDialog(session, person.trainee_name, window, self, note=untimed.makeup_note(person))
        if dialog.exec() != MakeupDialog.DialogCode.Accepted:
            return
        try:
            self.ctx.attendance.request_makeup(
                uuid,
                person.enrollment_uuid,
                sign_in_at=dialog.sign_in_at(),
                sign_out_at=dialog.sign_out_at(),
                reason=dialog.reason(),
            )
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("未能记录补签"))
            return
        self.feedback.setStyleSheet(OK_STYLE)
        self.feedback.setText(
            self.tr("已记录 {name} 的补签，审核人批准后计入课时").format(name=person.trainee_name)
        )
        self._recorded(person.enrollment_uuid)

    def _recorded(self, flash: str | None) -> None:
        self.reload_sheet()
        if flash is not None:
            index = self.model.row_of(flash)
            if index is not None:
                self.grid.setCurrentIndex(self.model.index(index, 0))
                self.grid.scrollTo(self.model.index(index, 0))
            self.model.set_highlighted({flash})
            self._flash.start()
        if self.record is not None and self.record.status == "opened":
            self.record = self.ctx.classes.get(self.record.uuid)  # the first attendance starts it
        self.changed.emit()
