"""按日期生成: N sessions on consecutive weekdays with one time range, for the timetable editor."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.services.training.class_records import SessionInput

DATE_FORMAT = "yyyy-MM-dd"
TIME_FORMAT = "HH:mm"


def generate_sessions(
    first: date,
    count: int,
    start: str,
    end: str,
    hours: int,
    teacher: str = "",
    *,
    weekdays_only: bool = True,
) -> list[SessionInput]:
    """``count`` sessions from ``first`` on, one a day, skipping Saturdays and Sundays if asked."""
    sessions: list[SessionInput] = []
    day = first
    while len(sessions) < count:
        if not weekdays_only or day.weekday() < 5:
            sessions.append(SessionInput(day, start, end, hours, teacher))
        day += timedelta(days=1)
    return sessions


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(parent: QWidget | None = None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def time_edit(value: str, parent: QWidget | None = None) -> QTimeEdit:
    edit = QTimeEdit(QTime.fromString(value, TIME_FORMAT), parent)
    edit.setDisplayFormat(TIME_FORMAT)
    return edit


class SessionGeneratorDialog(QDialog):
    """Asks for the pattern; ``sessions()`` after accept."""

    def __init__(self, first: date, teacher: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("按日期生成课次"))
        self.first_edit = date_edit(self)
        self.first_edit.setDate(QDate(first.year, first.month, first.day))
        self.count_spin = QSpinBox(self)
        self.count_spin.setRange(1, 200)
        self.count_spin.setValue(10)
        self.count_spin.setSuffix(self.tr(" 次"))
        self.start_edit = time_edit("08:30", self)
        self.end_edit = time_edit("11:30", self)
        self.hours_spin = QSpinBox(self)
        self.hours_spin.setRange(1, 12)
        self.hours_spin.setValue(4)
        self.hours_spin.setSuffix(self.tr(" 课时"))
        self.teacher_edit = QLineEdit(teacher, self)
        self.teacher_edit.setMaxLength(50)
        self.weekdays_box = QCheckBox(self.tr("跳过周六、周日"), self)
        self.weekdays_box.setChecked(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        times = QHBoxLayout()
        times.addWidget(self.start_edit)
        times.addWidget(QLabel(self.tr("至"), self))
        times.addWidget(self.end_edit)
        times.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("第一次课日期"), self.first_edit)
        form.addRow(self.tr("课次数"), self.count_spin)
        form.addRow(self.tr("每次时间"), times)
        form.addRow(self.tr("每次课时"), self.hours_spin)
        form.addRow(self.tr("授课教师"), self.teacher_edit)
        form.addRow("", self.weekdays_box)

        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(self.tr("生成"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        for signal in (
            self.first_edit.dateChanged,
            self.count_spin.valueChanged,
            self.start_edit.timeChanged,
            self.end_edit.timeChanged,
            self.hours_spin.valueChanged,
            self.weekdays_box.toggled,
        ):
            signal.connect(self._update)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        self._update()

    def sessions(self) -> list[SessionInput]:
        return generate_sessions(
            to_date(self.first_edit.date()),
            self.count_spin.value(),
            self.start_edit.time().toString(TIME_FORMAT),
            self.end_edit.time().toString(TIME_FORMAT),
            self.hours_spin.value(),
            self.teacher_edit.text().strip(),
            weekdays_only=self.weekdays_box.isChecked(),
        )

    def _update(self) -> None:
        ok = self.start_edit.time() < self.end_edit.time()
        self.ok_button.setEnabled(ok)
        if not ok:
            self.summary.setText(self.tr("结束时间应晚于开始时间"))
            return
        sessions = self.sessions()
        self.summary.setText(
            self.tr("共 {n} 次课、{hours} 课时，{first} 至 {last}。现有的课次将被替换。").format(
                n=len(sessions),
                hours=sum(s.hours for s in sessions),
                first=sessions[0].day.isoformat(),
                last=sessions[-1].day.isoformat(),
            )
        )
