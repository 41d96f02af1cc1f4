"""Printed documents: TOML templates in ``forms/`` drawn into PDFs with embedded CJK fonts.

``load_template(path)`` reads and checks a template; ``render_document(template, contexts,
out, drawers=...)`` writes the PDF. The documents are filled by their features
(``training/documents.py``: 花名册, 签到表; ``certificates/documents.py``: 证书);
printing imports none of them.
"""

from jiangxin_desktop.services.printing.render import DrawArea, Drawer, RenderResult, render_document
from jiangxin_desktop.services.printing.templates import Template, load_template, shipped_template

__all__ = [
    "DrawArea",
    "Drawer",
    "RenderResult",
    "Template",
    "load_template",
    "render_document",
    "shipped_template",
]
