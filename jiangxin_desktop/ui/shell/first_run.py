"""First start on a machine without a database: set up a real station, or build the demo database."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from jiangxin_desktop.demo_setup import DEMO_PASSWORD, ensure_demo_database
from jiangxin_desktop.database_files import discard_database
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.security.keystore import PassphraseProvider
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseCancelled
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

DEMO_TRAINEES = 2000
SETUP, DEMO = "setup", "demo"  # the first-run choices


def _tr(text: str) -> str:
    return QCoreApplication.translate("FirstRun", text)


def ask_first_run(paths: DataPaths, parent: QWidget | None = None, *, note: str | None = None) -> str | None:
    """SETUP (设置正式服务站), DEMO (创建演示数据库), or None for 退出.

    ``note``: what the start removed (a set-up or demo killed half-way), said first.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_tr("匠心 — 首次使用"))
    text = _tr("数据目录 {path} 中还没有数据库。").format(path=paths.root)
    box.setText(f"{note}\n\n{text}" if note else text)
    box.setInformativeText(
        _tr(
            "服务站正式使用这台电脑时，请选择“设置正式服务站”：向导会建立加密数据库，"
            "并设置服务站信息、第一个管理员账户和服务站签名密钥。\n\n"
            "也可以先创建一个演示数据库：其中有 {n} 名虚构的学员，演示数据不会上传到市级系统，"
            "可用来熟悉登记和查找。演示用户：clerk（经办人）、reviewer（审核人）、admin（管理员），"
            "密码均为 {password}"
        ).format(n=DEMO_TRAINEES, password=DEMO_PASSWORD)
    )
    setup = box.addButton(_tr("设置正式服务站"), QMessageBox.ButtonRole.AcceptRole)
    demo = box.addButton(_tr("创建演示数据库"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(_tr("退出"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(setup)
    box.exec()
    clicked = box.clickedButton()
    return SETUP if clicked is setup else DEMO if clicked is demo else None


def create_demo_database(
    paths: DataPaths,
    passphrase: PassphraseProvider,
    parent: QWidget | None = None,
    *,
    trainees: int = DEMO_TRAINEES,
) -> bool:
    """Build the demo database in a worker thread behind a progress window. True when done."""
    existed = paths.database.exists()

    def work(report: ProgressCallback) -> dict:
        return ensure_demo_database(paths, passphrase, trainees, progress=report, user_password=DEMO_PASSWORD)

    dialog = TaskProgressDialog(
        _tr("正在创建演示数据库"),
        _tr("正在创建加密的演示数据库，并写入 {n} 名虚构学员……").format(n=trainees),
        parent,
    )
    kind, value = dialog.run(BackgroundTask(work, dialog))
    if kind == "finished":
        return True
    if not existed:
        discard_database(paths)  # cancelled half-way: the next start asks again
    if kind == "cancelled" or isinstance(value, PassphraseCancelled):
        return False
    if isinstance(value, KnownError):
        show_known_error(parent, value, title=_tr("无法创建演示数据库"))
        return False
    assert isinstance(value, BaseException)
    raise value
