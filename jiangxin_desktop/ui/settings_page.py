"""设置: the audit trail now; station, user and backup settings come with their issues."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from jiangxin_desktop.ui.audit_page import AuditPage
from jiangxin_desktop.ui.unbuilt_page import UnbuiltPage
from jiangxin_desktop.ui.users_page import UsersPage

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.audit_page = AuditPage(ctx, self)
        self.tabs.addTab(self.audit_page, self.tr("操作日志"))
        self.users_page = UsersPage(ctx, self)
        self.tabs.addTab(self.users_page, self.tr("用户"))
        self.tabs.addTab(
            UnbuiltPage(
                self.tr("服务站、用户与备份"),
                self.tr(
                    "服务站信息、用户账户和定时备份的设置将在后续版本中提供。"
                    "现在可以用命令行备份：jiangxin-desktop backup create --to 备份文件夹"
                ),
                self,
            ),
            self.tr("服务站、用户与备份"),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
