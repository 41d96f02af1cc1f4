"""A certificate's QR code drawn on a reportlab canvas as vector paths (no raster image).

segno builds the symbol; each row's runs of dark modules become one rectangle of a single
filled path, written in module units under one scale transformation (integers only, so no
float formatting per rectangle), and the code prints sharp at any size.

The mask is fixed (``MASK``) rather than chosen by trying all eight: that search is most
of segno's time (about 13 of 16 ms a code). A certificate payload is Base32 of signed
bytes, close to random, so the masks hardly differ: on 120 payloads the fixed mask's
ISO/IEC 18004 penalty score was on average 4 % (at most 27 %) above the best mask's.
Pass ``mask=None`` for segno's own choice.

With a fixed mask the matrix comes from ``qr_matrix`` (the same symbol segno makes, prepared
per version and computed with whole-integer operations: ~0.4 ms instead of ~4.5 ms a code).
"""

from __future__ import annotations

import re
from typing import Any

import segno
from reportlab.lib.units import mm

from jiangxin_desktop.services.qr_matrix import QrMatrix, qr_matrix

QUIET_ZONE = 4  # modules of blank margin around the symbol (ISO/IEC 18004 minimum)
ERROR_LEVEL = "m"  # recovers ~15 % damage; segno raises it when that costs no larger version
MASK = 4
_DARK_RUN = re.compile(rb"\x01+")


def qr_symbol(payload: str, *, mask: int | None = MASK) -> segno.QRCode:
    """The QR symbol for ``payload`` (alphanumeric mode for certificate payloads)."""
    return segno.make_qr(payload, error=ERROR_LEVEL, mask=mask)


def draw_qr(
    canvas: Any,
    payload: str,
    x_mm: float,
    y_mm: float,
    size_mm: float,
    *,
    quiet_zone: int = QUIET_ZONE,
    mask: int | None = MASK,
) -> QrMatrix:
    """Draw ``payload`` as a QR code in the square whose lower-left corner is (x_mm, y_mm).

    ``size_mm`` includes the quiet zone (blank, ``quiet_zone`` modules wide): the template
    reserves the whole square and prints nothing else in it. Returns the symbol (its
    ``version`` and ``symbol_size()`` tell the module size: size_mm / (modules + 2·zone)).
    """
    symbol = qr_matrix(payload, error=ERROR_LEVEL, mask=mask)
    matrix = symbol.matrix
    count = len(matrix)
    module = size_mm * mm / (count + 2 * quiet_zone)
    ops = [
        f"{run.start()} {count - 1 - row_index} {run.end() - run.start()} 1 re"  # y axis points up
        for row_index, row in enumerate(matrix)
        for run in _DARK_RUN.finditer(row)
    ]
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(x_mm * mm + quiet_zone * module, y_mm * mm + quiet_zone * module)
    canvas.scale(module, module)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
    return symbol
