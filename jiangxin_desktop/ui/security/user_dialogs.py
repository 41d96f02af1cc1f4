"""新建用户 · 重置密码 · 修改角色: the administrator's dialogs over the account list.

Each checks while typing, says why its OK button is disabled, and on a refusal by the
account service shows the Chinese message and stays open with everything typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.passwords import (
    check_display_name,
    check_username,
    normalize_display_name,
    normalize_username,
)
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.security.roles import ROLE_LABELS, ROLES, UserInfo
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.widgets.password_fields import PasswordFields
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


def role_combo(parent: QWidget, current: str = "clerk") -> QComboBox:
    """经办人 / 审核人 / 管理员 (the service's words), the role key as item data."""
    combo = QComboBox(parent)
    for role in ROLES:
        combo.addItem(ROLE_LABELS[role], role)
    combo.setCurrentIndex(ROLES.index(current))
    return combo


class _AccountDialog(QDialog):
    """Intro, a form, the reason OK is disabled, 确定/取消. ``user`` holds the result."""

    def __init__(self, ctx: AppContext, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: UserInfo | None = None
        self.setWindowTitle(title)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 38)

    def problem(self) -> str | None:
        return None

    def unfinished(self, labels: list[str]) -> str | None:
        """Why OK is disabled, naming the fields (their own messages say what is wrong)."""
        if not labels:
            return None
        return self.tr("还有 {n} 项需要填写或修改：{fields}").format(n=len(labels), fields="、".join(labels))

    def revalidate(self) -> None:
        problem = self.problem()
        self.reason_label.setText(problem or "")
        self.reason_label.setVisible(bool(problem))
        self.ok_button.setEnabled(problem is None)
        self.ok_button.setToolTip(problem or "")
        self._grow()

    def _grow(self) -> None:
        """Taller when a message appears under a field, so that nothing is squeezed or cut."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        needed = max(needed, layout.totalMinimumSize().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def submit(self) -> None:
        if self.problem() is not None:
            return
        try:
            self.user = self.apply()
        except KnownError as exc:  # PermissionDenied, ValidationError, a name already used …
            show_known_error(self, exc)
            return
        self.accept()

    def apply(self) -> UserInfo:
        raise NotImplementedError

    def acting(self) -> UserInfo:
        assert self.ctx.user is not None
        return self.ctx.user


class NewUserDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("新建用户"), self.tr("创建"), parent)
        self.intro.setText(self.tr("新用户用这里设置的临时密码登录，首次登录时须改成自己的密码。"))
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(self.tr("英文字母开头，例如 zhangsan"))
        self.display_name = QLineEdit(self)
        self.display_name.setPlaceholderText(self.tr("真实姓名，显示在窗口和操作日志中"))
        self.role = role_combo(self)
        self.passwords = PasswordFields(ctx.users.policy, self)
        self.username_row = FieldRow(self.username, self)
        self.display_name_row = FieldRow(self.display_name, self)
        self.form.addRow(self.tr("用户名"), self.username_row)
        self.form.addRow(self.tr("姓名"), self.display_name_row)
        self.form.addRow(self.tr("角色"), self.role)
        self.form.addRow(self.tr("临时密码"), self.passwords.first_row)
        self.form.addRow(self.tr("再次输入"), self.passwords.second_row)
        self.username.textChanged.connect(self._username_changed)
        self.display_name.textChanged.connect(self._name_changed)
        self.passwords.changed.connect(self.revalidate)
        self.revalidate()
        self.username.setFocus()

    def _username_changed(self, text: str) -> None:
        name = normalize_username(text)
        self.username_row.set_message(check_username(name) if name else None)
        self.passwords.set_username(name)  # revalidates

    def _name_changed(self, text: str) -> None:
        shown = normalize_display_name(text)
        self.display_name_row.set_message(check_display_name(shown) if shown else None)
        self.revalidate()

    def problem(self) -> str | None:
        labels = []
        if check_username(normalize_username(self.username.text())):
            labels.append(self.tr("用户名"))
        if check_display_name(normalize_display_name(self.display_name.text())):
            labels.append(self.tr("姓名"))
        return self.unfinished(labels + self.passwords.unfinished(self.tr("临时密码"), self.tr("再次输入")))

    def apply(self) -> UserInfo:
        return self.ctx.users.create_user(
            self.acting(),
            self.username.text(),
            self.display_name.text(),
            self.role.currentData(),
            self.passwords.password(),
        )


class ResetPasswordDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, account: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("重置密码"), self.tr("重置"), parent)
        self.account = account
        self.intro.setText(
            self.tr(
                "为 {name}（{username}）设置一个临时密码，并当面或电话告诉本人。"
                "本人下次登录时须先改成自己的密码；账户如被锁定也会解锁。"
            ).format(name=account.display_name, username=account.username)
        )
        self.passwords = PasswordFields(ctx.users.policy, self)
        self.passwords.set_username(account.username)
        self.form.addRow(self.tr("临时密码"), self.passwords.first_row)
        self.form.addRow(self.tr("再次输入"), self.passwords.second_row)
        self.passwords.changed.connect(self.revalidate)
        self.revalidate()
        self.passwords.first.setFocus()

    def problem(self) -> str | None:
        return self.unfinished(self.passwords.unfinished(self.tr("临时密码"), self.tr("再次输入")))

    def apply(self) -> UserInfo:
        return self.ctx.users.reset_password(self.acting(), self.account.username, self.passwords.password())


class RoleDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, account: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("修改角色"), self.tr("修改"), parent)
        self.account = account
        text = self.tr("{name}（{username}）现在的角色是{role}。").format(
            name=account.display_name, username=account.username, role=account.role_label
        )
        if ctx.user is not None and account.uuid == ctx.user.uuid:
            text += self.tr("这是您自己的账户：不再是管理员后，您将不能管理用户账户。")
        self.intro.setText(text)
        self.role = role_combo(self, account.role)
        self.form.addRow(self.tr("新角色"), self.role)
        self.role.currentIndexChanged.connect(lambda _index: self.revalidate())
        self.revalidate()

    def problem(self) -> str | None:
        if self.role.currentData() == self.account.role:
            return self.tr("请选择另一个角色")
        return None

    def apply(self) -> UserInfo:
        return self.ctx.users.change_role(self.acting(), self.account.username, self.role.currentData())
