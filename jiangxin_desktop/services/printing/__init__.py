"""Printed documents: TOML templates in ``forms/`` drawn into PDFs with embedded CJK fonts.

``load_template(path)`` reads and checks a template; ``render_document(template, contexts,
out, drawers=...)`` writes the PDF. The documents are filled by their features
(``training/documents.py``: 花名册, 签到表; ``certificates/documents.py``: 证书);
printing imports none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "DrawArea": "render",
    "Drawer": "render",
    "Progress": "render",
    "RenderResult": "render",
    "render_document": "render",
    "Template": "templates",
    "load_template": "templates",
    "shipped_template": "templates",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.printing.render import (
        DrawArea,
        Drawer,
        Progress,
        RenderResult,
        render_document,
    )
    from jiangxin_desktop.services.printing.templates import Template, load_template, shipped_template


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
