"""从备份恢复 in the window (administrator): pick a backup, check it, give its passphrase,
confirm once naming it, restore. The service keeps the current database in ``pre-restore/``
and puts it back if the restored one does not open; afterwards the program ends and is
opened again, so that no window shows data from before the restore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup import read_manifest, verify_backup
from jiangxin_desktop.services.audit.display import local_time
from jiangxin_desktop.services.security.keystore import env_passphrase_provider
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.shell.passphrase_dialog import QtPassphrasePrompt

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackupRestore", text)


def restore_from(ctx: AppContext, manifest: Path, parent: QWidget | None = None) -> dict | None:
    """The whole exchange for one chosen backup; the result of the restore, or None (nothing changed)."""
    from jiangxin_desktop.database_files import restore_database

    title = _tr("从备份恢复")
    try:
        data = read_manifest(manifest)
        report = verify_backup(manifest)
        if not report.ok:
            raise KnownError(_tr("不能恢复：{why}").format(why=report.message))
    except KnownError as exc:
        show_known_error(parent, exc, title=title)
        return None
    passphrase, ok = QInputDialog.getText(
        parent,
        title,
        _tr("备份“{name}”的备份口令：").format(name=manifest.name),
        QLineEdit.EchoMode.Password,
    )
    if not ok or not passphrase:
        return None
    question = _tr(
        "从备份“{name}”（{when}，{n} 名学员）恢复？\n\n"
        "现在的数据库会被它替换：这次备份之后登记和修改的内容将不在恢复后的数据库中。"
        "现在的数据库保留在数据目录的 pre-restore 文件夹中。恢复后程序会退出，请重新打开。"
    ).format(name=manifest.name, when=local_time(data.get("created_at")), n=data.get("trainees", "?"))
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    ctx.db.dispose()  # the service replaces the file: nothing of ours may hold it open
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        who = {"login": ctx.user.username if ctx.user is not None else None}
        result = restore_database(
            ctx.paths, manifest, passphrase, env_passphrase_provider(QtPassphrasePrompt()), basis=who
        )
    except KnownError as exc:  # wrong passphrase, damaged copy: the current database is back
        QGuiApplication.restoreOverrideCursor()
        show_known_error(parent, exc, title=_tr("没有恢复"))
        return None
    QGuiApplication.restoreOverrideCursor()
    QMessageBox.information(
        parent,
        title,
        _tr("已从“{name}”恢复（{n} 名学员）。程序现在退出，请重新打开。").format(
            name=manifest.name, n=result.get("trainees", "?")
        ),
    )
    QApplication.quit()
    return result
