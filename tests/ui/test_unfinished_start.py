"""The window's first start after a set-up or demo was killed half-way: the half-made
database is removed, the first-run question says so, and set-up or demo can start afresh."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from jiangxin_desktop.services.station.unfinished_setup import MARKER_NAME
from jiangxin_desktop.ui.shell.app import _first_run
from jiangxin_desktop.ui.shell.passphrase_dialog import QtPassphrasePrompt


def test_the_first_run_question_says_what_a_killed_setup_left_and_that_it_is_gone(
    qtbot, data_paths, answer_modal
):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    data_paths.ensure()
    data_paths.database.write_bytes(b"half a database")
    data_paths.key_descriptor.write_text("{}")
    marker = data_paths.root / MARKER_NAME
    started = "2026-12-03T08:00:00+00:00"
    marker.write_text(json.dumps({"kind": "setup", "pid": int(dead.stdout), "started_at": started}))
    seen: list[str] = []

    def quit_(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "退出").click()

    answer_modal(quit_, QMessageBox)
    assert _first_run(data_paths, QtPassphrasePrompt(), demo=False) == 0
    assert "首次设置" in seen[0] and "没有完成" in seen[0] and "已删除" in seen[0]
    assert "还没有数据库" in seen[0]
    assert not data_paths.database.exists() and not marker.exists() and not data_paths.key_descriptor.exists()
