"""Drawing a template into a PDF with reportlab's canvas.

``render_document(template, contexts, out)`` makes one *sheet* per context: a single page, or
as many pages as the template's table needs (header repeated, ``{page}``/``{pages}`` counted
per sheet). Certificates pass one context per trainee; a roster passes one context whose
``rows`` fill the table. ``drawers`` draw ``[[custom]]`` areas (a QR code, a photo).

Nothing is written unless everything can be printed: fields and glyphs are checked first,
the PDF goes to a temporary file beside ``out`` and replaces it only when complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor, black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jiangxin_desktop.errors import KnownError, describe_error
from jiangxin_desktop.services.printing import fonts
from jiangxin_desktop.services.printing.elements import (
    BoxElement,
    ImageElement,
    LineElement,
    TableElement,
    TextElement,
)
from jiangxin_desktop.services.printing.fields import Part, fields, literal_text
from jiangxin_desktop.services.printing.glyphs import check_printable, field_value
from jiangxin_desktop.services.printing.layout import (
    LEADING,
    Row,
    TablePage,
    body_rows,
    fitting_size,
    header_row,
    paginate,
    total_row,
    wrap,
)
from jiangxin_desktop.services.printing.templates import Template

# Page streams compressed but not also ASCII85-encoded: the pure-Python encoder was a third of
# the time of 1,000 certificates, and a binary PDF is 20 % smaller. reportlab reads this global
# while it writes; it is set once for the whole program (no other PDF here wants ASCII85), so
# renders in a worker thread and in the window cannot switch it under each other.
rl_config.useA85 = 0


@dataclass(frozen=True)
class DrawArea:
    """A ``[[custom]]`` area in reportlab's units: points, origin at the page's bottom-left."""

    left: float
    bottom: float
    width: float
    height: float


Drawer = Callable[[Canvas, DrawArea, Mapping[str, Any]], None]
Progress = Callable[[int, int], None]  # (pages done, pages in all); may raise to cancel


@dataclass(frozen=True)
class RenderResult:
    file: Path
    pages: int
    rows: int  # table rows printed, over all sheets
    sheets: int


@dataclass(frozen=True)
class _Sheet:
    context: Mapping[str, Any]
    table_pages: list[TablePage]  # empty when the template has no table
    rows: int

    @property
    def page_count(self) -> int:
        return max(1, len(self.table_pages))


def render_document(
    template: Template,
    contexts: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    drawers: Mapping[str, Drawer] | None = None,
    title: str = "",
    progress: Progress | None = None,
) -> RenderResult:
    """Write ``out`` (PDF); raises KnownError with nothing written if anything cannot print."""
    drawers = dict(drawers or {})
    for custom in template.customs:
        if custom.name not in drawers:
            known = "、".join(drawers) or "无"
            raise KnownError(
                f"打印模板 {template.path} 中 {custom.where} 的 name = “{custom.name}”："
                f"这份文书没有这种由程序绘制的内容（可用：{known}）。请改正模板。"
            )
    check_printable(template, contexts)
    sheets = [_layout(template, c) for c in contexts]
    total = sum(s.page_count for s in sheets)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=".part")
        os.close(fd)
    except OSError as exc:
        raise KnownError(
            f"无法在 {out.parent} 中写入文件：{describe_error(exc)}。请换一个位置保存。"
        ) from exc
    tmp = Path(tmp_name)
    try:
        page = template.page
        canvas = Canvas(
            str(tmp),
            pagesize=(page.width * mm, page.height * mm),
            pageCompression=1,
            initialFontName=fonts.load_font(template.font_key("body")),  # no unembedded Helvetica
        )
        canvas.setTitle(title or template.name)
        canvas.setCreator("jiangxin-desktop")
        shared = _shared_forms(canvas, template)
        done = 0
        for sheet in sheets:
            for index in range(sheet.page_count):
                _draw_page(canvas, template, sheet, index, drawers, shared)
                canvas.showPage()
                done += 1
                if progress is not None:
                    progress(done, total)
        canvas.save()
        os.replace(tmp, out)
    except PermissionError as exc:
        raise KnownError(f"无法写入 {out}：文件可能正在 PDF 阅读器或 WPS 中打开，请关闭后重试。") from exc
    except OSError as exc:
        raise KnownError(f"无法写入 {out}：{describe_error(exc)}。请换一个位置保存。") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return RenderResult(out, total, sum(s.rows for s in sheets), len(sheets))


def _layout(template: Template, context: Mapping[str, Any]) -> _Sheet:
    table = template.table
    if table is None:
        return _Sheet(context, [], 0)
    rows = context[table.rows]
    header = header_row(table, template.font_key(table.header_font))
    body = body_rows(table, template.font_key(table.font), rows, context)
    if table.total:
        where = f"{table.where} 的 total"
        text = _fill(template, where, table.total, ({"page": 1, "pages": 1}, context))
        body.append(total_row(table, template.font_key(table.font), text))
    return _Sheet(context, paginate(table, header, body), len(rows))


def _shown(which: str, index: int, count: int) -> bool:
    return (
        which == "all"
        or (which == "first" and index == 0)
        or (which == "rest" and index > 0)
        or (which == "last" and index == count - 1)
    )


@dataclass(frozen=True)
class _Shared:
    """Elements on every page with nothing to fill in (borders, seal boxes, fixed words) are
    drawn once into two PDF form XObjects that every page references: a thousand
    certificates do not format the same border a thousand times, and the file is smaller."""

    back: frozenset[int]  # id() of the images, boxes and lines in the background form
    front: frozenset[int]  # id() of the texts in the foreground form


BACKGROUND, FOREGROUND = "JXSharedBackground", "JXSharedForeground"


def _shared_forms(canvas: Canvas, t: Template) -> _Shared:
    height = t.page.height * mm
    elements: tuple[ImageElement | BoxElement | LineElement, ...] = (*t.images, *t.boxes, *t.lines)
    back = [e for e in elements if e.pages == "all" and not (isinstance(e, ImageElement) and e.file is None)]
    front = [e for e in t.texts if e.pages == "all" and not fields(e.parts)]
    if back:
        canvas.beginForm(BACKGROUND)
        for e in back:
            if isinstance(e, ImageElement):
                _draw_image(canvas, e, height)
            elif isinstance(e, BoxElement):
                _draw_box(canvas, t, e, height)
            elif isinstance(e, LineElement):
                _draw_line(canvas, e, height)
        canvas.endForm()
    if front:
        canvas.beginForm(FOREGROUND)
        for text in front:
            _draw_text(canvas, t, text, literal_text(text.parts), height)
        canvas.endForm()
    return _Shared(frozenset(map(id, back)), frozenset(map(id, front)))


def _draw_page(
    canvas: Canvas, t: Template, sheet: _Sheet, index: int, drawers: Mapping[str, Drawer], shared: _Shared
) -> None:
    count = sheet.page_count
    scopes = ({"page": index + 1, "pages": count}, sheet.context)
    height = t.page.height * mm
    if shared.back:
        canvas.doForm(BACKGROUND)
    for image in t.images:
        if id(image) not in shared.back and image.file is not None and _shown(image.pages, index, count):
            _draw_image(canvas, image, height)
    for box in t.boxes:
        if id(box) not in shared.back and _shown(box.pages, index, count):
            _draw_box(canvas, t, box, height)
    for line in t.lines:
        if id(line) not in shared.back and _shown(line.pages, index, count):
            _draw_line(canvas, line, height)
    if t.table is not None:
        _draw_table(canvas, t, t.table, sheet.table_pages[index], height)
    for custom in t.customs:
        if _shown(custom.pages, index, count):
            area = DrawArea(
                custom.x * mm, height - (custom.y + custom.height) * mm, custom.width * mm, custom.height * mm
            )
            canvas.saveState()
            drawers[custom.name](canvas, area, sheet.context)
            canvas.restoreState()
    if shared.front:
        canvas.doForm(FOREGROUND)
    for text in t.texts:
        if id(text) not in shared.front and _shown(text.pages, index, count):
            _draw_text(canvas, t, text, _fill(t, text.where, text.parts, scopes), height)


def _draw_image(canvas: Canvas, image: ImageElement, height: float) -> None:
    canvas.drawImage(
        str(image.file),
        image.x * mm,
        height - (image.y + image.height) * mm,
        image.width * mm,
        image.height * mm,
        preserveAspectRatio=True,
        anchor="c",
        mask="auto",
    )


def _draw_line(canvas: Canvas, line: LineElement, height: float) -> None:
    _stroke(canvas, line.width, line.dash, line.color)
    canvas.line(line.x1 * mm, height - line.y1 * mm, line.x2 * mm, height - line.y2 * mm)


@lru_cache(maxsize=64)
def _color(hex_color: str) -> Color:
    return HexColor(hex_color)


def _fill(t: Template, where: str, parts: tuple[Part, ...], scopes) -> str:
    values = {f.path: field_value(t, where, f.path, scopes) for f in fields(parts)}
    return "".join(p if isinstance(p, str) else values[p.path] for p in parts)


def _stroke(canvas: Canvas, width: float, dash: bool, color: str | None) -> None:
    canvas.setLineWidth(width)
    if dash:
        canvas.setDash(3, 2)
    else:
        canvas.setDash()
    canvas.setStrokeColor(_color(color) if color else black)


def _lines_at(
    canvas: Canvas,
    key: str,
    size: float,
    lines: list[str],
    left: float,
    right: float,
    top: float,
    align: str,
    leading: float,
    spacing: float = 0.0,
) -> None:
    """Draw ``lines`` from ``top`` (points) between ``left`` and ``right``."""
    canvas.setFont(fonts.load_font(key), size)
    baseline = top - size * (leading - 1) / 2 - fonts.ascent(key) * size
    for line in lines:
        if not line:  # an empty line takes its place but draws nothing
            pass
        elif align == "center":
            canvas.drawCentredString((left + right) / 2, baseline, line, charSpace=spacing)
        elif align == "right":
            canvas.drawRightString(right, baseline, line, charSpace=spacing)
        else:
            canvas.drawString(left, baseline, line, charSpace=spacing)
        baseline -= size * leading


def _draw_text(canvas: Canvas, t: Template, e: TextElement, text: str, height: float) -> None:
    if not text:
        return  # an empty field (a certificate's 补发 mark when it is not reissued)
    key = t.font_key(e.font)
    size, spacing = e.size, e.letter_spacing
    if e.width is None:  # anchored at x: left edge, centre or right edge
        left = right = e.x * mm
        lines = text.split("\n")
    else:
        left, right = e.x * mm, (e.x + e.width) * mm
        if e.fit == "shrink":
            lines = text.split("\n")
            widest = max(fonts.string_width(key, line, size) + spacing * (len(line) - 1) for line in lines)
            if widest > right - left:
                size, spacing = size * (right - left) / widest, spacing * (right - left) / widest
        else:
            size = fitting_size(text, key, size, right - left, spacing)
            lines = wrap(text, key, size, right - left, spacing)
            if e.height is not None:  # more text than room: smaller, by half points
                while len(lines) * size * e.leading > e.height * mm and size > 4:
                    size, spacing = size - 0.5, spacing * (size - 0.5) / size
                    lines = wrap(text, key, size, right - left, spacing)
    canvas.setFillColor(_color(e.color) if e.color else black)
    _lines_at(canvas, key, size, lines, left, right, height - e.y * mm, e.align, e.leading, spacing)
    canvas.setFillColor(black)


def _draw_box(canvas: Canvas, t: Template, box: BoxElement, height: float) -> None:
    left, top = box.x * mm, height - box.y * mm
    width, box_height = box.width * mm, box.height * mm
    if box.line_width > 0:
        _stroke(canvas, box.line_width, box.dash, box.color)
        canvas.rect(left, top - box_height, width, box_height, stroke=1, fill=0)
    if not box.label:
        return
    key = t.font_key(box.label_font)
    inset = 1.5 * mm
    lines = wrap(box.label, key, box.label_size, width - 2 * inset)
    block = len(lines) * box.label_size * LEADING
    align = {"top-left": "left", "bottom-right": "right"}.get(box.label_align, "center")
    if box.label_align in ("top-left", "top"):
        text_top = top - inset
    elif box.label_align == "center":
        text_top = top - (box_height - block) / 2
    else:
        text_top = top - box_height + inset + block
    _lines_at(
        canvas, key, box.label_size, lines, left + inset, left + width - inset, text_top, align, LEADING
    )


def _draw_table(canvas: Canvas, t: Template, table: TableElement, page: TablePage, height: float) -> None:
    top = height - page.top * mm
    if page.header:
        header = header_row(table, t.font_key(table.header_font))
        _draw_row(
            canvas,
            table,
            header,
            t.font_key(table.header_font),
            table.header_size,
            top,
            fill=table.header_fill,
        )
        top -= header.height
    for row in page.rows:
        _draw_row(canvas, table, row, t.font_key(table.font), table.size, top)
        top -= row.height


def _draw_row(
    canvas: Canvas, table: TableElement, row: Row, key: str, size: float, top: float, fill: str | None = None
) -> None:
    left = table.x * mm
    pad = table.padding * mm
    widths = [table.width * mm] if row.span else [c.width * mm for c in table.columns]
    for width, cell in zip(widths, row.cells, strict=True):
        if fill:
            canvas.setFillColor(_color(fill))
            canvas.rect(left, top - row.height, width, row.height, stroke=0, fill=1)
            canvas.setFillColor(black)
        if table.line_width > 0:
            _stroke(canvas, table.line_width, False, None)
            canvas.rect(left, top - row.height, width, row.height, stroke=1, fill=0)
        block = len(cell.lines) * cell.size * LEADING
        text_top = top - (row.height - block) / 2
        _lines_at(
            canvas, key, cell.size, cell.lines, left + pad, left + width - pad, text_top, cell.align, LEADING
        )
        left += width
