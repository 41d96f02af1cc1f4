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


# The interface is set in a sans (黑体) face: Microsoft YaHei where Windows has it, else the
# embedded WenQuanYi Micro Hei. The Ming (宋体-like) face is for printed certificates only.
SANS_FAMILIES = ("Microsoft YaHei", "Microsoft YaHei UI", "WenQuanYi Micro Hei")


def body_families(embedded: list[str], installed: list[str]) -> list[str]:
    """Families for the interface, best first: a system YaHei, the embedded sans, then the
    rest of the embedded proportional faces (never a serif Ming face before a sans one)."""
    chosen = [f for f in SANS_FAMILIES if f in installed or f in embedded]
    proportional = [f for f in embedded if "mono" not in f.lower() and f not in chosen]
    serif = [f for f in proportional if "uming" in f.lower() or "ming" in f.lower().split()]
    return chosen + [f for f in proportional if f not in serif] + serif


def apply_body_font(app: QApplication, families: list[str]) -> QFont:
    """The sans face at body size; Qt's own default family stays last as a fallback."""
    font = QFont(app.font())
    preferred = body_families(families, QFontDatabase.families())
    if preferred:
        font.setFamilies([*preferred, *font.families()])
    font.setPointSize(BODY_POINT_SIZE)
    app.setFont(font)
    return font
