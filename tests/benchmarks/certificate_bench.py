"""Certificate QR benchmark: 1,000 unique signed QR codes drawn into one PDF.

    PYTHONPATH=. .venv/bin/python tests/benchmarks/certificate_bench.py [--count 1000] [--runs 5] [--check]
    PYTHONPATH=. .venv/bin/python tests/benchmarks/certificate_bench.py --template [--runs 5] [--check]

``--template`` measures the real thing instead: 1,000 certificates (CertificatePage objects
built in memory with unique signed payloads, no database) printed through forms/certificate.toml
by render_document with the ``qr`` drawer of certificates/documents.py (certificate_qr.draw_qr),
beside the same template with a drawer using reportlab's QrCodeWidget, and without QR codes.

Each page is simple (number, name, QR code 22 mm). Prints medians over several runs of:
signing the payloads; building the QR symbols alone (segno); the PDF with text only (the
baseline); the same PDF with certificate_qr.draw_qr; and with reportlab's own
QrCodeWidget drawing the same payloads (slow: one run unless --widget-runs says more).
Target: the full certificate PDF (template engine included) in ≤ 3 s for 1,000
certificates, so the QR part should stay well below that.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from jiangxin_desktop.domain.masking import mask_id, mask_name
from jiangxin_desktop.paths import resources_dir
from jiangxin_desktop.services.certificates.pages import CertificatePage
from jiangxin_desktop.services.certificates.payload import CertificateClaims, sign_payload
from jiangxin_desktop.services.certificates.qr import MASK, draw_qr, qr_symbol
from jiangxin_desktop.services.printing import DrawArea, load_template, render_document, shipped_template
from jiangxin_desktop.services.certificates.documents import (
    DRAWERS,
    QR_PAYLOAD,
    certificate_contexts,
)
from jiangxin_desktop.services.certificates.qr_matrix import qr_matrix
from jiangxin_desktop.services.security.signing import StationSigner, key_id_for

FONT = "WenQuanYi"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国玉兰志红玥"
OCCUPATIONS = [("4-10-01-05", "养老护理员"), ("4-01-02-07", "互联网营销师"), ("6-31-01-03", "电工")]
QR_MM = 22


def people(count: int, rng: random.Random) -> list[tuple[str, CertificateClaims]]:
    out = []
    for serial in range(1, count + 1):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        id_number = f"320706{1960 + rng.randrange(45)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        id_number += f"{rng.randrange(1000):03d}" + rng.choice("0123456789X")
        code, occupation = rng.choice(OCCUPATIONS)
        claims = CertificateClaims(
            "320706001", serial, date(2026, 12, 20), 0, "1", "5", code, occupation,
            mask_name(name), mask_id(id_number),
        )  # fmt: skip
        out.append((name, claims))
    return out


def build_pdf(pages: list[tuple[str, str, str]], qr: Callable[[Canvas, str], None] | None) -> bytes:
    """pages: (number, name, payload). ``qr`` draws the code, or None for text only."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5)
    for number, name, payload in pages:
        canvas.setFont(FONT, 14)
        canvas.drawString(20 * mm, 180 * mm, f"证书编号：{number}")
        canvas.drawString(20 * mm, 170 * mm, f"姓名：{name}")
        if qr is not None:
            qr(canvas, payload)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def ours(canvas: Canvas, payload: str) -> None:
    draw_qr(canvas, payload, 110, 20, QR_MM)


def reportlab_widget(canvas: Canvas, payload: str) -> None:
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = QR_MM * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, 110 * mm, 20 * mm)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def check(pdf: bytes, payload: str) -> str:
    """Render page 1 at 300 dpi (pypdfium2) and read its QR code back (zxing-cpp)."""
    from tests.pdf_tools import qr_codes

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.pdf"
        path.write_bytes(pdf)
        decoded = qr_codes(path, page=1, dpi=300)
    return "ok" if decoded == [payload] else f"FAILED: read {decoded!r:.60}"


PREFIX = b"https://example.invalid/jx/verify?c="  # the shipped catalog's example address


def certificate_pages(
    data: list[tuple[str, CertificateClaims]], payloads: list[str]
) -> list[CertificatePage]:
    rng = random.Random(7)
    return [
        CertificatePage(
            number=c.number,
            certificate_type="职业技能等级证书",
            name=name,
            sex=rng.choice("男女"),
            masked_id=c.masked_id,
            project_name="康养服务技能培训",
            occupation_code=c.occupation_code,
            occupation_name=c.occupation_name,
            level="五级/初级工",
            class_code="320706001-2026-001",
            class_name="养老护理员（初级）2026年第1期",
            start_date=date(2026, 9, 8),
            end_date=date(2026, 9, 21),
            class_hours=40,
            institution_name="海州区示例职业技能培训中心",
            station_code="320706001",
            station_name="海州区新南街道人社服务站",
            issue_date=c.issue_date,
            reissued=i % 50 == 0,
            reissue_count=int(i % 50 == 0),
            reissued_on=date(2027, 1, 6) if i % 50 == 0 else None,
            qr_payload=payload,
            qr_prefix=PREFIX,
        )  # fmt: skip
        for i, ((name, c), payload) in enumerate(zip(data, payloads, strict=True))
    ]


def widget_area(canvas: Canvas, area: DrawArea, context) -> None:
    """The ``qr`` drawer with reportlab's QrCodeWidget instead of certificate_qr.draw_qr."""
    widget = QrCodeWidget(context[QR_PAYLOAD], barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = min(area.width, area.height)
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, area.left, area.bottom)


def template_main(args, data: list[tuple[str, CertificateClaims]], payloads: list[str]) -> int:
    template = load_template(shipped_template("certificate"))
    contexts = certificate_contexts(certificate_pages(data, payloads))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "证书.pdf"

        def render(drawer) -> int:
            render_document(template, contexts, out, drawers={**DRAWERS, "qr": drawer})
            return out.stat().st_size

        render(DRAWERS["qr"])  # warm up: fonts loaded, subset tables built once per process
        plain_s, plain_size = timed(lambda: render(lambda *_: None), args.runs)
        ours_s, ours_size = timed(lambda: render(DRAWERS["qr"]), args.runs)
        if args.check:
            render(DRAWERS["qr"])
            checked = check(out.read_bytes(), PREFIX.decode() + payloads[0])
        rl_s, rl_size = timed(lambda: render(widget_area), args.widget_runs) if args.widget_runs else (0, 0)
    assert isinstance(ours_size, int) and isinstance(rl_size, int) and isinstance(plain_size, int)
    print(
        f"{args.count} certificates through forms/certificate.toml + render_document (A4 landscape, QR 30 mm)"
    )
    print(f"medians of {args.runs} runs ({args.widget_runs} for QrCodeWidget)")
    print(f"template, no QR code:             {plain_s:6.3f} s  ({plain_size / 1e6:.1f} MB)")
    print(f"template + draw_qr (the program):  {ours_s:6.3f} s  ({ours_size / 1e6:.1f} MB)  target ≤ 3 s")
    if rl_s:
        print(f"template + QrCodeWidget:           {rl_s:6.3f} s  ({rl_size / 1e6:.1f} MB)")
        print(f"ratio draw_qr / QrCodeWidget: {ours_s / rl_s:.2f} (QrCodeWidget {rl_s / ours_s:.1f}× slower)")
    if args.check:
        print(f"page 1 read back at 300 dpi: {checked}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--widget-runs", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="read page 1's code back (pypdfium2, zxing-cpp)")
    parser.add_argument("--template", action="store_true", help="whole certificates: template + engine")
    args = parser.parse_args()

    pdfmetrics.registerFont(TTFont(FONT, str(resources_dir() / "fonts" / "wqy-microhei.ttc"), subfontIndex=0))
    key = Ed25519PrivateKey.generate()
    signer = StationSigner(key_id_for(key.public_key().public_bytes_raw()), key)
    data = people(args.count, random.Random(2026))

    sign_s, payloads = timed(lambda: [sign_payload(signer, c) for _, c in data], args.runs)
    assert isinstance(payloads, list) and len(set(payloads)) == args.count
    if args.template:
        return template_main(args, data, payloads)
    pages = [(c.number, name, p) for (name, c), p in zip(data, payloads, strict=True)]
    symbols_s, _ = timed(lambda: [qr_symbol(p) for p in payloads], args.runs)
    matrices_s, _ = timed(lambda: [qr_matrix(p, error="m", mask=MASK) for p in payloads], args.runs)
    text_s, _ = timed(lambda: build_pdf(pages, None), args.runs)
    ours_s, ours_pdf = timed(lambda: build_pdf(pages, ours), args.runs)
    assert isinstance(ours_pdf, bytes)

    lengths = [len(p) for p in payloads]
    versions = sorted({qr_symbol(p).version for p in payloads[:200]})
    print(f"{args.count} certificates, medians of {args.runs} runs (QR {QR_MM} mm, error correction M)")
    print(f"payload: {min(lengths)}–{max(lengths)} characters, QR versions {versions} (first 200)")
    print(f"sign payloads:                 {sign_s:6.3f} s")
    print(f"QR symbols alone (segno):      {symbols_s:6.3f} s")
    print(f"same symbols with qr_matrix:   {matrices_s:6.3f} s  (what draw_qr uses)")
    print(f"PDF, text only:                {text_s:6.3f} s")
    print(f"PDF + draw_qr (vector paths):  {ours_s:6.3f} s  ({len(ours_pdf) / 1e6:.1f} MB)")
    ours_qr = ours_s - text_s
    if args.widget_runs > 0:  # --widget-runs 0 skips the slow QrCodeWidget PDF
        rl_s, rl_pdf = timed(lambda: build_pdf(pages, reportlab_widget), args.widget_runs)
        assert isinstance(rl_pdf, bytes)
        print(f"PDF + reportlab QrCodeWidget:  {rl_s:6.3f} s  ({len(rl_pdf) / 1e6:.1f} MB)")
        rl_qr = rl_s - text_s
        print(f"QR drawing alone: draw_qr {ours_qr:.3f} s, QrCodeWidget {rl_qr:.3f} s")
        print(f"ratio draw_qr / QrCodeWidget: whole PDF {ours_s / rl_s:.2f}, QR part {ours_qr / rl_qr:.2f}")
    print(f"signed QR part in all (sign + draw): {sign_s + ours_qr:.3f} s")
    if args.check:
        print(f"page 1 read back at 300 dpi: {check(ours_pdf, payloads[0])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
