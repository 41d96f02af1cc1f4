"""After the class: employment follow-ups (回访, 3 and 6 months after the class ends) and the
services to unemployed people ("1131": 政策宣讲, 职业指导, 岗位推荐 ×3, 培训机会).

Its place among the feature packages: below ``exchange``, ``certificates`` and ``station`` (the
bulk import of follow-ups lives in ``exchange``), above ``training`` (whose enrolments and
classes it follows). May import: ``domain``, ``store``, and the public names of ``training``,
``registry``, ``catalog``, ``audit``, ``security``, ``printing``. Must not import: exchange,
certificates, station, subsidies, sync, stats, demo, Qt.
"""

from __future__ import annotations

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS: dict[str, str] = {}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
