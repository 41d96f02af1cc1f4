"""设置 › 导入上限: the limits a roster file must keep before it is read (administrator).

The same settings as ``jiangxin-desktop settings set import.max_file_mb|import.max_rows|
import.max_unpacked_mb``; services/exchange/roster_limits.py explains the defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.domain.import_limits import MAX_FILE_MB, MAX_ROWS, MAX_UNPACKED_MB, ImportLimits
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class ImportLimitsPage(QWidget):
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.user is not None and ctx.user.role == "admin"
        intro = QLabel(
            self.tr(
                "导入名册前先检查文件：超过下列任一上限的文件不读取，并说明是哪一项超了。"
                "默认值足够一个区县一年的名册；确需导入更大的文件时再调高。"
            ),
            self,
        )
        intro.setWordWrap(True)
        self.file_spin = self._spin(1, 1000, self.tr(" MB"))
        self.rows_spin = self._spin(100, 1_000_000, self.tr(" 行"))
        self.rows_spin.setSingleStep(1000)
        self.unpacked_spin = self._spin(10, 10_000, self.tr(" MB"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("文件大小上限"), self.file_spin)
        form.addRow(self.tr("数据行数上限"), self.rows_spin)
        form.addRow(self.tr("解压后大小上限（.xlsx/.ods）"), self.unpacked_spin)
        self.save_button = QPushButton(self.tr("保存"), self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        for widget in (self.file_spin, self.rows_spin, self.unpacked_spin, self.save_button):
            widget.setEnabled(self.is_admin)
            if not self.is_admin:
                widget.setToolTip(self.tr("只有管理员可以修改导入上限"))
        self.load()

    def _spin(self, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setGroupSeparatorShown(True)
        spin.setMinimumWidth(160)
        return spin

    def load(self) -> None:
        limits = ImportLimits.from_settings(self.ctx.settings)
        self.file_spin.setValue(limits.max_file_mb)
        self.rows_spin.setValue(limits.max_rows)
        self.unpacked_spin.setValue(limits.max_unpacked_mb)

    def save(self) -> None:
        values = {
            MAX_FILE_MB: self.file_spin.value(),
            MAX_ROWS: self.rows_spin.value(),
            MAX_UNPACKED_MB: self.unpacked_spin.value(),
        }
        try:
            for key, value in values.items():
                if self.ctx.settings.get(key) != value:
                    self.ctx.settings.set(self.ctx.user, key, value)
        except KnownError as exc:
            show_known_error(self, exc, title=self.tr("导入上限没有保存"))
            self.load()
            return
        self.message.emit(self.tr("导入上限已保存"))
