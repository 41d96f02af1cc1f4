"""The set-up wizard driven like a clerk would: typed fields, 下一步, 完成 or 取消."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from jiangxin_desktop.context import open_context
from jiangxin_desktop.services.security.signing import StationSigner, active_public_key
from jiangxin_desktop.services.station.setup import StationInfo
from jiangxin_desktop.ui.shell.setup_wizard import SetupWizard

PASSWORD = "Admin-pass-2025"


def no_passphrase(new: bool) -> str:
    raise AssertionError("the in-memory keyring should make a passphrase unnecessary")


@pytest.fixture
def wizard(qtbot, data_paths):
    widget = SetupWizard(data_paths, no_passphrase)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot, wizard: SetupWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled(), wizard.currentPage().reason.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_station(qtbot, ime, wizard: SetupWizard, code: str = "320707101") -> None:
    page = wizard.station_page
    page.county.setFocus()
    page.county.setCurrentIndex(page.county.findData("320707"))
    ime(page.name, "赣榆区青口镇人社服务站")
    qtbot.keyClicks(page.code, code)


def fill_admin(qtbot, ime, wizard: SetupWizard) -> None:
    page = wizard.admin_page
    qtbot.keyClicks(page.username, "wangzz")
    ime(page.display_name, "王主任")
    qtbot.keyClicks(page.password, PASSWORD)
    qtbot.keyClicks(page.confirm, PASSWORD)


def test_filling_the_wizard_creates_station_admin_and_signing_key(qtbot, ime, wizard, data_paths):
    next_ = QWizard.WizardButton.NextButton
    assert not wizard.button(next_).isEnabled()
    assert "选择区县" in wizard.station_page.reason.text()
    fill_station(qtbot, ime, wizard)
    click(qtbot, wizard, next_)
    fill_admin(qtbot, ime, wizard)
    click(qtbot, wizard, next_)
    summary = {name: label.text() for name, label in wizard.confirm_page.values.items()}
    assert summary["county"] == "赣榆区（320707）" and summary["code"] == "320707101"
    assert summary["username"] == "wangzz" and summary["display_name"] == "王主任"
    assert not data_paths.database.exists()  # nothing is written before 完成

    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert wizard.created is not None and wizard.created["admin"]["username"] == "wangzz"
    ctx = open_context(data_paths, no_passphrase)
    try:
        assert ctx.station == StationInfo("320707101", "赣榆区青口镇人社服务站", "320707") and not ctx.demo
        assert ctx.login("wangzz", PASSWORD).role == "admin"
        key = active_public_key(ctx.db)
        assert key is not None and key.key_id == wizard.created["signing_key"]["key_id"]
        assert StationSigner.load(ctx.db).key_id == key.key_id
    finally:
        ctx.close()


def test_cancel_leaves_no_database(qtbot, ime, wizard, data_paths, memory_keyring):
    fill_station(qtbot, ime, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin(qtbot, ime, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert not wizard.isVisible() and wizard.created is None
    assert not data_paths.root.exists() and memory_keyring.store == {}


def test_fields_explain_themselves_while_typing(qtbot, ime, wizard):
    station = wizard.station_page
    fill_station(qtbot, ime, wizard, code="3207-01")
    assert "6–20 位" in station.rows[station.code].message_text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    station.code.clear()
    qtbot.keyClicks(station.code, "320701001")  # another district's prefix: a warning, not a stop
    assert "320707" in station.rows[station.code].message_text()
    assert station.rows[station.code].level == "warning"
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    admin = wizard.admin_page
    qtbot.keyClicks(admin.username, "Wang zz")
    assert "英文字母" in admin.rows[admin.username].message_text()
    qtbot.keyClicks(admin.password, "abc")
    assert "至少 8 个字符" in admin.rows[admin.password].message_text()
    qtbot.keyClicks(admin.confirm, "abd")
    assert admin.rows[admin.confirm].message_text() == "两次输入的密码不一致"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_problem_at_finish_is_shown_in_chinese_and_the_wizard_stays(
    qtbot, ime, wizard, data_paths, answer_modal
):
    fill_station(qtbot, ime, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin(qtbot, ime, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    data_paths.ensure()
    data_paths.database.write_bytes(b"someone else's database")  # appeared meanwhile

    messages: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        messages.append(box.text())
        box.accept()

    answer_modal(read_and_close, QMessageBox)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: bool(messages))
    assert "已有数据库" in messages[0] and "不会覆盖" in messages[0]
    assert wizard.isVisible() and wizard.currentPage() is wizard.confirm_page
    assert data_paths.database.read_bytes() == b"someone else's database"


def test_without_a_keyring_the_passphrase_is_asked_once(qtbot, ime, monkeypatch, data_paths, answer_modal):
    """The wizard asks for a new passphrase from its worker; opening right after does not ask again."""
    from jiangxin_desktop.services.security.keystore import env_passphrase_provider
    from jiangxin_desktop.ui.shell.unlock import open_with_retries
    from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseDialog, QtPassphrasePrompt

    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.delenv("JIANGXIN_PASSPHRASE", raising=False)
    prompt = QtPassphrasePrompt()
    wizard = SetupWizard(data_paths, env_passphrase_provider(prompt))
    qtbot.addWidget(wizard)
    wizard.show()

    def choose(dialog: PassphraseDialog) -> None:  # a new passphrase: two fields
        dialog.first.setText("station-pass-1")
        dialog.second.setText("station-pass-1")
        dialog.ok_button.click()

    handled = answer_modal(choose, PassphraseDialog)
    fill_station(qtbot, ime, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin(qtbot, ime, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert len(handled) == 1 and handled[0].new and wizard.created is not None
    ctx = open_with_retries(data_paths, prompt)
    try:
        assert ctx.station.code == "320707101" and len(handled) == 1
    finally:
        ctx.close()


def test_first_run_offers_setup_demo_or_quit_and_setup_opens_the_wizard(qtbot, ime, data_paths, answer_modal):
    from jiangxin_desktop.ui.shell.app import _first_run
    from jiangxin_desktop.ui.shell.passphrase_dialog import QtPassphrasePrompt

    seen: list[list[str]] = []

    def choose_setup(box: QMessageBox) -> None:
        seen.append([b.text() for b in box.buttons()])
        next(b for b in box.buttons() if b.text() == "设置正式服务站").click()

    def fill_and_finish(wizard: SetupWizard) -> None:
        fill_station(qtbot, ime, wizard)
        wizard.next()
        fill_admin(qtbot, ime, wizard)
        wizard.next()
        wizard.button(QWizard.WizardButton.FinishButton).click()

    answer_modal(choose_setup, QMessageBox)
    answer_modal(fill_and_finish, SetupWizard)
    assert _first_run(data_paths, QtPassphrasePrompt(), demo=False) is None  # on to the login
    assert [set(texts) for texts in seen] == [{"设置正式服务站", "创建演示数据库", "退出"}]
    assert data_paths.database.exists()
