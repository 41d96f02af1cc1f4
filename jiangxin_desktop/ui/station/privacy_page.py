"""设置 → 个人信息保护: the consent notice shown at registration, and the retention rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.retention import RetentionPlan, anonymise_due, plan
from jiangxin_desktop.services.station.settings import RETENTION_YEARS
from jiangxin_desktop.ui.widgets.error_dialogs import confirm, show_known_error

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class PrivacyPage(QWidget):
    message = Signal(str)
    trainees_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.user is not None and ctx.user.role == "admin"

        self.title_edit = QLineEdit()
        self.text_edit = QPlainTextEdit()
        self.text_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        self.version_label = QLabel()
        self.save_consent_button = QPushButton(self.tr("保存告知"))
        self.save_consent_button.clicked.connect(self.save_consent)
        consent_box = QGroupBox(self.tr("个人信息处理告知（登记时向学员出示）"))
        consent_form = QFormLayout(consent_box)
        consent_form.addRow(self.tr("标题"), self.title_edit)
        consent_form.addRow(self.tr("内容"), self.text_edit)
        row = QHBoxLayout()
        row.addWidget(self.version_label, 1)
        row.addWidget(self.save_consent_button)
        consent_form.addRow("", row)

        self.years_spin = QSpinBox()
        self.years_spin.setRange(1, 50)
        self.years_spin.setSuffix(self.tr(" 年"))
        self.save_years_button = QPushButton(self.tr("保存年限"))
        self.save_years_button.clicked.connect(self.save_years)
        self.preview_button = QPushButton(self.tr("预览"))
        self.preview_button.clicked.connect(self.preview)
        self.run_button = QPushButton(self.tr("执行匿名化…"))
        self.run_button.clicked.connect(self.run_rule)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        retention_box = QGroupBox(self.tr("保存期限"))
        retention_layout = QVBoxLayout(retention_box)
        explain = QLabel(
            self.tr(
                "学员连续超过保存年限没有任何变动的，可由管理员执行匿名化：删除姓名、身份证号、电话、"
                "银行账号、地址等，只保留统计用的性别、出生年份、人员类别等；操作日志中此人的信息随之无法再查看。"
                "尚未上传到市级的记录暂缓处理。匿名化不可撤销。"
            )
        )
        explain.setWordWrap(True)
        years_row = QHBoxLayout()
        years_row.addWidget(QLabel(self.tr("保存年限")))
        years_row.addWidget(self.years_spin)
        years_row.addWidget(self.save_years_button)
        years_row.addStretch(1)
        years_row.addWidget(self.preview_button)
        years_row.addWidget(self.run_button)
        retention_layout.addWidget(explain)
        retention_layout.addLayout(years_row)
        retention_layout.addWidget(self.plan_label)

        note = QLabel(self.tr("只有管理员可以修改告知和保存期限。"))
        note.setVisible(not self.is_admin)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(consent_box, 1)
        layout.addWidget(retention_box)
        self.title_edit.setReadOnly(not self.is_admin)
        self.text_edit.setReadOnly(not self.is_admin)
        for widget in (
            self.save_consent_button,
            self.years_spin,
            self.save_years_button,
            self.preview_button,
            self.run_button,
        ):
            widget.setEnabled(self.is_admin)
        self.load()

    def load(self) -> None:
        notice = self.ctx.consent
        self.title_edit.setText(notice.title)
        self.text_edit.setPlainText(notice.text)
        self.version_label.setText(self.tr("当前版本：{v}").format(v=notice.version))
        self.years_spin.setValue(self.ctx.settings.retention_years())

    def save_consent(self) -> None:
        try:
            notice = self.ctx.set_consent(self.title_edit.text(), self.text_edit.toPlainText())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("告知没有保存"))
            return
        self.load()
        self.message.emit(
            self.tr("告知已保存，版本 {v}；此后登记的学员按新告知确认。").format(v=notice.version)
        )

    def save_years(self) -> None:
        try:
            self.ctx.settings.set(self.ctx.user, RETENTION_YEARS, self.years_spin.value())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("保存年限没有保存"))
            return
        self.message.emit(self.tr("保存年限已改为 {n} 年。").format(n=self.years_spin.value()))

    def _describe(self, result: RetentionPlan, done: bool) -> str:
        text = (
            self.tr("已匿名化 {due} 名学员（最后变动早于 {cutoff}）。")
            if done
            else self.tr("最后变动早于 {cutoff} 的学员中，{due} 名将被匿名化。")
        ).format(due=len(result.due), cutoff=result.cutoff[:10])
        if result.held_back:
            text += self.tr("另有 {n} 名尚未上传到市级，暂缓。").format(n=len(result.held_back))
        return text

    def preview(self) -> RetentionPlan:
        result = plan(self.ctx.db, self.ctx.settings.retention_years(), datetime.now(UTC))
        self.plan_label.setText(self._describe(result, done=False))
        return result

    def run_rule(self) -> RetentionPlan | None:
        preview = self.preview()
        if not preview.due:
            return None
        if not confirm(
            self,
            self.tr("执行匿名化"),
            self.tr("将匿名化 {n} 名学员，此操作不可撤销。确定执行吗？").format(n=len(preview.due)),
            self.tr("匿名化"),
        ):
            return None
        try:
            result = anonymise_due(
                self.ctx.db, self.ctx.user, self.ctx.settings.retention_years(), datetime.now(UTC)
            )
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("没有执行匿名化"))
            return None
        self.plan_label.setText(self._describe(result, done=True))
        self.trainees_changed.emit()
        return result
