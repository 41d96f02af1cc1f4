"""The QR code drawn as vector paths: printed to PDF, rasterised at 300 dpi (pypdfium2), read back
by a scanner library (zxing-cpp)."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jiangxin_desktop.services.certificates.payload import CertificateClaims, sign_payload, verify_payload
from jiangxin_desktop.services.certificates.qr import MASK, draw_qr
from jiangxin_desktop.services.security.signing import StationSigner, key_id_for
from tests.pdf_tools import qr_codes


def payload_and_key() -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    signer = StationSigner(key_id_for(key.public_key().public_bytes_raw()), key)
    claims = CertificateClaims(
        *("320706001", 7, date(2026, 12, 20), 1, "1", "5"),
        *("4-10-01-05", "养老护理员", "李*", "320706********0021"),
    )
    return sign_payload(signer, claims), signer.public_key_pem()


def scan(pdf) -> list[str]:
    return qr_codes(pdf, dpi=300)


@pytest.mark.parametrize("size_mm, mask", [(20, MASK), (25, None)])  # None: segno picks the mask
def test_a_qr_code_drawn_on_a_pdf_reads_back_and_verifies(tmp_path, size_mm, mask):
    payload, pem = payload_and_key()
    pdf = tmp_path / "certificate.pdf"
    canvas = Canvas(str(pdf), pagesize=(60 * mm, 60 * mm))
    symbol = draw_qr(canvas, payload, 20, 20, size_mm, mask=mask)
    canvas.showPage()
    canvas.save()
    assert symbol.mode == "alphanumeric" and symbol.version <= 9
    assert b"/Subtype /Image" not in pdf.read_bytes()  # vector paths, not a raster image
    (decoded,) = scan(pdf)
    assert decoded == payload
    result = verify_payload(decoded, [pem])
    assert result.valid and result.claims is not None and result.claims.masked_name == "李*"


def test_the_code_sits_inside_its_square(tmp_path):
    """Whatever is printed around the square does not touch the code (the quiet zone is inside)."""
    payload, _ = payload_and_key()
    pdf = tmp_path / "boxed.pdf"
    canvas = Canvas(str(pdf), pagesize=(40 * mm, 40 * mm))
    canvas.rect(10 * mm, 10 * mm, 20 * mm, 20 * mm, stroke=1, fill=0)  # a frame at the square's edge
    draw_qr(canvas, payload, 10, 10, 20)
    canvas.showPage()
    canvas.save()
    assert scan(pdf) == [payload]
