"""设置: the audit trail, accounts, backups, the training catalog, and the protection of personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from jiangxin_desktop.ui.audit.audit_page import AuditPage
from jiangxin_desktop.ui.station.backup_page import BackupPage
from jiangxin_desktop.ui.station.catalog_page import CatalogPage
from jiangxin_desktop.ui.station.db_check_page import DbCheckPage
from jiangxin_desktop.ui.station.import_limits_page import ImportLimitsPage
from jiangxin_desktop.ui.station.privacy_page import PrivacyPage
from jiangxin_desktop.ui.security.users_page import UsersPage

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class SettingsPage(QWidget):
    message = Signal(str)
    trainees_changed = Signal()
    own_account_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.audit_page = AuditPage(ctx, self)
        self.tabs.addTab(self.audit_page, self.tr("操作日志"))
        self.users_page = UsersPage(ctx, self)
        self.users_page.own_account_changed.connect(self.own_account_changed)
        self.tabs.addTab(self.users_page, self.tr("用户"))
        self.backup_page = BackupPage(ctx, self)
        self.backup_page.message.connect(self.message)
        self.tabs.addTab(self.backup_page, self.tr("备份"))
        self.catalog_page = CatalogPage(ctx, self)
        self.catalog_page.message.connect(self.message)
        self.tabs.addTab(self.catalog_page, self.tr("培训目录"))
        self.privacy_page = PrivacyPage(ctx, self)
        self.privacy_page.message.connect(self.message)
        self.privacy_page.trainees_changed.connect(self.trainees_changed)
        self.tabs.addTab(self.privacy_page, self.tr("个人信息保护"))
        self.db_check_page = DbCheckPage(ctx, self)
        self.db_check_page.message.connect(self.message)
        self.tabs.addTab(self.db_check_page, self.tr("数据库检查"))
        self.import_limits_page = ImportLimitsPage(ctx, self)
        self.import_limits_page.message.connect(self.message)
        self.tabs.addTab(self.import_limits_page, self.tr("导入上限"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
