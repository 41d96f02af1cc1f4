"""A database page that cannot be read, met while working: said as damage, not as a bug."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from jiangxin_desktop.database_files import as_damage
from jiangxin_desktop.ui.widgets.error_dialogs import show_crash


def real_damage_error(tmp_path: Path) -> DatabaseError:
    """SQLite's own error for a file whose pages are not a database."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database page " * 400)
    engine = create_engine(f"sqlite:///{bad}")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM sqlite_master")).all()
    except DatabaseError as exc:
        return exc
    finally:
        engine.dispose()
    pytest.fail("SQLite read a damaged file")


def test_a_damage_error_is_named_in_chinese_with_what_to_do(tmp_path):
    database = tmp_path / "jiangxin.db"
    damage = as_damage(real_damage_error(tmp_path), database)
    assert damage is not None
    assert damage.message.startswith(f"数据库 {database} 已损坏")
    assert "jiangxin-desktop db check" in damage.message and "backup restore" in damage.message
    assert as_damage(ValueError("malformed"), database) is None  # only SQLite's own errors


def test_the_window_says_damage_instead_of_an_internal_error(qtbot, tmp_path, answer_modal):
    error = real_damage_error(tmp_path)
    seen = []

    def read(box: QMessageBox) -> None:
        seen.append((box.windowTitle(), box.text()))
        box.accept()

    answer_modal(read, QMessageBox)
    report = show_crash(None, error, data_dir=str(tmp_path / "d"))
    assert report is None  # not a bug: no crash report
    title, message = seen[0]
    assert title == "数据库已损坏" and "已损坏" in message and "内部错误" not in message
    assert not (tmp_path / "d" / "crash-reports").exists()
