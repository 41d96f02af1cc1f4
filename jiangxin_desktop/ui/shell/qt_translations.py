"""Qt's own strings (standard buttons, file and print dialogs, context menus: 撤销, 复制, 粘贴)
in Simplified Chinese."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

from jiangxin_desktop.paths import resources_dir

# Labels that Qt's own qtbase_zh_CN leaves in English (Qt 6.11): the file dialog's folder and
# type boxes, the print dialog's page set, the page-setup options. Keyed by the source text.
MISSING_IN_QTBASE = {
    "&Look in:": "查找范围(&L)：",
    "Files of &type:": "文件类型(&T)：",
    "Page &Set:": "页面集(&S)：",
    "Page &order:": "页面顺序(&O)：",
    "Pages &per sheet:": "每张页数(&P)：",
}


class _Supplement(QTranslator):
    """Asked last: only for what no catalogue translated."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None is a null string: "not here", the next catalogue or the source text is used.
        # An empty string would replace every untranslated word with nothing.
        return MISSING_IN_QTBASE.get(source)

    def isEmpty(self) -> bool:
        return False


def install_chinese_translations(app: QApplication) -> list[QObject]:
    """Load qtbase_zh_CN and the program's own catalogue when present; keep them alive."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    supplement = _Supplement(app)
    app.installTranslator(supplement)  # installed first, so consulted after the catalogues
    installed: list[QObject] = [supplement]
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
