"""The attendance grid: one row per enrolled trainee; keys 1–5 or letters set the status.

The letters are the pinyin initial of the telling character: 出(C) 到(D) 退(T) 假(J) 缺(Q).
After a key the cursor moves to the next trainee, so a roll call is one key per person.
出勤 and 迟到 sign the person in at the current time (which of the two follows from the time),
早退 signs them out now; the service refuses either outside the session's window.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTableView, QWidget

from jiangxin_desktop.services.training.attendance import ATTENDANCE_LABELS
from jiangxin_desktop.services.training.class_records import SessionRecord
from jiangxin_desktop.ui.widgets.tables import make_read_only_list

# status → (digit key, letter key)
STATUS_KEYS = {
    "present": (Qt.Key.Key_1, Qt.Key.Key_C),
    "late": (Qt.Key.Key_2, Qt.Key.Key_D),
    "early": (Qt.Key.Key_3, Qt.Key.Key_T),
    "leave": (Qt.Key.Key_4, Qt.Key.Key_J),
    "absent": (Qt.Key.Key_5, Qt.Key.Key_Q),
}
_BY_KEY = {key: status for status, keys in STATUS_KEYS.items() for key in keys}
_LETTERS = {"present": "C", "late": "D", "early": "T", "leave": "J", "absent": "Q"}
WEEKDAYS = "一二三四五六日"


def key_legend() -> str:
    one = QCoreApplication.translate("AttendanceGrid", "{digit} 或 {letter} {status}")
    parts = [
        one.format(digit=i, letter=_LETTERS[s], status=ATTENDANCE_LABELS[s])
        for i, s in enumerate(STATUS_KEYS, start=1)
    ]
    return QCoreApplication.translate(
        "AttendanceGrid", "键盘：{keys}；↑↓ 换人。出勤、迟到即按现在的时间签到，早退即现在签退"
    ).format(keys=" · ".join(parts))


def session_label(s: SessionRecord) -> str:
    return QCoreApplication.translate(
        "AttendanceGrid", "第 {n} 次课 {day}（周{weekday}）{start}–{end}，{hours} 课时"
    ).format(
        n=s.number,
        day=s.day.isoformat(),
        weekday=WEEKDAYS[s.day.weekday()],
        start=s.start_time,
        end=s.end_time,
        hours=s.hours,
    )


def default_session(sessions: tuple[SessionRecord, ...], today: date) -> SessionRecord | None:
    """Today's session; else the last one before today; else the first."""
    if not sessions:
        return None
    todays = [s for s in sessions if s.day == today]
    if todays:
        return todays[0]
    past = [s for s in sessions if s.day < today]
    return past[-1] if past else sessions[0]


class AttendanceGrid(QTableView):
    status_key = Signal(int, str)  # row, status

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        make_read_only_list(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.keys_enabled = True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        status = _BY_KEY.get(Qt.Key(event.key()))
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if status is not None and plain:
            row = self.currentIndex().row()
            if self.keys_enabled and row >= 0:
                self.status_key.emit(row, status)
            return
        super().keyPressEvent(event)

    def move_down(self, row: int) -> None:
        """Put the cursor on the trainee after ``row`` (or keep it on the last one)."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        target = min(row + 1, model.rowCount() - 1)
        self.setCurrentIndex(model.index(target, 0))
