"""The CJK TrueType fonts that printed documents embed, and what each one can draw.

Only fonts shipped in ``resources/fonts/`` (with their licence files) are offered, so a PDF
made on one PC looks the same on any other: reportlab embeds a subset of each. A character a
font has no glyph for would print as an empty box, so :func:`missing_characters` lets the
renderer refuse such a document before anything is written.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.paths import resources_dir


@dataclass(frozen=True)
class FontSpec:
    key: str  # the name templates use
    file: str  # in resources/fonts/
    subfont: int  # face index inside a .ttc
    label: str  # shown to the user
    licence: str

    @property
    def pdf_name(self) -> str:
        return f"JX-{self.key}"


SHIPPED_FONTS: dict[str, FontSpec] = {
    spec.key: spec
    for spec in (
        FontSpec("wqy-microhei", "wqy-microhei.ttc", 0, "文泉驿微米黑", "LICENSE-wqy-microhei.txt"),
        FontSpec("uming", "uming.ttc", 0, "文鼎明体（AR PL UMing CN）", "LICENSE-arphic-uming.txt"),
    )
}

# Layout characters that are never drawn as glyphs.
_NOT_DRAWN = frozenset("\n\r\t")

_lock = threading.Lock()
_loaded: dict[str, TTFont] = {}


_WIDE_ENTRY = re.compile(r"<([0-9A-F]{2})> <([0-9A-F]{5,6})>")


def _utf16_to_unicode(original: Callable[[str, list[int]], str]) -> Callable[[str, list[int]], str]:
    """reportlab 5.1 writes a character beyond U+FFFF (𠇔, U+201D4) into the ToUnicode map as
    ``<201D4>``, which readers take as U+201D "”": the glyph prints, but copying or searching
    the PDF finds the wrong text. The map must hold UTF-16BE (a surrogate pair)."""

    def fixed(fontname: str, subset: list[int]) -> str:
        def pair(m: re.Match[str]) -> str:
            return f"<{m[1]}> <{chr(int(m[2], 16)).encode('utf-16-be').hex().upper()}>"

        return _WIDE_ENTRY.sub(pair, original(fontname, subset))

    fixed.jiangxin_utf16 = True  # type: ignore[attr-defined]
    return fixed


def _fix_to_unicode() -> None:
    if not getattr(ttfonts.makeToUnicodeCMap, "jiangxin_utf16", False):
        ttfonts.makeToUnicodeCMap = _utf16_to_unicode(ttfonts.makeToUnicodeCMap)


def font_spec(key: str) -> FontSpec:
    spec = SHIPPED_FONTS.get(key)
    if spec is None:
        raise KnownError(f"没有名为“{key}”的字体。可用的字体：{'、'.join(SHIPPED_FONTS)}。")
    return spec


def font_path(spec: FontSpec) -> Path:
    return resources_dir() / "fonts" / spec.file


def load_font(key: str) -> str:
    """Register the font with reportlab once per process; returns its reportlab name."""
    spec = font_spec(key)
    if key in _loaded:  # called for every string drawn or measured: no lock once loaded
        return spec.pdf_name
    with _lock:
        _fix_to_unicode()
        if key not in _loaded:
            path = font_path(spec)
            if not path.is_file():
                raise KnownError(
                    f"找不到字体文件 {path}（{spec.label}）。程序安装不完整，请重新安装后再打印。"
                )
            try:
                font = TTFont(spec.pdf_name, str(path), subfontIndex=spec.subfont)
            except (TTFError, OSError) as exc:
                raise KnownError(
                    f"字体文件 {path}（{spec.label}）无法读取：{describe_error(exc, '文件已损坏')}。请重新安装程序。"
                ) from exc
            pdfmetrics.registerFont(font)
            _loaded[key] = font
        return spec.pdf_name


def _cmap(key: str) -> dict[int, int]:
    load_font(key)
    return _loaded[key].face.charToGlyph


def missing_characters(key: str, text: str) -> list[str]:
    """Each distinct character of ``text`` the font cannot draw, in order of appearance."""
    cmap = _cmap(key)
    missing: list[str] = []
    for ch in text:
        if ch in _NOT_DRAWN or ch in missing:
            continue
        if not cmap.get(ord(ch)):  # absent, or mapped to glyph 0 (.notdef, the empty box)
            missing.append(ch)
    return missing


def ascent(key: str) -> float:
    """The font's ascent as a fraction of the em (where the baseline sits below a line's top)."""
    load_font(key)
    return float(_loaded[key].face.ascent) / 1000.0


def string_width(key: str, text: str, size: float) -> float:
    return _unit_width(key, text) * size


@lru_cache(maxsize=16384)
def _unit_width(key: str, text: str) -> float:
    """Width at 1 pt. Line breaking measures the same characters and words again and again
    (a thousand certificates share most of their text), so widths are kept by string."""
    return pdfmetrics.stringWidth(text, load_font(key), 1.0)
