"""A certificate's QR code drawn on a reportlab canvas as vector paths (no raster image).

segno builds the symbol; each row's runs of dark modules become one rectangle of a single
filled path, so a code costs a few hundred path operators and prints sharp at any size.
"""

from __future__ import annotations

from typing import Any

import segno
from reportlab.lib.units import mm

QUIET_ZONE = 4  # modules of blank margin around the symbol (ISO/IEC 18004 minimum)
ERROR_LEVEL = "m"  # recovers ~15 % damage; segno raises it when that costs no larger version


def qr_symbol(payload: str) -> segno.QRCode:
    """The QR symbol for ``payload`` (alphanumeric mode for certificate payloads)."""
    return segno.make_qr(payload, error=ERROR_LEVEL)


def draw_qr(
    canvas: Any, payload: str, x_mm: float, y_mm: float, size_mm: float, *, quiet_zone: int = QUIET_ZONE
) -> segno.QRCode:
    """Draw ``payload`` as a QR code in the square whose lower-left corner is (x_mm, y_mm).

    ``size_mm`` includes the quiet zone (blank, ``quiet_zone`` modules wide): the template
    reserves the whole square and prints nothing else in it. Returns the symbol (its
    ``version`` and ``symbol_size()`` tell the module size: size_mm / (modules + 2·zone)).
    """
    symbol = qr_symbol(payload)
    matrix = symbol.matrix
    count = len(matrix)
    module = size_mm * mm / (count + 2 * quiet_zone)
    left = x_mm * mm + quiet_zone * module
    top = y_mm * mm + size_mm * mm - quiet_zone * module
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        y = top - (row_index + 1) * module
        col = 0
        while col < count:
            if not row[col]:
                col += 1
                continue
            start = col
            while col < count and row[col]:
                col += 1
            path.rect(left + start * module, y, (col - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return symbol
