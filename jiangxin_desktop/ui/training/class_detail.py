"""One class in detail: tabs 学员 (enrolment), 考勤 (attendance), 考核 (assessment), 证书;
a 打印 menu for the class's documents (花名册, 签到表, 证书)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.training.class_records import ClassRecord
from jiangxin_desktop.ui.training import class_printing
from jiangxin_desktop.ui.training.assessment_tab import AssessmentTab
from jiangxin_desktop.ui.training.attendance_tab import AttendanceTab
from jiangxin_desktop.ui.certificates.certificates_tab import CERTIFICATE_PRINTING, CertificatesTab
from jiangxin_desktop.ui.training.class_model import date_range
from jiangxin_desktop.ui.training.enrolment_tab import EnrolmentTab
from jiangxin_desktop.ui.printing.print_preview import PrintPreviewDialog
from jiangxin_desktop.ui.widgets.screen_fit import fit_to_screen

ENROLMENT, ATTENDANCE, ASSESSMENT, CERTIFICATES = range(4)


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
        self.certificates_tab = CertificatesTab(ctx, self)
        self.certificates_tab.print_requested.connect(self.print_certificates)
        self.preview: PrintPreviewDialog | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.enrolment_tab, self.tr("学员"))
        self.tabs.addTab(self.attendance_tab, self.tr("考勤"))
        self.tabs.addTab(self.assessment_tab, self.tr("考核"))
        self.tabs.addTab(self.certificates_tab, self.tr("证书"))
        self.status_note = QLabel(self)
        self.print_menu = QMenu(self)
        self.roster_action = self.print_menu.addAction(self.tr("花名册…"), self.print_roster)
        self.signin_action = self.print_menu.addAction(self.tr("签到表…"), lambda: self.print_signin())
        self.certificates_action = self.print_menu.addAction(
            self.tr("证书（全部有效证书）…"), lambda: self.print_certificates(None)
        )
        self.print_button = QPushButton(self.tr("打印"), self)
        self.print_button.setAutoDefault(False)
        self.print_button.setMenu(self.print_menu)
        close = QPushButton(self.tr("关闭 (Esc)"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_note, 1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        for page in (self.enrolment_tab, self.attendance_tab, self.assessment_tab, self.certificates_tab):
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
        if isinstance(page, EnrolmentTab | AttendanceTab | AssessmentTab | CertificatesTab):
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
        self._update_print_menu()
        self.changed.emit()

    # --- printing -----------------------------------------------------------------------------
    def _update_print_menu(self) -> None:
        user = self.ctx.user
        self.signin_action.setEnabled(bool(self.record.sessions))
        why = (
            None
            if user is not None and user.role in CERTIFICATE_PRINTING
            else self.tr("证书由经办人或管理员打印")
        )
        if why is None and not self._has_valid_certificates():
            why = self.tr("本班还没有有效证书")
        self.certificates_action.setEnabled(why is None)
        self.certificates_action.setToolTip(why or "")

    def _has_valid_certificates(self) -> bool:
        try:
            return any(c.status == "valid" for c in self.ctx.certificates.list(self.record.code))
        except KnownError:
            return False

    def _opened(self, preview: PrintPreviewDialog | None) -> PrintPreviewDialog | None:
        if preview is not None:
            self.preview = preview
        return preview

    def print_roster(self) -> PrintPreviewDialog | None:
        return self._opened(class_printing.print_roster(self, self.ctx, self.record))

    def print_signin(self, session_number: int | None = None) -> PrintPreviewDialog | None:
        if session_number is None:
            pick = class_printing.SessionPickDialog(self.record, self.ctx.acting.today(), self)
            if pick.exec() != QDialog.DialogCode.Accepted:
                return None
            session_number = pick.session_number()
        return self._opened(class_printing.print_signin(self, self.ctx, self.record, session_number))

    def print_certificates(self, numbers: Sequence[str] | None = None) -> PrintPreviewDialog | None:
        preview = self._opened(class_printing.print_certificates(self, self.ctx, self.record, numbers))
        if preview is not None:
            self._note(self.tr("证书已生成，共 {n} 页，请在预览中打印。").format(n=preview.page_count()))
        return preview

    def _note(self, text: str) -> None:
        self.status_note.setText(text)
