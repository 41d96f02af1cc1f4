"""Qt's own strings (standard buttons, context menus: 撤销, 复制, 粘贴) in Simplified Chinese."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from jiangxin_desktop.paths import resources_dir


def install_chinese_translations(app: QApplication) -> list[QTranslator]:
    """Load qtbase_zh_CN and the program's own catalogue when present; keep them alive."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed: list[QTranslator] = []
    candidates = [
        ("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("jiangxin_zh_CN", str(resources_dir() / "translations")),
    ]
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
