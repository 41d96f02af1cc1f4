"""Spreadsheets in and out: the roster import pipeline (read → check → map values → plan →
write), its limits, questions and report, the class exports, the template, and formula-injection safety.

May import: ``domain``, ``store``, and the public names of ``registry``, ``training``, ``catalog``,
``security``, ``audit``. Must not import: certificates, station, demo, Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "put_text_cell": "spreadsheet_safety",
    "safe_cell_text": "spreadsheet_safety",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.exchange.spreadsheet_safety import put_text_cell, safe_cell_text

__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
