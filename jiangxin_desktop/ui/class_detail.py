"""One class in detail: tabs 学员 (enrolment), 考勤 (attendance), 考核 (assessment)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.services.classes import ClassRecord
from jiangxin_desktop.ui.assessment_tab import AssessmentTab
from jiangxin_desktop.ui.attendance_tab import AttendanceTab
from jiangxin_desktop.ui.class_model import date_range
from jiangxin_desktop.ui.enrolment_tab import EnrolmentTab
from jiangxin_desktop.ui.screen_fit import fit_to_screen

ENROLMENT, ATTENDANCE, ASSESSMENT = range(3)


class ClassDetailDialog(QDialog):
    changed = Signal()

    def __init__(self, ctx: AppContext, class_uuid: str, parent: QWidget | None = None, tab: int = 0) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: ClassRecord = ctx.classes.get(class_uuid)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.enrolment_tab = EnrolmentTab(ctx, self)
        self.attendance_tab = AttendanceTab(ctx, self)
        self.assessment_tab = AssessmentTab(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.enrolment_tab, self.tr("学员"))
        self.tabs.addTab(self.attendance_tab, self.tr("考勤"))
        self.tabs.addTab(self.assessment_tab, self.tr("考核"))
        self.status_note = QLabel(self)
        close = QPushButton(self.tr("关闭 (Esc)"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_note, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        for page in (self.enrolment_tab, self.attendance_tab, self.assessment_tab):
            page.changed.connect(self.refresh_heading)  # each tab has re-read itself
            page.message.connect(self._note)
        self.tabs.currentChanged.connect(lambda _i: self.reload())
        self.tabs.setCurrentIndex(tab)
        self.reload()
        fit_to_screen(self, 1240, 720)

    def reload(self) -> None:
        """Re-read the class and the visible tab."""
        self.refresh_heading()
        page = self.tabs.currentWidget()
        if isinstance(page, EnrolmentTab | AttendanceTab | AssessmentTab):
            page.load(self.record)

    def refresh_heading(self) -> None:
        """Re-read the class: counts change, and the first attendance starts the training."""
        self.record = self.ctx.classes.get(self.record.uuid)
        r = self.record
        self.setWindowTitle(self.tr("培训班 {code}").format(code=r.code))
        self.heading.setText(
            self.tr("{name}（{code}）· {status} · {dates} · 已报名 {n}/{capacity} 人").format(
                name=r.name,
                code=r.code,
                status=r.status_label,
                dates=date_range(r),
                n=r.enrolled,
                capacity=r.capacity,
            )
        )
        self.changed.emit()

    def _note(self, text: str) -> None:
        self.status_note.setText(text)
