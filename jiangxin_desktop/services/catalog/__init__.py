"""The catalogs the station works from: code lists (人员类别, 民族 …) and the training catalog
(projects, occupations, institutions, rules and amounts).

May import: ``domain``, ``store``, ``services.security``, ``services.audit``. Must not import: any
other feature package, or Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "install_codes": "codes",
    "read_shipped_codes": "codes",
    "issuer_for": "issuer",
    "planned_issuer_problem": "issuer",
    "CatalogService": "training",
    "TrainingCatalog": "training",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.catalog.codes import install_codes, read_shipped_codes
    from jiangxin_desktop.services.catalog.issuer import issuer_for, planned_issuer_problem
    from jiangxin_desktop.services.catalog.training import CatalogService, TrainingCatalog


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
