"""登录, the first administrator, a temporary password, and the idle lock that keeps work."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from jiangxin_desktop.ui.shell.idle_lock import IdleLock
from jiangxin_desktop.ui.shell.login_dialog import LoginDialog
from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog

PASSWORD = "Demo-pass-2025"


def test_wrong_password_is_said_and_the_dialog_stays(qtbot, demo_context):
    dialog = LoginDialog(demo_context, "login")
    qtbot.addWidget(dialog)
    dialog.username.setText("clerk")
    dialog.password.setText("Wrong-pass-99")
    dialog.submit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "用户名或密码不正确" in dialog.problem.text() and "再输错 4 次" in dialog.problem.text()
    dialog.password.setText(PASSWORD)
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user.role == "clerk"


def test_five_failures_lock_the_account(qtbot, demo_context):
    dialog = LoginDialog(demo_context, "login")
    qtbot.addWidget(dialog)
    dialog.username.setText("reviewer")
    for _ in range(5):
        dialog.password.setText("Wrong-pass-99")
        dialog.submit()
    dialog.password.setText(PASSWORD)
    dialog.submit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "锁定" in dialog.problem.text()


def test_first_administrator_is_created_in_the_dialog(qtbot, accountless_context):
    dialog = LoginDialog(accountless_context, "first_admin")
    qtbot.addWidget(dialog)
    dialog.username.setText("wangzz")
    dialog.display_name.setText("王站长")
    dialog.new_password.setText("Zhan-zhang-2026")
    dialog.confirm.setText("Zhan-zhang-2026x")
    dialog.submit()
    assert "不一致" in dialog.problem.text()
    dialog.confirm.setText("Zhan-zhang-2026")
    dialog.submit()
    assert dialog.user is not None and dialog.user.role == "admin"
    assert accountless_context.users.has_users()


def test_idle_lock_keeps_unsaved_work(qtbot, window, demo_context):
    dialog = RegistrationDialog(demo_context, parent=window)  # closed with the window
    dialog.show()
    qtbot.keyClicks(dialog.form.lines["phone"], "1381234")  # typed, not saved
    lock = IdleLock(demo_context, window, minutes=0.0005)  # 30 ms for the test
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert lock.dialog is not None and lock.dialog.username.text() == "clerk"
    assert lock.dialog.username.isReadOnly()
    lock.dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(lock.unlocked, timeout=3000):
        lock.dialog.submit()
    assert dialog.isVisible() and dialog.form.lines["phone"].text() == "1381234"
    lock.timer.stop()


def test_status_bar_names_the_user(window, demo_context):
    assert window.user_label.text() == "用户：演示经办人（经办人）"
