"""用户 (in 设置): an administrator manages accounts with real dialogs; others only change
their own password. Real encrypted demo database, real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.audit.trail import list_events
from jiangxin_desktop.ui.audit.audit_page import AuditTableModel
from jiangxin_desktop.ui.shell.login_dialog import LoginDialog, log_in
from jiangxin_desktop.ui.security.user_dialogs import NewUserDialog, ResetPasswordDialog, RoleDialog
from jiangxin_desktop.ui.security.users_page import UsersPage, UsersTableModel

PASSWORD = "Demo-pass-2025"


def make_page(qtbot, ctx) -> UsersPage:
    page = UsersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def admin_page(qtbot, demo_context):
    demo_context.login("admin", PASSWORD)
    return make_page(qtbot, demo_context)


def cell(page: UsersPage, username: str, column: int) -> str:
    row = page.model.row_of(username)
    assert row is not None, username
    return page.model.index(row, column).data()


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def press(text: str, seen: list[str]):
    """A message-box handler: remember its text, click the button labelled ``text``."""

    def handle(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == text).click()

    return handle


def type_passwords(qtbot, dialog, first: str, second: str | None = None) -> None:
    for edit, text in ((dialog.passwords.first, first), (dialog.passwords.second, second or first)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_admin_creates_a_user_who_can_then_log_in(qtbot, admin_page, demo_context, ime):
    page = admin_page
    click(qtbot, page.new_button)
    dialog = page.dialog
    assert isinstance(dialog, NewUserDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled() and dialog.reason_label.text() == (
        "还有 4 项需要填写或修改：用户名、姓名、临时密码、再次输入"
    )
    qtbot.keyClicks(dialog.username, "9wang")
    assert "以字母开头" in dialog.username_row.message_text()
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "wangwu")
    ime(dialog.display_name, "王五")
    dialog.role.setCurrentIndex(dialog.role.findText("审核人"))
    qtbot.keyClicks(dialog.passwords.first, "Wangwu#1")
    assert "不能包含用户名" in dialog.passwords.first_row.message_text()
    assert dialog.reason_label.text() == "还有 2 项需要填写或修改：临时密码、再次输入"
    assert not dialog.ok_button.isEnabled()
    type_passwords(qtbot, dialog, "Short#1")
    assert "至少 8 个字符" in dialog.passwords.first_row.message_text()
    type_passwords(qtbot, dialog, "Temp#2026a", "Temp#2026b")
    assert dialog.passwords.second_row.message_text() == "两次输入的密码不一致"
    assert not dialog.ok_button.isEnabled()
    type_passwords(qtbot, dialog, "Temp#2026a")
    assert dialog.ok_button.isEnabled() and not dialog.reason_label.isVisible()
    click(qtbot, dialog.ok_button)

    assert page.dialog is None and page.current_user().username == "wangwu"
    assert [cell(page, "wangwu", c) for c in range(6)] == [
        "wangwu",
        "王五",
        "审核人",
        "正常",
        "从未登录",
        "是",
    ]
    assert "已新建用户 wangwu" in page.note.text()
    login = LoginDialog(demo_context, "login")
    qtbot.addWidget(login)
    login.username.setText("wangwu")
    login.password.setText("Temp#2026a")
    login.submit()
    assert login.user is not None and login.user.role == "reviewer" and login.user.must_change_password


def test_a_refused_new_user_is_explained_and_nothing_typed_is_lost(qtbot, admin_page, answer_modal):
    click(qtbot, admin_page.new_button)
    dialog = admin_page.dialog
    qtbot.keyClicks(dialog.username, "CLERK")
    qtbot.keyClicks(dialog.display_name, "Someone")
    type_passwords(qtbot, dialog, "Temp#2026a")
    seen: list[str] = []
    answer_modal(press("确定", seen), QMessageBox)
    click(qtbot, dialog.ok_button)
    assert seen == ["用户名：“clerk”已被使用，请换一个"]
    assert dialog.isVisible() and dialog.username.text() == "CLERK"
    assert dialog.passwords.password() == "Temp#2026a"


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_others_get_no_management_buttons_and_no_list(qtbot, demo_context, role):
    demo_context.login(role, PASSWORD)
    page = make_page(qtbot, demo_context)
    assert not any(b.isVisible() for b in page.admin_buttons)
    assert not page.table.isVisible() and page.model.rowCount() == 0
    assert page.notice.text().startswith("只有管理员可以管理用户账户")
    assert page.change_own_button.isVisible() and page.change_own_button.isEnabled()


def test_reset_forces_a_change_at_the_next_login(qtbot, admin_page, demo_context, answer_modal, monkeypatch):
    monkeypatch.delenv("JIANGXIN_USER", raising=False)
    monkeypatch.delenv("JIANGXIN_PASSWORD", raising=False)
    page = admin_page
    page.select("admin")
    assert not page.reset_button.isEnabled() and "修改我的密码" in page.reset_button.toolTip()
    page.select("clerk")
    click(qtbot, page.reset_button)
    dialog = page.dialog
    assert isinstance(dialog, ResetPasswordDialog) and "演示经办人（clerk）" in dialog.intro.text()
    type_passwords(qtbot, dialog, "Reset#2026x")
    click(qtbot, dialog.ok_button)
    assert cell(page, "clerk", UsersTableModel.MUST_CHANGE) == "是"

    intros: list[str] = []

    def answer(dialog: LoginDialog) -> None:
        if dialog.mode == "login":
            dialog.username.setText("clerk")
            dialog.password.setText("Reset#2026x")
        else:
            intros.append(dialog.intro.text())
            dialog.password.setText("Reset#2026x")
            dialog.new_password.setText("Mine#2026y")
            dialog.confirm.setText("Mine#2026y")
        dialog.submit()

    answer_modal(answer, LoginDialog)
    answer_modal(answer, LoginDialog)
    assert log_in(demo_context)
    assert intros == ["这是临时密码，请设置您自己的新密码。"]
    assert demo_context.user.username == "clerk" and not demo_context.user.must_change_password
    assert demo_context.users.authenticate("clerk", "Mine#2026y").username == "clerk"


def test_role_change_shows_in_the_table(qtbot, admin_page):
    page = admin_page
    page.select("clerk")
    click(qtbot, page.role_button)
    dialog = page.dialog
    assert isinstance(dialog, RoleDialog)
    assert not dialog.ok_button.isEnabled() and dialog.reason_label.text() == "请选择另一个角色"
    dialog.role.setCurrentIndex(dialog.role.findText("审核人"))
    click(qtbot, dialog.ok_button)
    assert cell(page, "clerk", UsersTableModel.ROLE) == "审核人"
    assert page.note.text() == "演示经办人（clerk）的角色已改为审核人。"
    audit = AuditTableModel()
    audit.set_rows(list_events(page.ctx.db, action="user.role_change"))
    assert [audit.index(0, c).data() for c in (AuditTableModel.ACTOR, AuditTableModel.ACTION)] == [
        "admin",
        "修改角色",
    ]


def test_the_last_administrator_is_told_and_the_dialog_stays(qtbot, admin_page, answer_modal):
    page = admin_page
    page.select("admin")
    click(qtbot, page.role_button)
    dialog = page.dialog
    assert "这是您自己的账户" in dialog.intro.text()
    dialog.role.setCurrentIndex(dialog.role.findText("经办人"))
    seen: list[str] = []
    answer_modal(press("确定", seen), QMessageBox)
    click(qtbot, dialog.ok_button)
    assert len(seen) == 1 and "最后一个在用的管理员" in seen[0]
    assert dialog.isVisible() and dialog.role.currentText() == "经办人"
    assert cell(page, "admin", UsersTableModel.ROLE) == "管理员"


def test_deactivate_asks_first_then_reactivate_and_unlock(qtbot, admin_page, demo_context, answer_modal):
    page = admin_page
    page.select("admin")
    assert not page.deactivate_button.isEnabled() and "自己" in page.deactivate_button.toolTip()
    page.select("reviewer")
    assert not page.reactivate_button.isEnabled() and not page.unlock_button.isEnabled()
    asked: list[str] = []
    answer_modal(press("取消", asked), QMessageBox)
    click(qtbot, page.deactivate_button)
    assert "演示审核人（reviewer）" in asked[0] and cell(page, "reviewer", UsersTableModel.STATUS) == "正常"
    answer_modal(press("停用", asked), QMessageBox)
    click(qtbot, page.deactivate_button)
    assert cell(page, "reviewer", UsersTableModel.STATUS) == "已停用"
    click(qtbot, page.reactivate_button)
    assert cell(page, "reviewer", UsersTableModel.STATUS) == "正常"

    for _ in range(demo_context.users.policy.max_failed_logins):
        with pytest.raises(KnownError):
            demo_context.users.authenticate("reviewer", "Wrong-pass-99")
    click(qtbot, page.refresh_button)
    assert cell(page, "reviewer", UsersTableModel.STATUS).startswith("已锁定至 ")
    click(qtbot, page.unlock_button)
    assert cell(page, "reviewer", UsersTableModel.STATUS) == "正常"
    assert demo_context.users.authenticate("reviewer", PASSWORD).username == "reviewer"


def test_everyone_changes_their_own_password(qtbot, demo_context):
    page = make_page(qtbot, demo_context)  # the demo clerk
    click(qtbot, page.change_own_button)
    dialog = page.dialog
    assert isinstance(dialog, LoginDialog) and dialog.mode == "change"
    assert "临时密码" not in dialog.intro.text()
    dialog.password.setText("Wrong-pass-99")
    dialog.new_password.setText("Mine#2026y")
    dialog.confirm.setText("Mine#2026y")
    dialog.submit()
    assert "原密码不正确" in dialog.problem.text() and dialog.new_password.text() == "Mine#2026y"
    dialog.password.setText(PASSWORD)
    dialog.submit()
    assert page.note.text() == "已修改您的密码。"
    assert demo_context.users.authenticate("clerk", "Mine#2026y").username == "clerk"


def test_users_model_is_a_well_behaved_qt_model(qtmodeltester, admin_page):
    assert admin_page.model.rowCount() == 3
    qtmodeltester.check(admin_page.model)


def test_users_is_a_tab_of_settings(window, demo_context):
    settings = window.settings_page  # built once the list is on screen, or when first opened
    assert window.pages.widget(window.area_names().index("设置")) is settings
    assert [settings.tabs.tabText(i) for i in range(settings.tabs.count())][:2] == ["操作日志", "用户"]
