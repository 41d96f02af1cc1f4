"""Areas no text may cross: seal boxes (盖章处), photo boxes (照片) and the QR code.

A template is refused when one of its text boxes (or its table) overlaps such an area, naming
both, so that a county's edited template can never print a name through the seal or over the
photo. A text box is where its words can go:

- horizontally ``x`` to ``x + width``; a text anchored at ``x`` without ``width`` covers its
  fixed words when it has no fields, and otherwise everything its alignment can reach
  (give it a ``width`` to place it beside a seal);
- vertically from ``y`` down by ``height`` when given (the text shrinks to stay inside), else
  one line of its size and leading.
"""

from __future__ import annotations

from dataclasses import dataclass

from jiangxin_desktop.services.printing import fonts
from jiangxin_desktop.services.printing.elements import (
    BoxElement,
    CustomElement,
    Page,
    TableElement,
    TextElement,
)
from jiangxin_desktop.services.printing.fields import fields, literal_text

PT = 25.4 / 72  # mm per point
SEAL_WORDS = ("盖章", "印章", "公章")
PHOTO_NAMES = ("photo", "qr")


@dataclass(frozen=True)
class Rect:
    what: str  # "[[text]] 第 3 项（证书编号）"
    left: float
    top: float
    right: float
    bottom: float
    pages: str

    def overlaps(self, other: Rect) -> bool:
        return (
            self.left < other.right - 0.01
            and other.left < self.right - 0.01
            and self.top < other.bottom - 0.01
            and other.top < self.bottom - 0.01
            and _same_page(self.pages, other.pages)
        )


def _same_page(a: str, b: str) -> bool:
    return not ({a, b} == {"first", "rest"})


def is_seal(box: BoxElement) -> bool:
    return box.kind == "seal" or (box.kind == "" and any(w in box.label for w in SEAL_WORDS))


def keep_out_areas(boxes: tuple[BoxElement, ...], customs: tuple[CustomElement, ...]) -> list[Rect]:
    areas = []
    for b in boxes:
        if is_seal(b) or b.kind == "photo":
            name = b.label or ("照片" if b.kind == "photo" else "盖章处")
            areas.append(Rect(f"{b.where}（{name}）", b.x, b.y, b.x + b.width, b.y + b.height, b.pages))
    for c in customs:
        if c.name in PHOTO_NAMES:
            name = "照片" if c.name == "photo" else "二维码"
            areas.append(Rect(f"{c.where}（{name}）", c.x, c.y, c.x + c.width, c.y + c.height, c.pages))
    return areas


def text_rect(e: TextElement, page: Page, font_key: str) -> Rect:
    if e.width is not None:
        left, right = e.x, e.x + e.width
    elif not fields(e.parts):
        words = literal_text(e.parts)
        wide = max((fonts.string_width(font_key, line, e.size) for line in words.split("\n")), default=0)
        wide = (wide + e.letter_spacing * max(0, len(words) - 1)) * PT
        left = {"left": e.x, "center": e.x - wide / 2, "right": e.x - wide}[e.align]
        right = left + wide
    else:  # fields of unknown length: as far as the alignment can reach
        reach = min(e.x - page.content_left, page.content_right - e.x)
        left, right = {
            "left": (e.x, page.content_right),
            "center": (e.x - reach, e.x + reach),
            "right": (page.content_left, e.x),
        }[e.align]
    lines = literal_text(e.parts).count("\n") + 1 if e.width is None else 1
    bottom = e.y + (e.height if e.height is not None else lines * e.size * e.leading * PT)
    name = f"（{e.label}）" if e.label else ""
    return Rect(f"{e.where}{name}", left, e.y, right, bottom, e.pages)


def table_rects(t: TableElement) -> list[Rect]:
    top = min(t.y, t.y_continued)
    return [
        Rect(f"{t.where}（表格）", t.x, top, t.x + t.width, t.bottom, "rest"),
        Rect(f"{t.where}（表格）", t.x, t.y, t.x + t.width, t.bottom, "first"),
        Rect(f"{t.where}（表格的最后一页）", t.x, top, t.x + t.width, t.bottom_last, "last"),
    ]


def overlap_problem(template) -> str | None:
    """The first text box that overlaps a seal, photo or QR area, said in Chinese; or None."""
    areas = keep_out_areas(template.boxes, template.customs)
    if not areas:
        return None
    texts = [text_rect(e, template.page, template.font_key(e.font)) for e in template.texts]
    if template.table is not None:
        texts += table_rects(template.table)
    for area in areas:
        for text in texts:
            if text.overlaps(area) and not _last_only_clear(text, area):
                return (
                    f"{text.what} 与 {area.what} 重叠：文字不能压在盖章处、照片或二维码上。"
                    f"请移动其中一项（改 x、y、width 或 height）"
                )
    return None


def _last_only_clear(text: Rect, area: Rect) -> bool:
    # the table's full-height rectangle on its middle pages does not meet a last-page seal
    return area.pages == "last" and text.pages in ("rest", "first") and "表格" in text.what
