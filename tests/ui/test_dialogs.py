"""Error, passphrase and progress dialogs: what the clerk reads."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.errors import StorageError
from jiangxin_desktop.ui.widgets.error_dialogs import ExceptionHook
from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseDialog


def close_box(seen: list[str]):
    def handle(box: QMessageBox) -> None:
        seen.append(box.text())
        box.buttons()[0].click()

    return handle


def test_known_error_shows_its_chinese_message(qtbot, answer_modal, tmp_path):
    seen: list[str] = []
    answer_modal(close_box(seen))
    error = StorageError("磁盘空间已满，数据未保存。")
    ExceptionHook(str(tmp_path))(StorageError, error, None)
    assert seen == ["磁盘空间已满，数据未保存。"]
    assert not (tmp_path / "crash-reports").exists()


def test_a_bug_saves_a_report_and_names_it(qtbot, answer_modal, tmp_path):
    seen: list[str] = []
    answer_modal(close_box(seen))
    try:
        raise KeyError("internal")
    except KeyError as exc:
        ExceptionHook(str(tmp_path))(KeyError, exc, exc.__traceback__)
    reports = list((tmp_path / "crash-reports").glob("crash-*.txt"))
    assert len(reports) == 1
    assert "KeyError" in reports[0].read_text(encoding="utf-8")
    assert str(reports[0]) in seen[0]
    assert "程序遇到内部错误" in seen[0] and "Traceback" not in seen[0]


def test_new_passphrase_needs_eight_characters_twice(qtbot):
    dialog = PassphraseDialog(new=True)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.first, "short")
    assert "至少需要 8 个字符" in dialog.reason_label.text()
    qtbot.keyClicks(dialog.first, "-enough")
    qtbot.keyClicks(dialog.second, "short-enougX")
    assert dialog.reason_label.text() == "两次输入的口令不一致。"
    assert not dialog.ok_button.isEnabled()
    dialog.second.clear()
    qtbot.keyClicks(dialog.second, "short-enough")
    assert dialog.ok_button.isEnabled() and dialog.passphrase() == "short-enough"


def test_unlock_shows_why_it_asks_again(qtbot):
    dialog = PassphraseDialog(new=False, problem="口令不正确，无法解锁数据库。（还可以再试 2 次）")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.problem_label.isVisible()
    assert "还可以再试 2 次" in dialog.problem_label.text()
    assert dialog.second.parent() is None or not dialog.second.isVisible()
