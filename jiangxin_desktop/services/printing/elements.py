"""What a template draws, read and checked from its TOML tables. Lengths in mm, sizes in pt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jiangxin_desktop.services.printing.fields import Part
from jiangxin_desktop.services.printing.reader import Reader

PAGE_SIZES = {"A4": (210.0, 297.0), "A3": (297.0, 420.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0)}
PAGES = ("all", "first", "rest", "last")  # on which pages of a sheet an element appears
ALIGN = ("left", "center", "right")
RoleReader = Callable[[Reader, str, str], str]
TEXT_KEYS = (
    *("name", "text", "x", "y", "width", "size", "font", "align", "leading", "fit", "pages"),
    *("label", "color", "letter_spacing", "height"),
)


@dataclass(frozen=True)
class Page:
    size: str
    orientation: str
    width: float
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left

    @property
    def content_left(self) -> float:
        return self.margins[3]

    @property
    def content_right(self) -> float:
        return self.width - self.margins[1]

    @property
    def content_top(self) -> float:
        return self.margins[0]

    @property
    def content_bottom(self) -> float:
        return self.height - self.margins[2]


def _x(r: Reader, page: Page, key: str = "x", default: object = ...) -> float:
    if default is ...:
        return r.number(key, high=page.width)
    return r.number(key, default, high=page.width)


def _y(r: Reader, page: Page, key: str = "y", default: object = ...) -> float:
    if default is ...:
        return r.number(key, high=page.height)
    return r.number(key, default, high=page.height)


def _area(r: Reader, page: Page) -> tuple[float, float, float, float]:
    x, y = _x(r, page), _y(r, page)
    width, height = r.number("width", high=page.width), r.number("height", high=page.height)
    if x + width > page.width + 0.01:
        r.fail("width", f"太大：x + width = {x + width:g} mm，超出纸宽 {page.width:g} mm")
    if y + height > page.height + 0.01:
        r.fail("height", f"太大：y + height = {y + height:g} mm，超出纸高 {page.height:g} mm")
    return x, y, width, height


@dataclass(frozen=True)
class TextElement:
    where: str
    name: str
    parts: tuple[Part, ...]
    x: float
    y: float  # top of the first line
    width: float | None  # None: a single line anchored at x by ``align``
    size: float
    font: str  # role
    align: str
    leading: float  # line height as a multiple of the size
    fit: str  # wrap: more lines; shrink: a smaller size on one line
    pages: str
    label: str
    color: str | None
    letter_spacing: float  # pt of extra space after each character (a certificate's title)
    height: float | None = None  # mm: room for wrapped lines; more text prints smaller

    @classmethod
    def read(cls, r: Reader, page: Page, role: RoleReader) -> TextElement:
        r.allow(*TEXT_KEYS)
        parts = r.content("text")
        if "x" in r.data:
            x = _x(r, page)
            width = r.number("width", None, low=1, high=page.width)
        else:  # the width between the margins
            x = page.content_left
            width = r.number("width", page.content_right - page.content_left, low=1, high=page.width)
        if width is not None and x + width > page.width + 0.01:
            r.fail("width", f"太大：x + width = {x + width:g} mm，超出纸宽 {page.width:g} mm")
        return cls(
            where=r.where,
            name=r.text("name", ""),
            parts=parts,
            x=x,
            y=_y(r, page),
            width=width,
            size=r.number("size", 10.5, low=4, high=72),
            font=role(r, "font", "body"),
            align=r.choice("align", ALIGN, "left"),
            leading=r.number("leading", 1.35, low=0.8, high=4),
            fit=r.choice("fit", ("wrap", "shrink"), "wrap"),
            pages=r.choice("pages", PAGES, "all"),
            label=r.text("label", ""),
            color=r.color("color"),
            letter_spacing=r.number("letter_spacing", 0.0, low=0, high=72),
            height=r.number("height", None, low=1, high=page.height),
        )


@dataclass(frozen=True)
class LineElement:
    where: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float  # pt
    dash: bool
    color: str | None
    pages: str

    @classmethod
    def read(cls, r: Reader, page: Page) -> LineElement:
        r.allow("name", "x1", "y1", "x2", "y2", "width", "dash", "color", "pages")
        r.text("name", "")
        return cls(
            r.where,
            _x(r, page, "x1"),
            _y(r, page, "y1"),
            _x(r, page, "x2"),
            _y(r, page, "y2"),
            r.number("width", 0.75, low=0.1, high=10),
            r.boolean("dash", False),
            r.color("color"),
            r.choice("pages", PAGES, "all"),
        )


@dataclass(frozen=True)
class BoxElement:
    where: str
    x: float
    y: float
    width: float
    height: float
    line_width: float  # 0: no border
    dash: bool
    label: str
    label_size: float
    label_font: str
    label_align: str
    color: str | None
    pages: str
    kind: str = ""  # "seal" (盖章处) or "photo" (照片): no text may overlap it

    @classmethod
    def read(cls, r: Reader, page: Page, role: RoleReader) -> BoxElement:
        keys = ("name", "x", "y", "width", "height", "line_width", "dash", "label", "label_size")
        r.allow(*keys, "label_font", "label_align", "color", "pages", "kind")
        r.text("name", "")
        x, y, width, height = _area(r, page)
        return cls(
            r.where,
            x,
            y,
            width,
            height,
            r.number("line_width", 0.75, low=0, high=10),
            r.boolean("dash", False),
            r.text("label", ""),
            r.number("label_size", 9, low=4, high=72),
            role(r, "label_font", "body"),
            r.choice("label_align", ("top-left", "top", "center", "bottom", "bottom-right"), "top-left"),
            r.color("color"),
            r.choice("pages", PAGES, "all"),
            r.choice("kind", ("", "seal", "photo", "other"), ""),
        )


@dataclass(frozen=True)
class ImageElement:
    where: str
    file: Path | None  # None: optional and absent
    x: float
    y: float
    width: float
    height: float
    pages: str

    @classmethod
    def read(cls, r: Reader, page: Page, folder: Path) -> ImageElement:
        r.allow("name", "file", "x", "y", "width", "height", "optional", "pages")
        r.text("name", "")
        path = folder / r.text("file")
        optional = r.boolean("optional", False)
        if not path.is_file():
            if not optional:
                r.fail("file", f"指向的图片 {path} 不存在（可加 optional = true 表示没有图片时不印）")
            path = None  # type: ignore[assignment]
        elif path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            r.fail("file", "应是 PNG 或 JPEG 图片")
        x, y, width, height = _area(r, page)
        return cls(r.where, path, x, y, width, height, r.choice("pages", PAGES, "all"))


@dataclass(frozen=True)
class CustomElement:
    """An area the program draws into by a named function (a QR code, a photo)."""

    where: str
    name: str
    x: float
    y: float
    width: float
    height: float
    pages: str

    @classmethod
    def read(cls, r: Reader, page: Page) -> CustomElement:
        r.allow("name", "x", "y", "width", "height", "pages")
        name = r.text("name")
        x, y, width, height = _area(r, page)
        return cls(r.where, name, x, y, width, height, r.choice("pages", PAGES, "all"))


@dataclass(frozen=True)
class Column:
    where: str
    title: str
    parts: tuple[Part, ...]
    width: float
    align: str
    label: str  # what the value is called in messages; the title by default

    @classmethod
    def read(cls, r: Reader) -> Column:
        r.allow("title", "value", "width", "align", "label")
        title = r.text("title")
        return cls(
            r.where,
            title,
            r.content("value"),
            r.number("width", low=3, high=400),
            r.choice("align", ALIGN, "center"),
            r.text("label", title.replace("\n", "")),
        )


@dataclass(frozen=True)
class TableElement:
    where: str
    rows: str  # the context key holding the list of row dicts
    x: float
    y: float  # top on a sheet's first page
    y_continued: float  # top on the following pages
    bottom: float
    bottom_last: float  # on a sheet's last page (room for signatures below)
    font: str
    header_font: str
    size: float
    header_size: float
    header_height: float
    row_height: float
    padding: float
    line_width: float
    header_fill: str | None
    columns: tuple[Column, ...]
    total: tuple[Part, ...] = ()  # a full-width row after a sheet's last row (合计), fields allowed

    @property
    def width(self) -> float:
        return sum(c.width for c in self.columns)

    @classmethod
    def read(cls, r: Reader, page: Page, role: RoleReader) -> TableElement:
        keys = ("rows", "x", "y", "y_continued", "bottom", "bottom_last", "font", "header_font", "size")
        r.allow(
            *keys,
            "header_size",
            "header_height",
            "row_height",
            "padding",
            "line_width",
            "header_fill",
            "columns",
            "total",
        )
        rows = r.text("rows")
        columns = tuple(Column.read(c) for c in r.table_items("columns")) if "columns" in r.data else ()
        if not columns:
            r.fail("columns", "必须给出，写作一组 [[table.columns]]")
        x = _x(r, page, "x", page.content_left)
        y = _y(r, page)
        bottom = _y(r, page, "bottom", page.content_bottom)
        size = r.number("size", 9, low=4, high=36)
        t = cls(
            r.where,
            rows,
            x,
            y,
            _y(r, page, "y_continued", page.content_top),
            bottom,
            _y(r, page, "bottom_last", bottom),
            role(r, "font", "body"),
            role(r, "header_font", "body"),
            size,
            r.number("header_size", size, low=4, high=36),
            r.number("header_height", 8, low=3, high=100),
            r.number("row_height", 7, low=3, high=100),
            r.number("padding", 1.2, low=0, high=10),
            r.number("line_width", 0.6, low=0, high=5),
            r.color("header_fill"),
            columns,
            r.content("total") if "total" in r.data else (),
        )
        if x + t.width > page.width - page.margins[1] + 0.01:
            r.fail(
                "columns",
                f"的列宽合计 {t.width:g} mm，从 x = {x:g} mm 起超出了右边距"
                f"（最多到 {page.content_right:g} mm）",
            )
        for key, top in (("y", t.y), ("y_continued", t.y_continued)):
            if top + t.header_height + t.row_height > min(t.bottom, t.bottom_last):
                r.fail(key, "离表格下边界（bottom / bottom_last）太近，放不下表头和一行")
        return t
