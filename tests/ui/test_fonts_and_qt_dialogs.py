"""The interface font is the sans face, and Qt's own dialogs speak Chinese."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QFontInfo, QFontMetrics
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QMessageBox

from jiangxin_desktop.ui.shell.fonts import apply_body_font, body_families, load_embedded_fonts
from jiangxin_desktop.ui.shell.qt_translations import install_chinese_translations


def test_the_body_font_is_the_sans_face_not_the_ming_serif(qapp):
    font = apply_body_font(qapp, load_embedded_fonts())
    assert QFontInfo(font).family() == "WenQuanYi Micro Hei"
    assert not font.families()[0].startswith("AR PL")
    metrics = QFontMetrics(font)
    assert metrics.lineSpacing() >= 1.2 * QFontInfo(font).pixelSize()  # not cramped


def test_microsoft_yahei_comes_first_where_the_system_has_it():
    embedded = ["AR PL UMing CN", "AR PL UMing TW", "WenQuanYi Micro Hei", "WenQuanYi Micro Hei Mono"]
    assert body_families(embedded, ["Microsoft YaHei", "SimSun"])[:2] == ["Microsoft YaHei", "WenQuanYi Micro Hei"]
    chosen = body_families(embedded, [])
    assert chosen[0] == "WenQuanYi Micro Hei"
    assert "WenQuanYi Micro Hei Mono" not in chosen
    assert chosen.index("AR PL UMing CN") > chosen.index("WenQuanYi Micro Hei")


@pytest.fixture
def chinese(qapp):
    locale = QLocale()
    installed = install_chinese_translations(qapp)
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
    QLocale.setDefault(locale)


def english_only(texts) -> list[str]:
    return [t for t in texts if re.search(r"[A-Za-z]{2,}", t) and not re.search(r"[\u4e00-\u9fff]", t)]


def test_the_programs_own_words_stay_as_written(chinese):
    """The supplement answers "not here" for what it does not know, never an empty string."""
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "学员") == "学员"
    assert QCoreApplication.translate("DemoNote", "演示数据库：{x}") == "演示数据库：{x}"


def test_message_box_buttons_say_queding_and_quxiao(qtbot, chinese):
    box = QMessageBox(QMessageBox.Icon.Question, "匠心", "继续吗？")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])


def test_qt_file_dialog_labels_are_chinese(qtbot, chinese, tmp_path):
    dialog = QFileDialog(None, "另存为", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    buttons = [w.text() for w in dialog.findChildren(QAbstractButton) if w.text()]
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
    assert english_only(labels + buttons) == []


def test_qt_print_dialog_labels_are_chinese(qtbot, chinese):
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    buttons = [w.text() for w in dialog.findChildren(QAbstractButton) if w.text()]
    assert english_only(labels + buttons) == []
