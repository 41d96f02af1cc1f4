"""用户: the accounts of this installation. Only an administrator manages them; everyone
changes their own password here.

The buttons follow the role, and the account service decides: whatever it refuses is
shown in a message box in its own words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.security.roles import PermissionDenied, UserInfo, local_hhmm, parse_iso
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.shell.login_dialog import LoginDialog
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR
from jiangxin_desktop.ui.widgets.tables import make_read_only_list
from jiangxin_desktop.ui.registry.trainee_model import format_created
from jiangxin_desktop.ui.security.user_dialogs import NewUserDialog, ResetPasswordDialog, RoleDialog

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


class UsersTableModel(QAbstractTableModel):
    """Plain rows (UserInfo from ``UserService.list_users``), one account per row."""

    USERNAME, NAME, ROLE, STATUS, LAST_LOGIN, MUST_CHANGE = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[UserInfo] = []
        self._headers = (
            self.tr("用户名"),
            self.tr("姓名"),
            self.tr("角色"),
            self.tr("状态"),
            self.tr("上次登录"),
            self.tr("需改密码"),
        )

    def set_rows(self, rows: list[UserInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> UserInfo:
        return self._rows[row]

    def row_of(self, username: str) -> int | None:
        return next((i for i, u in enumerate(self._rows) if u.username == username), None)

    def status(self, user: UserInfo) -> str:
        """正常 / 已停用 / 已锁定至 HH:MM (the service lists only a lock that still runs)."""
        if not user.active:
            return self.tr("已停用")
        if user.locked_until:
            return self.tr("已锁定至 {time}").format(time=local_hhmm(parse_iso(user.locked_until)))
        return self.tr("正常")

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        user = self._rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QBrush(QColor(INACTIVE_COLOR))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == self.USERNAME:
            return user.username
        if column == self.NAME:
            return user.display_name
        if column == self.ROLE:
            return user.role_label
        if column == self.STATUS:
            return self.status(user)
        if column == self.LAST_LOGIN:
            return format_created(user.last_login_at) if user.last_login_at else self.tr("从未登录")
        return self.tr("是") if user.must_change_password else self.tr("否")


class UsersPage(QWidget):
    own_account_changed = Signal()  # the logged-in user's role or name changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None  # the dialog open over this page, if any
        self.model = UsersTableModel(self)

        self.me_label = QLabel(self)
        self.change_own_button = QPushButton(self.tr("修改我的密码"), self)
        self.change_own_button.clicked.connect(self.change_own_password)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.note = QLabel(self)  # the outcome of the last action
        self.note.setWordWrap(True)
        self.note.setVisible(False)

        self.new_button = QPushButton(self.tr("新建用户"), self)
        self.reset_button = QPushButton(self.tr("重置密码"), self)
        self.role_button = QPushButton(self.tr("修改角色"), self)
        self.deactivate_button = QPushButton(self.tr("停用"), self)
        self.reactivate_button = QPushButton(self.tr("启用"), self)
        self.unlock_button = QPushButton(self.tr("解锁"), self)
        self.refresh_button = QPushButton(self.tr("刷新"), self)
        self.admin_buttons = (
            self.new_button,
            self.reset_button,
            self.role_button,
            self.deactivate_button,
            self.reactivate_button,
            self.unlock_button,
        )
        self.new_button.clicked.connect(self.new_user)
        self.reset_button.clicked.connect(self.reset_selected)
        self.role_button.clicked.connect(self.change_role_selected)
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.reactivate_button.clicked.connect(self.reactivate_selected)
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.refresh_button.clicked.connect(self.refresh)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        make_read_only_list(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.me_label, 1)
        top.addWidget(self.change_own_button)
        buttons = QHBoxLayout()
        for button in (*self.admin_buttons, self.refresh_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)  # takes the room only while the list is hidden

    def showEvent(self, event: QShowEvent) -> None:
        """Read when shown, not at start-up; and again each time, as locks run out and
        others log in while the page is hidden."""
        super().showEvent(event)
        self.refresh()

    # --- who is looking ---------------------------------------------------------------------
    def is_admin(self) -> bool:
        return self.ctx.user is not None and self.ctx.user.role == "admin"

    def refresh(self) -> None:
        """Re-read the accounts (administrators only), keeping the selected one selected."""
        me = self.ctx.user
        if me is not None:
            self.me_label.setText(
                self.tr("当前用户：{name}（{username}，{role}）").format(
                    name=me.display_name, username=me.username, role=me.role_label
                )
            )
        self.change_own_button.setEnabled(me is not None)
        selected = self.current_user()
        rows: list[UserInfo] | None = None
        refusal = ""
        if me is not None:
            try:
                rows = self.ctx.users.list_users(me)  # the service decides who sees the list
            except PermissionDenied as exc:
                refusal = exc.message
            except KnownError as exc:
                show_known_error(self, exc)
        manage = self.is_admin() and rows is not None
        for button in (*self.admin_buttons, self.refresh_button):
            button.setVisible(manage)
        self.table.setVisible(rows is not None)
        if manage:
            self.notice.setText(
                self.tr("先在列表中选择一个账户，再点按钮。账户不会删除：不再使用的账户请停用。")
            )
        else:
            text = self.tr("只有管理员可以管理用户账户（新建用户、重置密码、修改角色、停用、启用、解锁）。")
            if self.is_admin() and refusal:  # an administrator's session the database no longer backs
                text += "\n" + refusal
            self.notice.setText(text)
        self.model.set_rows(rows or [])
        self._size_columns()
        if selected is not None:
            self.select(selected.username)

    def _size_columns(self) -> None:
        """Fit the content with some air: a few accounts, so measuring them all is cheap."""
        self.table.resizeColumnsToContents()
        padding = 3 * self.table.fontMetrics().averageCharWidth()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, self.table.columnWidth(column) + padding)

    # --- selection ------------------------------------------------------------------------
    def current_user(self) -> UserInfo | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().selectedRows():
            return None
        return self.model.row_at(index.row())

    def select(self, username: str) -> bool:
        row = self.model.row_of(username)
        if row is None:
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        return True

    def _update_buttons(self) -> None:
        """Enabled where the action makes sense; a disabled button's tooltip says why."""
        user = self.current_user()
        mine = user is not None and self.ctx.user is not None and user.uuid == self.ctx.user.uuid
        pick = self.tr("请先在列表中选择一个账户")
        states = {
            self.reset_button: (
                pick if user is None else self.tr("修改自己的密码请用“修改我的密码”") if mine else None
            ),
            self.role_button: pick if user is None else None,
            self.deactivate_button: (
                pick
                if user is None
                else self.tr("该账户已停用")
                if not user.active
                else self.tr("不能停用自己正在使用的账户")
                if mine
                else None
            ),
            self.reactivate_button: pick
            if user is None
            else self.tr("该账户没有停用")
            if user.active
            else None,
            self.unlock_button: pick
            if user is None
            else None
            if user.locked_until
            else self.tr("该账户没有被锁定"),
        }
        for button, why in states.items():
            button.setEnabled(why is None)
            button.setToolTip(why or "")

    # --- actions --------------------------------------------------------------------------
    def _open(self, dialog: QDialog, done) -> None:
        self.dialog = dialog
        dialog.accepted.connect(done)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _changed(self, user: UserInfo | None, note: str) -> None:
        """After an account changed: the list again, that account selected, a line saying what."""
        if user is None:
            return
        if self.ctx.user is not None and user.uuid == self.ctx.user.uuid:
            self.ctx.act_as(user)  # one's own role changed: act with the new one from now on
            self.own_account_changed.emit()
        self.refresh()
        self.select(user.username)
        self.note.setText(note.format(name=user.display_name, username=user.username, role=user.role_label))
        self.note.setVisible(True)

    def new_user(self) -> None:
        dialog = NewUserDialog(self.ctx, self)
        self._open(
            dialog,
            lambda: self._changed(
                dialog.user, self.tr("已新建用户 {username}（{name}，{role}），首次登录时须修改临时密码。")
            ),
        )

    def reset_selected(self) -> None:
        if (user := self.current_user()) is None:
            return
        dialog = ResetPasswordDialog(self.ctx, user, self)
        self._open(
            dialog,
            lambda: self._changed(
                dialog.user, self.tr("已重置 {name}（{username}）的密码，下次登录时须修改。")
            ),
        )

    def change_role_selected(self) -> None:
        if (user := self.current_user()) is None:
            return
        dialog = RoleDialog(self.ctx, user, self)
        self._open(
            dialog, lambda: self._changed(dialog.user, self.tr("{name}（{username}）的角色已改为{role}。"))
        )

    def deactivate_selected(self) -> None:
        if (user := self.current_user()) is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("停用账户"), "", QMessageBox.StandardButton.NoButton, self
        )
        box.setText(
            self.tr(
                "确定停用 {name}（{username}）的账户吗？\n\n"
                "停用后该账户不能再登录；账户和它的操作记录都会保留，以后可以再启用。停用会记入操作日志。"
            ).format(name=user.display_name, username=user.username)
        )
        confirm = box.addButton(self.tr("停用"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        if box.clickedButton() is not confirm:
            return
        self._act(
            lambda me: self.ctx.users.deactivate(me, user.username),
            self.tr("已停用 {name}（{username}）的账户。"),
        )

    def reactivate_selected(self) -> None:
        if (user := self.current_user()) is not None:
            self._act(
                lambda me: self.ctx.users.reactivate(me, user.username),
                self.tr("已启用 {name}（{username}）的账户。"),
            )

    def unlock_selected(self) -> None:
        if (user := self.current_user()) is not None:
            self._act(
                lambda me: self.ctx.users.unlock(me, user.username),
                self.tr("已解锁 {name}（{username}）的账户，现在可以登录。"),
            )

    def _act(self, change, note: str) -> None:
        assert self.ctx.user is not None
        try:
            user = change(self.ctx.user)
        except KnownError as exc:
            show_known_error(self, exc)
            self.refresh()  # what the service saw may differ from what the list showed
            return
        self._changed(user, note)

    def change_own_password(self) -> None:
        dialog = LoginDialog(self.ctx, "change", self)
        self._open(dialog, lambda: self._changed(dialog.user, self.tr("已修改您的密码。")))
