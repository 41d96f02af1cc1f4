"""The main window: navigation on the left, one page per area, station and counts below.

The frame (navigation, unbuilt areas, status bar) needs nothing from the database, so it is
painted first; ``attach(ctx)`` then adds the trainee list. Importing the data layer
(SQLAlchemy) and unlocking the key take most of a cold start, and the clerk sees the window
meanwhile instead of nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from jiangxin_desktop.ui.widgets.screen_fit import fit_to_screen
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR, WARNING_STYLE
from jiangxin_desktop.ui.shell.unbuilt_page import UnbuiltPage
from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel

if TYPE_CHECKING:  # the data layer is imported only once the frame is on screen
    from jiangxin_desktop.context import AppContext
    from jiangxin_desktop.services.station.backup_schedule import Outcome
    from jiangxin_desktop.services.security.users import UserInfo
    from jiangxin_desktop.ui.training.attendance_area import AttendanceArea
    from jiangxin_desktop.ui.training.classes_page import ClassesPage
    from jiangxin_desktop.ui.station.settings_page import SettingsPage
    from jiangxin_desktop.ui.registry.trainee_page import TraineePage
    from jiangxin_desktop.ui.stats.stats_page import StatsPage
    from jiangxin_desktop.ui.subsidies.subsidy_page import SubsidyPage
    from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor
    from jiangxin_desktop.ui.sync.sync_page import SyncPage


AREAS_AFTER_MS = 400  # after the first paint of the list


class MainWindow(QMainWindow):
    first_painted = Signal()
    BUILT_LATER = ("培训班", "考勤", "补贴", "同步", "统计", "设置")  # placeholders until the database is open

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self.trainee_page: TraineePage | None = None
        self._settings_page: SettingsPage | None = None
        self._classes_page: ClassesPage | None = None
        self._attendance_area: AttendanceArea | None = None
        self._sync_page: SyncPage | None = None
        self._subsidy_page: SubsidyPage | None = None
        self.stats_page: StatsPage | None = None
        self.sync_monitor: SyncMonitor | None = None
        self._painted = False
        self.clock = lambda: datetime.now(UTC)  # tests fix the day
        self.setWindowTitle(self.tr("匠心"))

        self.nav = QListWidget(self)
        self.pages = QStackedWidget(self)
        self._loading = QLabel(self.tr("正在打开加密数据库……"), self)
        self._loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._add_area(self.tr("学员"), self._loading)
        for name, detail in self._unbuilt_areas():
            self._add_area(name, UnbuiltPage(name, detail, self))
            if name not in self.BUILT_LATER:  # not built in this version: not shown as working
                item = self.nav.item(self.nav.count() - 1)
                item.setForeground(QColor(INACTIVE_COLOR))
                item.setToolTip(self.tr("“{area}”在当前版本中尚未提供").format(area=name))
        self.nav.currentRowChanged.connect(self._show_area)
        self.nav.setCurrentRow(0)
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 14px; }")
        widest = max(
            self.nav.fontMetrics().horizontalAdvance(self.nav.item(i).text()) for i in range(self.nav.count())
        )
        self.nav.setFixedWidth(widest + 56)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self._build_status_bar()
        fit_to_screen(self, 1280, 760)
        if ctx is not None:
            self.attach(ctx)

    def attach(self, ctx: AppContext, prepared: QWidget | None = None) -> None:
        """The database is open: show the trainee list (``prepared`` during login), the station and the counts."""
        from jiangxin_desktop.ui.registry.trainee_page import TraineePage

        first = self.ctx is None
        self.ctx = ctx
        title = self.tr("匠心 — {station}").format(station=ctx.station.name)
        if ctx.demo:
            title += self.tr("（演示数据）")
        self.setWindowTitle(title)
        self.trainee_page = prepared if isinstance(prepared, TraineePage) else TraineePage(ctx, self)
        self.trainee_page.user_changed()  # built before the login, perhaps: buttons for the role
        if first:
            self.pages.removeWidget(self._loading)
            self._loading.deleteLater()
            self.pages.insertWidget(0, self.trainee_page)
        else:
            self._replace_area(self.tr("学员"), self.trainee_page)
        self.pages.setCurrentIndex(self.nav.currentRow())
        self._build_menu()
        station = ctx.station
        self.station_label.setText(self.tr("{name}（{code}）").format(name=station.name, code=station.code))
        self.database_label.setText(self.tr("数据库：{file}").format(file=ctx.paths.database.name))
        self.database_label.setToolTip(str(ctx.paths.database))
        self.trainee_page.activate_requested.connect(lambda: self.nav.setCurrentRow(0))
        self.trainee_page.data_changed.connect(self.refresh_status)
        self.trainee_page.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.refresh_status()
        self._show_user()
        self.trainee_page.search_box.setFocus()
        if first:
            from jiangxin_desktop.ui.shell.idle_lock import IdleLock

            self._start_backup_scheduler(ctx)
            self._start_sync_monitor(ctx)
            self.idle_lock = IdleLock(ctx, self)
        # The other areas are built once the list is on screen (or when first opened): they
        # cost ~0.2 s that the clerk should not wait for at start.
        QTimer.singleShot(AREAS_AFTER_MS, self, self._build_other_areas)

    def change_user(self, user: UserInfo) -> None:
        """Another user is at the window: every page is built again for that user's role."""
        assert self.ctx is not None
        self.ctx.act_as(user)
        self._settings_page = self._classes_page = self._attendance_area = self._sync_page = None
        self._subsidy_page = self.stats_page = None
        self.attach(self.ctx)
        self._build_other_areas()
        self.statusBar().showMessage(self.tr("已切换为 {name}").format(name=user.display_name), 10_000)

    def _build_other_areas(self) -> None:
        if self.ctx is None or self._settings_page is not None:
            return
        from jiangxin_desktop.ui.station.settings_page import SettingsPage

        ctx = self.ctx
        settings = SettingsPage(ctx, self)
        settings.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        settings.message.connect(lambda _text: self.refresh_backup_warning())  # 立即备份, 保存设置
        settings.trainees_changed.connect(self.refresh)
        settings.own_account_changed.connect(self._show_user)
        self._settings_page = settings
        self._replace_area(self.tr("设置"), settings)
        self._attach_classes(ctx)
        self._attach_subsidy(ctx)
        self._attach_sync(ctx)
        self.pages.setCurrentIndex(self.nav.currentRow())

    @property
    def settings_page(self) -> SettingsPage:
        self._build_other_areas()
        assert self._settings_page is not None
        return self._settings_page

    @property
    def classes_page(self) -> ClassesPage:
        self._build_other_areas()
        assert self._classes_page is not None
        return self._classes_page

    @property
    def attendance_area(self) -> AttendanceArea:
        self._build_other_areas()
        assert self._attendance_area is not None
        return self._attendance_area

    @property
    def subsidy_page(self) -> SubsidyPage:
        self._build_other_areas()
        assert self._subsidy_page is not None
        return self._subsidy_page

    @property
    def sync_page(self) -> SyncPage:
        self._build_other_areas()
        assert self._sync_page is not None
        return self._sync_page

    def _show_area(self, row: int) -> None:
        if row > 0 and self.ctx is not None:
            self._build_other_areas()
        self.pages.setCurrentIndex(row)

    def _attach_classes(self, ctx: AppContext) -> None:
        from jiangxin_desktop.ui.training.attendance_area import AttendanceArea
        from jiangxin_desktop.ui.training.classes_page import ClassesPage

        self._classes_page = ClassesPage(ctx, self)
        self._classes_page.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._replace_area(self.tr("培训班"), self._classes_page)
        self._attendance_area = AttendanceArea(ctx, self)
        self._attendance_area.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._replace_area(self.tr("考勤"), self._attendance_area)

    def _attach_subsidy(self, ctx: AppContext) -> None:  # and 统计
        from jiangxin_desktop.ui.stats.stats_page import StatsPage
        from jiangxin_desktop.ui.subsidies.subsidy_page import SubsidyPage

        self._subsidy_page, self.stats_page = SubsidyPage(ctx, self), StatsPage(ctx, self)
        self._subsidy_page.changed.connect(self.refresh_status)
        for name, page in ((self.tr("补贴"), self._subsidy_page), (self.tr("统计"), self.stats_page)):
            page.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
            self._replace_area(name, page)

    def _attach_sync(self, ctx: AppContext) -> None:
        from jiangxin_desktop.ui.sync.sync_page import SyncPage

        self._sync_page = SyncPage(ctx, self.sync_monitor, self)
        self._sync_page.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._sync_page.changed.connect(self.refresh_status)
        self._replace_area(self.tr("同步"), self._sync_page)

    def _start_sync_monitor(self, ctx: AppContext) -> None:
        """The status-bar label follows the sync state; what waits is retried every few minutes."""
        from jiangxin_desktop.ui.sync.sync_monitor import SyncMonitor

        self.sync_monitor = SyncMonitor(ctx, self.sync_label, self)
        self.sync_monitor.start()

    def open_sync(self) -> None:
        """The status-bar label was clicked: show the 同步 page."""
        if self.ctx is not None:
            self.nav.setCurrentRow(self.area_names().index(self.tr("同步")))

    def _show_user(self) -> None:
        user = self.ctx.user if self.ctx else None
        if user is not None:
            self.user_label.setText(
                self.tr("用户：{name}（{role}）").format(name=user.display_name, role=user.role_label)
            )

    def _start_backup_scheduler(self, ctx: AppContext) -> None:
        from jiangxin_desktop.ui.station.backup_scheduler import BackupScheduler

        self.backup_scheduler = BackupScheduler(ctx, self)
        self.backup_scheduler.finished.connect(self._backup_done)
        self.backup_scheduler.start()

    def _backup_done(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.statusBar().showMessage(self.tr("定时备份完成：{m}").format(m=outcome.message), 30_000)
        else:
            self.statusBar().showMessage(
                self.tr("定时备份没有完成，半小时后再试：{m}").format(m=outcome.message), 120_000
            )
        self.settings_page.backup_page.load()
        self.refresh_backup_warning()

    def closeEvent(self, event: QCloseEvent) -> None:
        scheduler = getattr(self, "backup_scheduler", None)
        if scheduler is not None:
            scheduler.stop()  # a backup in progress finishes first: never half a copy on the stick
        if self.sync_monitor is not None:
            self.sync_monitor.stop()  # a run under way stops at its next step, never half a batch
        super().closeEvent(event)

    def _unbuilt_areas(self) -> list[tuple[str, str]]:
        return [
            (self.tr("培训班"), self.tr("开班申请、课次安排和结业将在这里办理。")),
            (self.tr("考勤"), self.tr("按课次签到、签退和打印签到表将在这里办理。")),
            (self.tr("证书与打印"), self.tr(
                "目前请在这里办理：发证、补发、撤销和打印证书——在“培训班”中打开一个班，选“证书”页；"
                "花名册和签到表——班级详情下方的“打印”按钮；核验证书——菜单“证书 › 核验证书…”。")),
            (self.tr("补贴"), self.tr("补贴申领、审核和公示将在这里办理。")),
            (self.tr("同步"), self.tr("与市级系统同步的情况、立即同步和U盘交换在这里办理。")),
            (self.tr("统计"), self.tr("培训人次和目标完成情况的统计将在这里查看。")),
            (self.tr("设置"), self.tr("操作日志、用户账户、备份和个人信息保护在这里设置。")),
        ]

    def _replace_area(self, name: str, page: QWidget) -> None:
        index = self.area_names().index(name)
        old = self.pages.widget(index)
        self.pages.removeWidget(old)
        old.deleteLater()
        self.pages.insertWidget(index, page)

    def _add_area(self, name: str, page: QWidget) -> None:
        item = QListWidgetItem(name, self.nav)
        item.setSizeHint(QSize(0, self.nav.fontMetrics().height() + 20))
        self.pages.addWidget(page)

    def _build_menu(self) -> None:
        """文件 and 证书; 文件 is filled again after a change of user (its first two entries
        are the new trainee page's actions)."""
        menu = self.file_menu
        menu.clear()
        menu.addAction(self.trainee_page.new_action)
        menu.addAction(self.trainee_page.search_action)
        if getattr(self, "session", None) is None:
            self._build_fixed_actions()
        menu.addAction(self.refresh_action)
        menu.addSeparator()
        for action in self.session.actions():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.quit_action)

    def _build_fixed_actions(self) -> None:
        from jiangxin_desktop.ui.shell.session_actions import SessionActions

        self.session = SessionActions(self)
        self.refresh_action = QAction(self.tr("刷新"), self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.triggered.connect(self.refresh)
        self.quit_action = QAction(self.tr("退出"), self)
        self.quit_action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Q))
        self.quit_action.triggered.connect(self.close)
        self.certificate_menu = self.menuBar().addMenu(self.tr("证书(&C)"))
        self.verify_action = QAction(self.tr("核验证书…"), self)
        self.verify_action.setToolTip(self.tr("扫描证书上的二维码，核对证书真伪"))
        self.verify_action.triggered.connect(self.open_verify)
        self.certificate_menu.addAction(self.verify_action)

    def open_verify(self) -> None:
        from jiangxin_desktop.ui.certificates.verify_dialog import VerifyDialog

        if self.ctx is None:
            return
        dialog = VerifyDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.verify_dialog = dialog
        dialog.open()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.station_label = QLabel()
        self.database_label = QLabel()
        self.counts_label = QLabel()
        self.user_label = QLabel()
        self.backup_label = QLabel()
        self.backup_label.setStyleSheet(WARNING_STYLE)
        self.backup_label.hide()
        self.sync_label = SyncStatusLabel()  # its words come from the sync monitor once the database is open
        self.sync_label.clicked.connect(self.open_sync)
        bar.addWidget(self.station_label)
        bar.addWidget(self.database_label)
        bar.addPermanentWidget(self.backup_label)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.sync_label)

    def refresh_status(self) -> None:
        if self.ctx is None:
            return
        self.refresh_backup_warning()
        if self.sync_monitor is not None:
            self.sync_monitor.refresh_label()
        totals = self.ctx.search.totals()  # what waits for the city: the sync label, from sync's own counts
        self.counts_label.setText(self.tr("在册学员 {active:,} 人 · 已注销 {inactive:,} 人").format(**totals))

    def refresh_backup_warning(self) -> None:
        """尚未设置备份 / 上次备份已超过 N 天 in the status bar, the reason in its tooltip."""
        from jiangxin_desktop.services.station.backup_health import backup_health

        if self.ctx is None:
            return
        health = backup_health(self.ctx.settings, self.clock())
        self.backup_label.setText(self.tr(health.short))
        self.backup_label.setToolTip(self.tr(health.detail))
        self.backup_label.setVisible(not health.ok)

    def refresh(self) -> None:
        """F5: re-read the list and the counts."""
        if self.trainee_page is None:
            return
        self.trainee_page.refresh()
        for page in (self._classes_page, self._attendance_area, self._subsidy_page, self.stats_page):
            if page is not None:
                page.refresh()
        if self._sync_page is not None:
            self._sync_page.load()
        self.refresh_status()

    def area_names(self) -> list[str]:
        return [self.nav.item(i).text() for i in range(self.nav.count())]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
