"""The station's figures against the city plan: person-times by target group and programme
area, certificates by kind, the employment rate after training, subsidies claimed, approved and
paid — counted once, by the definition in ``domain/plan.py`` — the people behind each figure,
and the monthly report (Excel, PDF).

Its place among the feature packages: at the top, beside ``sync`` and ``demo`` (nothing below
imports it). May import: ``domain``, ``store``, and the public names of every package below.
Must not import: sync, demo, Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS: dict[str, str] = {
    "StatsService": "service",
    "Count": "figures",
    "FIGURES": "figures",
    "Money": "figures",
    "PersonRow": "figures",
    "SUBSIDY_STAGES": "figures",
    "Summary": "figures",
    "TargetRow": "figures",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.stats.figures import (
        FIGURES,
        SUBSIDY_STAGES,
        Count,
        Money,
        PersonRow,
        Summary,
        TargetRow,
    )
    from jiangxin_desktop.services.stats.service import StatsService

__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
