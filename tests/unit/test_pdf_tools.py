"""The PDF readers of the printing tests tell the good from the bad: an embedded subset font from a
standard one, text from its absence, an image from none, a QR code from a blank page."""

from __future__ import annotations

import segno
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jiangxin_desktop.services.printing.fonts import load_font
from tests.pdf_tools import pdf_fonts, pdf_image_count, pdf_pages, pdf_pngs, qr_codes


def test_an_embedded_subset_font_and_a_standard_one_are_told_apart(tmp_path):
    pdf = tmp_path / "fonts.pdf"
    canvas = Canvas(str(pdf), pagesize=(80 * mm, 40 * mm))
    canvas.setFont(load_font("uming"), 12)
    canvas.drawString(10, 60, "李玥 𠇔")
    canvas.setFont("Helvetica", 12)
    canvas.drawString(10, 30, "plain")
    canvas.showPage()
    canvas.setFont("Helvetica", 12)  # the same font on page 2 is listed once
    canvas.drawString(10, 30, "again")
    canvas.showPage()
    canvas.save()
    fonts = {f["name"].split("+")[-1]: f for f in pdf_fonts(pdf)}
    assert len(pdf_fonts(pdf)) == len(fonts) == 2
    helvetica = fonts.pop("Helvetica")
    assert (helvetica["emb"], helvetica["sub"], helvetica["uni"]) == ("no", "no", "no")
    ((name, embedded),) = fonts.items()
    assert name.startswith("UMing")
    assert (embedded["emb"], embedded["sub"], embedded["uni"]) == ("yes", "yes", "yes")
    pages = pdf_pages(pdf)
    assert len(pages) == 2 and "李玥 𠇔" in pages[0] and "plain" in pages[0] and "again" in pages[1]


def test_images_pages_and_qr_codes_are_counted_not_assumed(tmp_path):
    Image.new("RGB", (30, 30), (200, 30, 30)).save(tmp_path / "logo.png")
    segno.make("JX1:TEST-123", error="m").save(tmp_path / "qr.png", scale=10)
    pdf = tmp_path / "mixed.pdf"
    canvas = Canvas(str(pdf), pagesize=(80 * mm, 80 * mm))
    canvas.drawImage(str(tmp_path / "qr.png"), 10 * mm, 10 * mm, 40 * mm, 40 * mm)
    canvas.showPage()
    canvas.drawImage(str(tmp_path / "logo.png"), 10 * mm, 10 * mm, 10 * mm, 10 * mm)
    canvas.showPage()
    canvas.showPage()  # blank
    canvas.save()
    assert pdf_image_count(pdf) == 2
    assert qr_codes(pdf, page=1) == ["JX1:TEST-123"]
    assert qr_codes(pdf, page=2) == [] and qr_codes(pdf, page=3) == []
    assert qr_codes(pdf) == ["JX1:TEST-123"]
    pngs = pdf_pngs(pdf, tmp_path / "png", dpi=30)
    assert [p.name for p in pngs] == ["page-1.png", "page-2.png", "page-3.png"]
    with Image.open(pngs[0]) as image:
        assert all(abs(side - 80 / 25.4 * 30) <= 1 for side in image.size)  # 30 dpi
