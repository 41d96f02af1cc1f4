"""Backups: a warning in the status bar and in 设置 › 备份 when none is set up or the last is old."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from jiangxin_desktop.cli.main import main as cli_main
from jiangxin_desktop.services.station.backup_health import backup_health
from jiangxin_desktop.services.station.backup_schedule import run_backup, set_backup_passphrase
from jiangxin_desktop.services.station.settings import BACKUP_FOLDER, BACKUP_WARN_DAYS
from jiangxin_desktop.ui.station.backup_page import BackupPage

PASSWORD = "Demo-pass-2025"
BACKED_UP_AT = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def set_up_and_back_up(ctx, folder):
    admin = ctx.users.authenticate("admin", PASSWORD)
    set_backup_passphrase(ctx.settings, admin, "backup-passphrase-1")
    ctx.settings.set(admin, BACKUP_FOLDER, str(folder))
    outcome = run_backup(ctx.db, ctx.settings, station_code=ctx.station.code, actor="admin", now=BACKED_UP_AT)
    assert outcome.ok, outcome.message
    return admin


def test_no_backup_set_up_is_said_in_the_status_bar_and_in_settings(qtbot, window, demo_context):
    window.refresh_status()
    assert window.backup_label.isVisibleTo(window)
    assert window.backup_label.text() == "尚未设置备份"
    assert "设置 → 备份" in window.backup_label.toolTip()
    page = window.settings_page.backup_page
    assert page.health_label.isVisibleTo(page) and page.health_label.text().startswith("尚未设置备份（缺备份位置、备份口令）")


def test_an_old_backup_is_warned_about_and_a_fresh_one_is_not(qtbot, window, demo_context, tmp_path):
    set_up_and_back_up(demo_context, tmp_path / "usb")
    window.clock = lambda: BACKED_UP_AT + timedelta(days=1)
    window.refresh_status()
    assert not window.backup_label.isVisibleTo(window)
    window.clock = lambda: BACKED_UP_AT + timedelta(days=5, hours=1)
    window.refresh_status()
    assert window.backup_label.isVisibleTo(window) and window.backup_label.text() == "上次备份已超过 5 天"
    page = BackupPage(demo_context)
    qtbot.addWidget(page)
    page.clock = window.clock
    page.load()
    assert "已超过 5 天（提醒设置为 3 天）" in page.health_label.text()


def test_the_warning_follows_the_setting(demo_context, tmp_path):
    admin = set_up_and_back_up(demo_context, tmp_path / "usb")
    five_days_on = BACKED_UP_AT + timedelta(days=5)
    assert not backup_health(demo_context.settings, five_days_on).ok
    demo_context.settings.set(admin, BACKUP_WARN_DAYS, 7)
    assert backup_health(demo_context.settings, five_days_on).ok


def test_backup_status_on_the_command_line(demo_context, capsys):
    code = cli_main(["--data-dir", str(demo_context.paths.root), "backup", "status", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["ok"] is False and out["short"] == "尚未设置备份"
