"""Print templates: TOML files in ``forms/`` that a county can edit without changing code.

A template gives the page (size, orientation, margins), the fonts by role, and what to draw:
``[[text]]``, ``[[line]]``, ``[[box]]`` (signature and seal boxes), ``[[image]]``,
``[[custom]]`` (drawn by the program, e.g. a QR code) and at most one ``[table]`` that
continues over as many pages as it needs. Positions are millimetres from the page's top-left
corner; font sizes and line widths are points. ``forms/README.md`` describes every key.

Loading checks everything it can (unknown keys, types, positions off the page, fonts, the
template's own text against its font) and names the file and the key in Chinese.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.printing import fonts
from jiangxin_desktop.services.printing.elements import (
    PAGE_SIZES,
    BoxElement,
    Column,
    CustomElement,
    ImageElement,
    LineElement,
    Page,
    TableElement,
    TextElement,
)
from jiangxin_desktop.services.printing.fields import literal_text
from jiangxin_desktop.services.printing.keep_out import overlap_problem
from jiangxin_desktop.services.printing.reader import Reader, TemplateError


@dataclass(frozen=True)
class Template:
    path: Path
    name: str
    page: Page
    fonts: dict[str, str]  # role → font key
    texts: tuple[TextElement, ...]
    lines: tuple[LineElement, ...]
    boxes: tuple[BoxElement, ...]
    images: tuple[ImageElement, ...]
    customs: tuple[CustomElement, ...]
    table: TableElement | None

    def font_key(self, role: str) -> str:
        return self.fonts[role]


def forms_dir() -> Path:
    return resources_dir().parent / "forms"


def shipped_template(name: str) -> Path:
    """The template shipped as ``forms/<name>.toml``."""
    return forms_dir() / f"{name}.toml"


def load_template(path: Path) -> Template:
    """Read and check a template; a problem raises KnownError naming the file and the key."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise KnownError(f"找不到打印模板 {path}。请从安装包中恢复该文件。") from exc
    except OSError as exc:
        raise KnownError(f"无法读取打印模板 {path}：{describe_error(exc)}。") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise KnownError(f"打印模板 {path} 不是 UTF-8 编码的文本。请用记事本“另存为 UTF-8”后再试。") from exc
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f"第 {where.group(1)} 行第 {where.group(2)} 列附近" if where else ""
        raise KnownError(
            f"打印模板 {path} 的格式有误：{at}不符合 TOML 写法（常见原因：文字没有用英文双引号括起来，"
            f"或缺少“=”）。请改正后再试。",
            detail=str(exc),
        ) from exc
    try:
        return _build(path, data)
    except TemplateError as exc:
        raise KnownError(f"打印模板 {path} 有误：{exc}。请改正该文件，或从安装包中恢复原文件。") from exc


def _build(path: Path, data: dict) -> Template:
    top = Reader(data, "")
    top.allow("template", "page", "fonts", "text", "line", "box", "image", "custom", "table")
    meta = top.section("template", required=False)
    meta.allow("name", "description")
    name = meta.text("name", default=path.stem)
    meta.text("description", default="")
    page = _page(top.section("page"))
    font_section = top.section("fonts")
    roles: dict[str, str] = {}
    for role_name in font_section.names():
        key = font_section.text(role_name)
        if key not in fonts.SHIPPED_FONTS:
            font_section.fail(role_name, f"不是程序带的字体，可用：{'、'.join(fonts.SHIPPED_FONTS)}")
        roles[role_name] = key
    if "body" not in roles:
        font_section.fail("body", "必须给出（正文字体）")

    def role(r: Reader, key: str, default: str = "body") -> str:
        value = r.text(key, default=default)
        if value not in roles:
            r.fail(key, f"用了字体角色“{value}”，但 [fonts] 中没有它（已有：{'、'.join(roles)}）")
        return value

    texts = tuple(TextElement.read(r, page, role) for r in top.items("text"))
    lines = tuple(LineElement.read(r, page) for r in top.items("line"))
    boxes = tuple(BoxElement.read(r, page, role) for r in top.items("box"))
    images = tuple(ImageElement.read(r, page, path.parent) for r in top.items("image"))
    customs = tuple(CustomElement.read(r, page) for r in top.items("custom"))
    table_section = top.section("table", required=False)
    table = TableElement.read(table_section, page, role) if table_section.present else None
    template = Template(path, name, page, roles, texts, lines, boxes, images, customs, table)
    _check_own_text(template, top)
    problem = overlap_problem(template)
    if problem:
        raise TemplateError(problem)
    return template


def _page(r: Reader) -> Page:
    r.allow("size", "orientation", "margins")
    size = r.choice("size", tuple(PAGE_SIZES), default="A4")
    orientation = r.choice("orientation", ("portrait", "landscape"), default="portrait")
    width, height = PAGE_SIZES[size]
    if orientation == "landscape":
        width, height = height, width
    m = r.section("margins", required=False)
    m.allow("top", "right", "bottom", "left")
    margins = tuple(m.number(k, default=15.0, low=0, high=80) for k in ("top", "right", "bottom", "left"))
    if margins[1] + margins[3] >= width or margins[0] + margins[2] >= height:
        r.fail("margins", "页边距之和超过了纸张大小")
    return Page(size, orientation, width, height, margins)  # type: ignore[arg-type]


def _check_own_text(t: Template, top: Reader) -> None:
    """The template's fixed words must be printable in the fonts it names."""
    checks: list[tuple[str, str, str]] = []  # (where, text, role)
    checks += [(e.where, literal_text(e.parts), e.font) for e in t.texts]
    checks += [(b.where, b.label, b.label_font) for b in t.boxes if b.label]
    if t.table is not None:
        tb = t.table
        for c in tb.columns:
            checks += [(c.where, c.title, tb.header_font), (c.where, literal_text(c.parts), tb.font)]
    for where, text, role in checks:
        key = t.fonts[role]
        missing = fonts.missing_characters(key, text)
        if missing:
            chars = "、".join(f"“{ch}”" for ch in missing)
            top.fail_at(where, f"的文字中的{chars}在字体“{fonts.font_spec(key).label}”中没有字形")


__all__ = ["Column", "Template", "load_template", "shipped_template", "forms_dir"]
