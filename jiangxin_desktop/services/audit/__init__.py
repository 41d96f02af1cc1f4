"""The audit trail: its hash chain, the signed anchor kept outside the database, and the
events in the clerk's words.

May import: ``domain``, ``store``, ``services.security``. Must not import: any other feature package, or Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "ANCHOR_FILE": "anchor",
    "anchor_for_copy": "anchor",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.audit.anchor import ANCHOR_FILE, anchor_for_copy


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
