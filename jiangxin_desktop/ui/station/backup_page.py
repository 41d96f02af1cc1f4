"""设置 → 备份: where and when the daily backup goes, the backup passphrase, 立即备份.

Anyone logged in can start a backup to the configured place; only an administrator
changes the place, the time, how many are kept and the passphrase (the services check).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup_health import backup_health
from jiangxin_desktop.services.station.backup_schedule import Outcome, run_backup, set_backup_passphrase
from jiangxin_desktop.services.security.keystore import MIN_PASSPHRASE
from jiangxin_desktop.services.security.roles import parse_iso
from jiangxin_desktop.services.station.settings import BACKUP_DAILY_AT, BACKUP_FOLDER, BACKUP_KEEP, BACKUP_LAST
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE, WARNING_STYLE
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


def describe_outcome(last: dict | None, tr) -> str:
    if not last:
        return tr("还没有做过定时备份。")
    when = parse_iso(last["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    if last.get("ok"):
        return tr("{when} 备份成功：{where}").format(when=when, where=last.get("manifest") or "")
    return tr("{when} 备份没有完成：{why}").format(when=when, why=last.get("message", ""))


class BackupPassphraseDialog(QDialog):
    """Set (or replace, with the current one) the passphrase that protects every backup."""

    def __init__(self, replacing: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置备份口令"))
        intro = QLabel(
            self.tr(
                "备份口令保护每一份备份：在另一台电脑上恢复时需要输入它。"
                "请把它抄写下来，交给站长保管。至少 {n} 个字符。"
            ).format(n=MIN_PASSPHRASE)
        )
        intro.setWordWrap(True)
        self.current = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if replacing:
            form.addRow(self.tr("原备份口令"), self.current)
        form.addRow(self.tr("新备份口令"), self.first)
        form.addRow(self.tr("再次输入"), self.second)
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("确定"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        for edit in (self.first, self.second):
            edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        text = ""
        if self.first.text() and len(self.first.text()) < MIN_PASSPHRASE:
            text = self.tr("口令太短：至少需要 {n} 个字符。").format(n=MIN_PASSPHRASE)
        elif self.second.text() and self.second.text() != self.first.text():
            text = self.tr("两次输入的口令不一致。")
        self.problem.setText(text)
        self.ok_button.setEnabled(
            bool(self.first.text()) and self.first.text() == self.second.text() and not text
        )


class BackupPage(QWidget):
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.clock = lambda: datetime.now(UTC)  # tests fix the day
        is_admin = ctx.user is not None and ctx.user.role == "admin"
        self.health_label = QLabel()  # 尚未设置备份 / 上次备份已超过 N 天: what to do
        self.health_label.setWordWrap(True)
        self.health_label.setStyleSheet(WARNING_STYLE)

        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(self.tr("尚未设置，例如 U 盘上的“匠心备份”文件夹"))
        self.choose_button = QPushButton(self.tr("选择…"))
        self.choose_button.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        self.time_edit = QTimeEdit()
        self.time_edit.setDisplayFormat("HH:mm")
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 365)
        self.keep_spin.setSuffix(self.tr(" 份"))
        narrow = self.fontMetrics().horizontalAdvance("0000 份") + 48
        self.time_edit.setMaximumWidth(narrow)
        self.keep_spin.setMaximumWidth(narrow)
        self.key_label = QLabel()
        self.key_button = QPushButton(self.tr("设置备份口令…"))
        self.key_button.clicked.connect(self._set_passphrase)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addWidget(self.key_button)
        self.save_button = QPushButton(self.tr("保存设置"))
        self.save_button.clicked.connect(self.save)

        form = QFormLayout()
        form.addRow(self.tr("备份位置"), folder_row)
        form.addRow(self.tr("每日备份时间"), self.time_edit)
        form.addRow(self.tr("保留最近"), self.keep_spin)
        form.addRow(self.tr("备份口令"), key_row)
        schedule_box = QGroupBox(self.tr("定时备份"))
        box_layout = QVBoxLayout(schedule_box)
        note = QLabel(
            self.tr(
                "程序运行时每天到点自动备份一次；当天错过的，下次打开程序时补做。"
                "备份是加密的，恢复时需要备份口令。"
            )
        )
        note.setWordWrap(True)
        box_layout.addWidget(note)
        box_layout.addLayout(form)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        box_layout.addLayout(save_row)
        self.role_note = QLabel(self.tr("只有管理员可以修改备份设置；您可以随时“立即备份”。"))
        self.role_note.setVisible(not is_admin)
        for widget in (self.folder_edit, self.choose_button, self.time_edit, self.keep_spin, self.key_button):
            widget.setEnabled(is_admin)
            if not is_admin:  # a greyed control says why
                widget.setToolTip(self.tr("只有管理员可以修改备份设置"))
        self.save_button.setVisible(is_admin)

        self.last_label = QLabel()
        self.last_label.setWordWrap(True)
        self.now_button = QPushButton(self.tr("立即备份"))
        self.now_button.clicked.connect(self.backup_now)
        self.elsewhere_button = QPushButton(self.tr("备份到其他位置…"))
        self.elsewhere_button.clicked.connect(self.backup_elsewhere)
        self.elsewhere_button.setVisible(is_admin)
        now_row = QHBoxLayout()
        now_row.addWidget(self.now_button)
        now_row.addWidget(self.elsewhere_button)
        now_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.health_label)
        layout.addWidget(schedule_box)
        layout.addWidget(self.role_note)
        layout.addWidget(QLabel(self.tr("上次定时备份：")))
        layout.addWidget(self.last_label)
        layout.addLayout(now_row)
        self.restore_button = QPushButton(self.tr("从备份恢复…"))
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.setEnabled(is_admin)
        self.restore_button.setToolTip(
            self.tr("选择一份备份，用它替换现在的数据库（会先确认）")
            if is_admin
            else self.tr("只有管理员可以从备份恢复数据库")
        )
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addStretch(1)
        layout.addLayout(restore_row)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        schedule = self.ctx.settings.backup_schedule()
        self.folder_edit.setText(schedule.folder or "")
        self.time_edit.setTime(QTime.fromString(schedule.daily_at, "HH:mm"))
        self.keep_spin.setValue(schedule.keep)
        self.key_label.setText(self.tr("已设置") if schedule.has_key else self.tr("尚未设置"))
        self.key_button.setText(self.tr("更换备份口令…") if schedule.has_key else self.tr("设置备份口令…"))
        self.last_label.setText(describe_outcome(self.ctx.settings.get(BACKUP_LAST), self.tr))
        health = backup_health(self.ctx.settings, self.clock())
        self.health_label.setText(self.tr(health.detail))
        self.health_label.setVisible(not health.ok)
        self.now_button.setEnabled(schedule.ready)
        self.elsewhere_button.setEnabled(schedule.has_key)
        self.elsewhere_button.setToolTip(
            self.tr("备份到 U 盘或其他文件夹（一次，不影响定时备份）")
            if schedule.has_key
            else self.tr("请先设置备份口令：每一份备份都用它加密，恢复时需要它。")
        )
        if schedule.ready:
            self.now_button.setToolTip(self.tr("现在备份到“{folder}”").format(folder=schedule.folder))
        elif not schedule.folder and not schedule.has_key:
            self.now_button.setToolTip(self.tr("请管理员先设置备份位置和备份口令。"))
        elif not schedule.folder:
            self.now_button.setToolTip(self.tr("请管理员先设置备份位置。"))
        else:
            self.now_button.setToolTip(self.tr("请管理员先设置备份口令。"))

    def restore(self) -> None:
        from jiangxin_desktop.ui.station.backup_restore import restore_from

        schedule = self.ctx.settings.backup_schedule()
        start = schedule.folder or str(self.ctx.paths.root / "backups")
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("选择备份说明文件"), start, self.tr("备份说明文件 (*.json)")
        )
        if chosen:
            restore_from(self.ctx, Path(chosen), self)

    def save(self) -> None:
        settings, user = self.ctx.settings, self.ctx.user
        try:
            settings.set(user, BACKUP_FOLDER, self.folder_edit.text().strip() or None)
            settings.set(user, BACKUP_DAILY_AT, self.time_edit.time().toString("HH:mm"))
            settings.set(user, BACKUP_KEEP, self.keep_spin.value())
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("备份设置没有保存"))
            return
        self.load()
        self.message.emit(self.tr("备份设置已保存。"))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择备份位置"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(str(Path(folder)))

    def _set_passphrase(self) -> None:
        replacing = self.ctx.settings.backup_schedule().has_key
        dialog = BackupPassphraseDialog(replacing, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            set_backup_passphrase(
                self.ctx.settings, self.ctx.user, dialog.first.text(), current=dialog.current.text() or None
            )
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("备份口令没有设置"))
            return
        self.load()
        self.message.emit(self.tr("备份口令已设置。"))

    def backup_now(self) -> None:
        self._run(None)

    def backup_elsewhere(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("备份到"))
        if folder:
            self._run(Path(folder))

    def _run(self, folder: Path | None) -> Outcome | None:
        ctx = self.ctx

        def work(report: ProgressCallback) -> Outcome:
            return run_backup(
                ctx.db,
                ctx.settings,
                station_code=ctx.station.code,
                actor=ctx.actor,
                now=datetime.now(UTC),
                folder=folder,
                progress=report,
            )

        dialog = TaskProgressDialog(
            self.tr("正在备份"), self.tr("正在备份加密数据库，程序可以继续使用……"), self
        )
        kind, value = dialog.run(BackgroundTask(work, dialog))
        self.load()
        if kind == "failed":
            if isinstance(value, KnownError):
                show_known_error(self, value, title=self.tr("备份没有完成"))
                return None
            assert isinstance(value, BaseException)
            raise value
        if kind != "finished":
            return None
        assert isinstance(value, Outcome)
        if not value.ok:
            show_known_error(self, KnownError(value.message), title=self.tr("备份没有完成"))
        else:
            self.message.emit(value.message)
        return value
