"""Read real PDFs back in the printing tests with nothing but Python packages: pypdf (text, fonts,
images), pypdfium2 (render pages) and zxing-cpp (read QR codes off a rendered page). No test needs
poppler-utils or zbar-tools."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _font_objects(resources, seen: set) -> Iterator[DictionaryObject]:
    """Every font dictionary a page's resources reach (form XObjects included), each once."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    fonts = _resolve(resources.get("/Font")) or {}
    for ref in fonts.values():
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        if key not in seen:
            seen.add(key)
            yield _resolve(ref)
    xobjects = _resolve(resources.get("/XObject")) or {}
    for ref in xobjects.values():
        key = ("x", ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        xobject = _resolve(ref)
        if key not in seen and xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            seen.add(key)
            yield from _font_objects(xobject["/Resources"], seen)


def _embedded(font: DictionaryObject) -> bool:
    """The font program itself is in the file (a non-empty FontFile, FontFile2 or FontFile3)."""
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is None:  # a composite font keeps its descriptor in its descendant
        descendants = _resolve(font.get("/DescendantFonts")) or []
        descriptor = _resolve(_resolve(descendants[0]).get("/FontDescriptor")) if descendants else None
    if descriptor is None:
        return False
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        stream = _resolve(descriptor.get(key))
        if stream is not None and len(stream.get_data()) > 0:
            return True
    return False


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """The fonts of all pages with the columns of poppler's font list: name, type, emb, sub, uni ("yes"/"no").

    name is the BaseFont (with its subset tag, ABCDEF+Name); emb: a font program is embedded;
    sub: the name carries a subset tag; uni: a ToUnicode map lets copy and search find the text.
    """
    reader = PdfReader(str(pdf))
    seen: set = set()
    rows = []
    for page in reader.pages:
        for font in _font_objects(page.get("/Resources"), seen):
            name = str(font.get("/BaseFont", "[none]")).lstrip("/")
            rows.append(
                {
                    "name": name,
                    "type": str(font.get("/Subtype", "")).lstrip("/"),
                    "emb": "yes" if _embedded(font) else "no",
                    "sub": "yes" if SUBSET_TAG.match(name) else "no",
                    "uni": "yes" if "/ToUnicode" in font else "no",
                }
            )
    return rows


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as copy and search find it through the fonts' ToUnicode maps.

    In the order the page draws it (pypdf's layout mode loses runs of a second font).
    """
    return [page.extract_text() for page in PdfReader(str(pdf)).pages]


def render_page(pdf: Path, page: int = 1, dpi: int = 60, grey: bool = False):
    """Page ``page`` (1-based) rendered at ``dpi`` as a PIL image."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        bitmap = document[page - 1].render(scale=dpi / 72, grayscale=grey)
        return bitmap.to_pil().copy()
    finally:
        document.close()


def pdf_pngs(pdf: Path, folder: Path, dpi: int = 60) -> list[Path]:
    """Every page rendered to folder/page-N.png, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        count = len(document)
    finally:
        document.close()
    width = len(str(count))
    pngs = []
    for n in range(1, count + 1):
        png = folder / f"page-{n:0{width}d}.png"
        render_page(pdf, n, dpi).save(png)
        pngs.append(png)
    return pngs


def qr_codes(pdf: Path, page: int | None = None, dpi: int = 200) -> list[str]:
    """The QR codes a scanner reads off the rendered page (all pages when ``page`` is None)."""
    import zxingcpp

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        count = len(document)
    finally:
        document.close()
    found = []
    for n in [page] if page is not None else range(1, count + 1):
        image = render_page(pdf, n, dpi, grey=True)
        codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
        found += [code.text for code in codes]
    return found


def pdf_image_count(pdf: Path) -> int:
    """How many images the pages draw (as pdfimages -list counts them)."""
    return sum(len(page.images) for page in PdfReader(str(pdf)).pages)
