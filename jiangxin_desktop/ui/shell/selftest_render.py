"""Offscreen proof that Chinese renders with the embedded font, and that Qt's own Chinese strings
are there (used by --self-test; a frozen build that left them out fails it)."""

from __future__ import annotations

from PySide6.QtCore import QCollator, QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QGuiApplication, QImage, QPainter

from jiangxin_desktop.paths import resources_dir


def render_chinese(sample: str) -> str:
    app = QGuiApplication.instance() or QGuiApplication(["jiangxin-selftest"])
    font_file = resources_dir() / "fonts" / "wqy-microhei.ttc"
    font_id = QFontDatabase.addApplicationFont(str(font_file))
    if font_id < 0:
        raise RuntimeError(f"cannot load font {font_file}")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family, 16)
    metrics = QFontMetrics(font)
    missing = [ch for ch in sample if not ch.isspace() and not metrics.inFontUcs4(ord(ch))]
    # 𠇔 (Extension B) is outside this font: the check must see it, and nothing else.
    if missing != ["𠇔"]:
        raise RuntimeError(f"unexpected glyph coverage, missing: {missing}")
    image = QImage(600, 60, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(10, 40, sample.replace("𠇔", ""))
    painter.end()
    dark = sum(
        1 for x in range(0, 600, 2) for y in range(0, 60, 2) if image.pixelColor(x, y).lightness() < 128
    )
    if dark < 200:
        raise RuntimeError(f"text did not render ({dark} dark samples)")
    del app
    return f"界面：中文字体 {family}（{QGuiApplication.platformName()}）显示正常，{dark} 个深色采样点"


def qt_chinese_strings() -> str:
    """The program's translations as the window installs them: Qt's own qtbase_zh_CN says 取消
    for Cancel, and the program's own words stay as written (none is blanked)."""
    from jiangxin_desktop.ui.shell.qt_translations import install_chinese_translations

    app = QCoreApplication.instance() or QGuiApplication(["jiangxin-selftest"])
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    probe = QTranslator(app)
    if not probe.load("qtbase_zh_CN", folder):
        raise RuntimeError(f"qtbase_zh_CN.qm not found in {folder}")
    installed = install_chinese_translations(app)
    try:
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
        own = QCoreApplication.translate("MainWindow", "学员")
    finally:
        for translator in installed:
            app.removeTranslator(translator)
    if cancel != "取消" or own != "学员":
        raise RuntimeError(f"translations give Cancel → {cancel!r}, 学员 → {own!r}")
    return f"界面：Qt 中文字样（qtbase_zh_CN）已载入：{cancel}；程序文字正常：{own}"


def qt_chinese_collation() -> str:
    """Qt's Chinese sorting (ICU's pinyin collation, QCollator / localeAwareCompare): the frozen
    build carries a trimmed ICU data library, and this fails if it lost the zh collation (ICU
    would then fall back to code-point order: 周 张 李 阿)."""
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    names = sorted(["周", "张", "阿", "李"], key=collator.sortKey)
    if names != ["阿", "李", "张", "周"]:
        raise RuntimeError(f"Chinese collation is not pinyin order: {' '.join(names)}")
    return f"界面：中文排序按拼音（{' '.join(names)}）"
