"""The embedded CJK font: without it Chinese renders as boxes on machines that lack one."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from jiangxin_desktop.paths import resources_dir

BODY_POINT_SIZE = 11  # between 五号 (10.5 pt) and 小四 (12 pt)


def load_embedded_fonts() -> list[str]:
    """Register every font shipped in resources/fonts; return their family names."""
    families: list[str] = []
    folder = resources_dir() / "fonts"
    if not folder.is_dir():
        return families
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".ttc", ".ttf", ".otf"):
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def apply_body_font(app: QApplication, families: list[str]) -> QFont:
    """Use the first proportional embedded family at body size (monospace variants skipped)."""
    font = QFont(app.font())
    preferred = [f for f in families if "mono" not in f.lower()] or families
    if preferred:
        font.setFamilies([preferred[0], *font.families()])
    font.setPointSize(BODY_POINT_SIZE)
    app.setFont(font)
    return font
