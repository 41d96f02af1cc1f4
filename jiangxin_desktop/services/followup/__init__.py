"""After the class: employment follow-ups (回访, 3 and 6 months after the class ends) and the
services to unemployed people ("1131": 政策宣讲, 职业指导, 岗位推荐 ×3, 培训机会).

Its place among the feature packages: below ``exchange``, ``certificates`` and ``station`` (the
bulk import of follow-ups lives in ``exchange``), above ``training`` (whose enrolments and
classes it follows). May import: ``domain``, ``store``, and the public names of ``training``,
``registry``, ``catalog``, ``audit``, ``security``, ``printing``. Must not import: exchange,
certificates, station, subsidies, sync, stats, demo, Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS: dict[str, str] = {
    "FollowupService": "followups",
    "LOOKBACK_DAYS": "followups",
    "end_dates_due": "followups",
    "UnemployedServices": "services_1131",
    "ANY_ROLE": "records",
    "CONTRACT": "records",
    "OUTCOME": "records",
    "SERVICE": "records",
    "WAGE": "records",
    "UNEMPLOYED_GROUP": "records",
    "DueRow": "records",
    "FollowupInput": "records",
    "FollowupRecord": "records",
    "OwedRow": "records",
    "ServiceInput": "records",
    "ServiceRecord": "records",
    "ServiceSummary": "records",
    "code_error": "records",
    "find_code": "records",
    "owed_of": "records",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.followup.followups import LOOKBACK_DAYS, FollowupService, end_dates_due
    from jiangxin_desktop.services.followup.records import (
        ANY_ROLE,
        CONTRACT,
        OUTCOME,
        SERVICE,
        UNEMPLOYED_GROUP,
        WAGE,
        DueRow,
        FollowupInput,
        FollowupRecord,
        OwedRow,
        ServiceInput,
        ServiceRecord,
        ServiceSummary,
        code_error,
        find_code,
        owed_of,
    )
    from jiangxin_desktop.services.followup.services_1131 import UnemployedServices

__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
