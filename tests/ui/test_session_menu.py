"""文件 › 锁定 (Ctrl+L), 切换用户…, 退出登录: who sits at the window changes from the menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from jiangxin_desktop.ui.shell.login_dialog import LoginDialog
from jiangxin_desktop.ui.registry.registration_dialog import RegistrationDialog

PASSWORD = "Demo-pass-2025"


def menu_texts(window) -> list[str]:
    return [a.text() for a in window.file_menu.actions() if not a.isSeparator()]


def log_in_as(username: str, password: str = PASSWORD):
    def handle(dialog: LoginDialog) -> None:
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.submit()

    return handle


def test_the_file_menu_has_lock_switch_and_log_out(window):
    texts = menu_texts(window)
    for entry in ("锁定", "切换用户…", "退出登录", "退出"):
        assert entry in texts
    assert window.session.lock_action.shortcut().toString() == "Ctrl+L"


def test_ctrl_l_locks_and_the_password_unlocks_with_work_kept(qtbot, window, demo_context):
    dialog = RegistrationDialog(demo_context, parent=window)
    dialog.show()

    def active() -> bool:  # Ctrl+L is an application shortcut: it needs an active window
        if QApplication.activeWindow() is not dialog:
            dialog.activateWindow()  # asked again: under load the first request can be lost
        return QApplication.activeWindow() is dialog

    qtbot.waitUntil(active, timeout=15000)
    qtbot.keyClicks(dialog.form.lines["phone"], "1381234")
    with qtbot.waitSignal(window.idle_lock.locked, timeout=3000):  # pressed in the open form
        qtbot.keyClick(dialog.form.lines["phone"], Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    lock = window.idle_lock.dialog
    assert lock is not None and lock.username.text() == "clerk" and lock.username.isReadOnly()
    lock.password.setText(PASSWORD)
    with qtbot.waitSignal(window.idle_lock.unlocked, timeout=3000):
        lock.submit()
    assert dialog.isVisible() and dialog.form.lines["phone"].text() == "1381234"
    window.idle_lock.timer.stop()


def test_switching_to_the_reviewer_rebuilds_the_window_for_that_role(qtbot, window, answer_modal):
    handled = answer_modal(log_in_as("reviewer"), LoginDialog)
    window.session.switch_action.trigger()
    assert len(handled) == 1 and handled[0].windowTitle() == "匠心 — 切换用户"
    assert window.ctx.user.username == "reviewer"
    assert window.user_label.text() == "用户：演示审核人（审核人）"
    assert not window.trainee_page.new_action.isEnabled()  # a reviewer does not register
    assert window.file_menu.actions()[0] is window.trainee_page.new_action
    window.idle_lock.timer.stop()


def test_cancelling_a_switch_keeps_the_current_user(qtbot, window, answer_modal):
    def cancel(dialog: LoginDialog) -> None:
        assert "继续以 演示经办人 的身份使用" in dialog.intro.text()
        dialog.reject()

    answer_modal(cancel, LoginDialog)
    page = window.trainee_page
    window.session.switch_action.trigger()
    assert window.ctx.user.username == "clerk"
    assert window.trainee_page is page
    window.idle_lock.timer.stop()


def test_a_switch_asks_before_closing_an_open_form(qtbot, window, demo_context, answer_modal):
    dialog = RegistrationDialog(demo_context, parent=window)
    dialog.show()
    seen: list[str] = []

    def say_no(box: QMessageBox) -> None:
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    answer_modal(say_no, QMessageBox)
    window.session.switch_action.trigger()
    assert seen and dialog.windowTitle() in seen[0] and "没有保存的内容不会保留" in seen[0]
    assert dialog.isVisible() and window.ctx.user.username == "clerk"
    window.idle_lock.timer.stop()


def test_log_out_hides_the_content_and_the_next_user_logs_in(qtbot, window, answer_modal):
    hidden: list[bool] = []

    def admin(dialog: LoginDialog) -> None:
        hidden.append(not window.centralWidget().isVisible())
        assert dialog.username.text() == "" and not dialog.username.isReadOnly()
        log_in_as("admin")(dialog)

    answer_modal(admin, LoginDialog)
    window.session.logout_action.trigger()
    assert hidden == [True]
    assert window.centralWidget().isVisible()
    assert window.ctx.user.username == "admin"
    assert window.user_label.text() == "用户：演示管理员（管理员）"
    window.idle_lock.timer.stop()
