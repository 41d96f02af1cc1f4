"""设置 → 备份 and 个人信息保护, driven as an administrator and as a clerk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from jiangxin_desktop.services.station.backup import list_backups, verify_backup
from jiangxin_desktop.services.station.backup_schedule import set_backup_passphrase
from jiangxin_desktop.services.station.settings import BACKUP_FOLDER, BACKUP_LAST
from jiangxin_desktop.ui.station.backup_page import BackupPage, BackupPassphraseDialog
from jiangxin_desktop.ui.station.backup_scheduler import BackupScheduler
from jiangxin_desktop.ui.station.privacy_page import PrivacyPage
from tests.conftest import DEMO_PASSWORD

PASS = "usb-backup-pass"


@pytest.fixture
def admin_context(demo_context):
    demo_context.act_as(demo_context.users.authenticate("admin", DEMO_PASSWORD))
    return demo_context


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_admin_sets_up_the_daily_backup_and_backs_up_now(qtbot, admin_context, tmp_path, answer_modal):
    page = shown(qtbot, BackupPage(admin_context))
    assert not page.now_button.isEnabled()  # no place, no passphrase yet
    usb = tmp_path / "usb" / "匠心备份"
    page.folder_edit.setText(str(usb))
    page.time_edit.setTime(QTime(18, 5))
    page.keep_spin.setValue(7)
    page.save_button.click()
    schedule = admin_context.settings.backup_schedule()
    assert (schedule.folder, schedule.daily_at, schedule.keep) == (str(usb), "18:05", 7)

    def fill(dialog: BackupPassphraseDialog) -> None:
        dialog.first.setText(PASS)
        dialog.second.setText(PASS + "x")
        assert not dialog.ok_button.isEnabled() and "不一致" in dialog.problem.text()
        dialog.second.setText(PASS)
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    answer_modal(fill, BackupPassphraseDialog)
    page.key_button.click()
    assert page.key_label.text() == "已设置" and page.now_button.isEnabled()

    page.now_button.click()  # runs in a worker behind the progress window
    (manifest,) = list_backups(usb, admin_context.station.code)
    assert verify_backup(manifest, PASS).ok
    assert "备份成功" in page.last_label.text()


def test_a_bad_folder_is_refused_with_its_name_and_nothing_saved(qtbot, admin_context, answer_modal):
    page = shown(qtbot, BackupPage(admin_context))
    page.folder_edit.setText("备份")  # not a full path
    seen = answer_modal(
        lambda box: box.button(QMessageBox.StandardButton.NoButton) or box.accept(), QMessageBox
    )
    page.save_button.click()
    assert "定时备份位置" in seen[0].text()
    assert admin_context.settings.get(BACKUP_FOLDER) is None


def test_a_clerk_can_back_up_but_not_change_the_settings(qtbot, demo_context, tmp_path):
    admin = demo_context.users.authenticate("admin", DEMO_PASSWORD)
    set_backup_passphrase(demo_context.settings, admin, PASS)
    demo_context.settings.set(admin, BACKUP_FOLDER, str(tmp_path / "b"))
    page = shown(qtbot, BackupPage(demo_context))  # demo_context acts as the clerk
    assert not page.save_button.isVisible() and not page.folder_edit.isEnabled()
    assert not page.key_button.isEnabled() and page.role_note.isVisible()
    assert page.now_button.isEnabled()
    page.now_button.click()
    assert len(list_backups(tmp_path / "b", demo_context.station.code)) == 1


def test_scheduler_backs_up_once_a_day_without_asking(qtbot, admin_context, tmp_path):
    set_backup_passphrase(admin_context.settings, admin_context.user, PASS)
    admin_context.settings.set(admin_context.user, BACKUP_FOLDER, str(tmp_path / "daily"))
    clock = [datetime(2026, 12, 1, 4, 0, tzinfo=UTC)]  # a fixed moment, not the machine's
    scheduler = BackupScheduler(admin_context, clock=lambda: clock[0])
    with qtbot.waitSignal(scheduler.finished, timeout=30_000) as done:
        assert scheduler.check()
    assert done.args[0].ok
    assert not scheduler.check()  # done for today
    assert admin_context.settings.get(BACKUP_LAST)["ok"]
    clock[0] += timedelta(days=1)
    with qtbot.waitSignal(scheduler.finished, timeout=30_000):
        assert scheduler.check()
    scheduler.stop()


def test_admin_changes_the_consent_notice(qtbot, admin_context):
    page = shown(qtbot, PrivacyPage(admin_context))
    old = admin_context.consent.version
    page.title_edit.setText("个人信息处理告知（本站）")
    page.text_edit.setPlainText(
        "本站为办理培训补贴收集您的姓名、身份证号码和手机号码，保存五年后匿名化处理。"
    )
    page.save_consent_button.click()
    assert admin_context.consent.version != old
    assert admin_context.registry.consent_version == admin_context.consent.version
    assert admin_context.consent.version in page.version_label.text()


def test_clerk_sees_the_notice_read_only(qtbot, demo_context):
    page = shown(qtbot, PrivacyPage(demo_context))
    assert page.text_edit.isReadOnly() and not page.run_button.isEnabled()


def test_admin_runs_the_retention_rule_after_confirming(qtbot, admin_context, answer_modal):
    with admin_context.db.write() as session:
        session.execute(text("UPDATE trainee SET updated_at = '2018-01-01T00:00:00.000Z' WHERE seq <= 3"))
    page = shown(qtbot, PrivacyPage(admin_context))
    page.preview_button.click()
    assert "3 名将被匿名化" in page.plan_label.text()

    def cancel(box):
        next(b for b in box.buttons() if b.text() == "取消").click()

    answer_modal(cancel, QMessageBox)
    assert page.run_rule() is None
    assert admin_context.search.totals()["inactive"] == 0

    def go(box):
        next(b for b in box.buttons() if b.text() == "匿名化").click()

    answer_modal(go, QMessageBox)
    result = page.run_rule()
    assert result is not None and len(result.due) == 3
    assert "已匿名化 3 名学员" in page.plan_label.text()
    assert admin_context.search.totals()["inactive"] == 3
