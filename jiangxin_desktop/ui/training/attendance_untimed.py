"""出勤 without a sign-in time in the 考勤 tab: the mark on the cell and the line that counts them.

Rows written before times were kept say 出勤 (or 迟到/早退) but count no hours; the grid marks
them (“出勤 *”, with a tooltip saying why and what to do), a row whose 补签 waits for a reviewer
says so instead (“0 课时（补签待审）”, and in the tooltip), and a line under the grid says how
many rows of the class need a 补签 and on which sessions, with a link to the next session that
has one. A class past 结业 takes no 补签: the line and the tooltip say so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from jiangxin_desktop.services.training import UntimedRow, untimed_counts
from jiangxin_desktop.services.training.attendance import (
    ATTENDANCE_LABELS,
    ATTENDED,
    RECORDING,
    AttendanceRow,
)
from jiangxin_desktop.ui.widgets.record_table import AnyIndex, RecordTableModel, Row
from jiangxin_desktop.ui.widgets.styles import WARNING_STYLE


def _tr(text: str) -> str:
    return QCoreApplication.translate("AttendanceUntimed", text)


def is_untimed(r: AttendanceRow) -> bool:
    """Says it attended, shows no presence: counts 0 until a 补签 with the paper sheet's times."""
    return r.status in ATTENDED and not r.sign_in_at


def status_text(r: AttendanceRow) -> str:
    """The 本次考勤 cell: the status, marked when it has no sign-in time and no 补签 waits (a
    pending one is said in the 本次计课时 cell, “0 课时（补签待审）”, and the tooltip)."""
    if not r.status:
        return _tr("未记录")
    label = ATTENDANCE_LABELS.get(r.status, r.status)
    if not is_untimed(r) or r.makeup == "pending":
        return label
    return _tr("{status} *").format(status=label)


def status_tooltip(r: AttendanceRow, class_status: str | None = None) -> str | None:
    """Why the cell is marked and what to do; a class past 结业 takes no 补签 any more."""
    if not is_untimed(r):
        return None
    if r.makeup == "pending":
        return _tr("没有签到时间，不计课时；已提出补签，审核人批准后按补签的时间计课时")
    if class_status is not None and class_status not in RECORDING:
        return _tr("没有签到时间，不计课时；本班已结业，不能再补签")
    return _tr("没有签到时间，不计课时；请按纸质签到表补签")


def makeup_note(r: AttendanceRow) -> str:
    """What the 补签 dialog says first about an untimed row."""
    if not is_untimed(r):
        return ""
    return _tr("已记为“{status}”，但没有签到时间，不计课时。请填写纸质签到表上的签到、签退时间。").format(
        status=ATTENDANCE_LABELS.get(r.status or "", r.status or "")
    )


class TooltipTableModel(RecordTableModel[Row]):
    """A record table whose ``tooltip(row, column)`` may say more than the cell (else the cell)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tooltip: Any = lambda _row, _column: None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and 0 <= index.row() < self.rowCount():
            said = self.tooltip(self.row_at(index.row()), index.column())
            if said is not None:
                return said
        return super().data(index, role)


class UntimedNotice(QLabel):
    """“本班有 12 条出勤记录没有签到时间…”; hidden when there is none. ``go_to`` asks for a session."""

    go_to = Signal(str)  # session uuid

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(WARNING_STYLE)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.linkActivated.connect(self.go_to)
        self.rows: list[UntimedRow] = []
        self.setVisible(False)

    def load(self, rows: list[UntimedRow], current_session: int | None) -> None:
        """``current_session``: the number of the session the grid shows."""
        self.rows = rows
        if not rows:
            self.clear()
            self.setVisible(False)
            return
        [count] = untimed_counts(rows)  # one class
        sessions = sorted({r.session_number for r in rows})
        where = "、".join(str(n) for n in sessions[:8]) + ("…" if len(sessions) > 8 else "")
        if not rows[0].open_for_makeup:
            text = _tr("本班有 {n} 条出勤记录没有签到时间（标 *，第 {where} 次课），未计课时；本班已结业，不能再补签。").format(
                n=count.rows, where=where
            )
        elif count.to_fix:
            text = _tr(
                "本班有 {n} 条出勤记录没有签到时间（标 *，第 {where} 次课），不计课时。"
                "选中后点“补签…”，填写纸质签到表上的时间，审核人批准后计入课时。"
            ).format(n=count.rows, where=where)
            if count.pending:
                text += _tr("其中 {p} 条已提出补签，等待审核。").format(p=count.pending)
        else:
            text = _tr("本班有 {n} 条出勤记录没有签到时间（第 {where} 次课），补签均已提出，等待审核人批准。").format(
                n=count.rows, where=where
            )
        target = self._next_session(current_session)
        link = ""
        if target is not None:
            number, uuid = target
            link = ' <a href="{uuid}">{label}</a>'.format(
                uuid=uuid, label=_tr("转到第 {n} 次课").format(n=number)
            )
        self.setText(_escape(text) + link)
        self.setVisible(True)

    def _next_session(self, current: int | None) -> tuple[int, str] | None:
        """The first session after the current one (else from the start) with a row still to fix."""
        to_fix = (r for r in self.rows if not r.pending and r.session_number != current)
        others = sorted({(r.session_number, r.session_uuid) for r in to_fix})
        after = [x for x in others if current is None or x[0] > current]
        return (after or others)[0] if others else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
