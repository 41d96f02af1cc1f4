"""从备份恢复 in the window: pick, passphrase, one confirmation naming the backup, restore."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QMessageBox

from jiangxin_desktop.context import open_context
from jiangxin_desktop.services.station.backup_schedule import run_backup, set_backup_passphrase
from jiangxin_desktop.services.demo.seed import id_with_check
from jiangxin_desktop.services.registry.trainees import TraineeInput
from jiangxin_desktop.services.station.settings import BACKUP_FOLDER
from jiangxin_desktop.ui.station.backup_page import BackupPage
from jiangxin_desktop.ui.station.backup_restore import restore_from
from tests.conftest import no_passphrase

PASSWORD = "Demo-pass-2025"
BACKUP_PASS = "backup-passphrase-1"
LATE_ID = id_with_check("32070619900101557")


def backed_up(ctx, folder):
    admin = ctx.login("admin", PASSWORD)
    set_backup_passphrase(ctx.settings, admin, BACKUP_PASS)
    ctx.settings.set(admin, BACKUP_FOLDER, str(folder))
    when = datetime(2026, 12, 1, 4, tzinfo=UTC)
    outcome = run_backup(ctx.db, ctx.settings, station_code=ctx.station.code, actor="admin", now=when)
    assert outcome.ok, outcome.message
    ctx.registry.register(  # after the backup: gone once it is restored
        TraineeInput(name="周晚到", id_number=LATE_ID, phone="13812345679", target_group="31", consent=True)
    )
    return Path(outcome.manifest)


def give_passphrase(text: str):
    def handle(dialog: QInputDialog) -> None:
        dialog.setTextValue(text)
        dialog.accept()

    return handle


def test_only_an_administrator_may_restore_and_a_clerk_is_told_why(qtbot, demo_context):
    page = BackupPage(demo_context)
    qtbot.addWidget(page)
    assert not page.restore_button.isEnabled()
    assert page.restore_button.toolTip() == "只有管理员可以从备份恢复数据库"


def test_restore_asks_once_naming_the_backup_and_replaces_the_database(
    qtbot, demo_context, tmp_path, answer_modal
):
    manifest = backed_up(demo_context, tmp_path / "usb")
    questions: list[str] = []

    def answer(box: QMessageBox) -> None:
        questions.append(box.text())
        yes = box.button(QMessageBox.StandardButton.Yes)
        (yes or box.button(QMessageBox.StandardButton.Ok)).click()

    answer_modal(give_passphrase(BACKUP_PASS), QInputDialog)
    answer_modal(answer, QMessageBox)
    answer_modal(answer, QMessageBox)
    result = restore_from(demo_context, manifest, None)
    assert result is not None
    assert len(questions) == 2
    assert manifest.name in questions[0] and "pre-restore" in questions[0] and "恢复后程序会退出" in questions[0]
    assert questions[1].startswith(f"已从“{manifest.name}”恢复")
    assert (demo_context.paths.root / "pre-restore").is_dir()
    restored = open_context(demo_context.paths, no_passphrase)
    try:
        assert restored.registry.find_by_id_number(LATE_ID) is None
    finally:
        restored.close()


def test_saying_no_changes_nothing(qtbot, demo_context, tmp_path, answer_modal):
    manifest = backed_up(demo_context, tmp_path / "usb")
    answer_modal(give_passphrase(BACKUP_PASS), QInputDialog)
    answer_modal(lambda box: box.button(QMessageBox.StandardButton.No).click(), QMessageBox)
    assert restore_from(demo_context, manifest, None) is None
    assert demo_context.registry.find_by_id_number(LATE_ID) is not None
    assert not (demo_context.paths.root / "pre-restore").exists()


def test_a_wrong_passphrase_is_said_and_the_database_stays(qtbot, demo_context, tmp_path, answer_modal):
    manifest = backed_up(demo_context, tmp_path / "usb")
    seen: list[str] = []

    def answer(box: QMessageBox) -> None:
        seen.append(box.text())
        choice = box.button(QMessageBox.StandardButton.Yes) or box.button(QMessageBox.StandardButton.Ok)
        (choice or box.buttons()[0]).click()

    answer_modal(give_passphrase("wrong-passphrase-9"), QInputDialog)
    answer_modal(answer, QMessageBox)
    answer_modal(answer, QMessageBox)
    assert restore_from(demo_context, manifest, None) is None
    assert len(seen) == 2 and "口令" in seen[1]
    assert demo_context.registry.find_by_id_number(LATE_ID) is not None  # still usable, nothing lost
