"""Subsidy claims (补贴申请): whether an enrolment can be claimed, how much and why (the rules
are ``domain/subsidy.py``), the claim with its inputs frozen, its review, withdrawal and
correction, the city's decisions as the signed downlink brings them, and the printed forms.

Its place among the feature packages: above ``certificates``, ``training``, ``registry`` and
``catalog`` (whose records a claim rests on), below ``sync`` and ``demo`` (which may import it).
May import: ``domain``, ``store``, ``printing``, and the public names of ``certificates``,
``training``, ``registry``, ``catalog``, ``audit``, ``security``. Must not import: exchange,
station, sync, demo, Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jiangxin_desktop.services.lazy_exports import lazy_exports

# The names other packages may use, and the module that defines each (loaded on first use).
_EXPORTS = {
    "SubsidyService": "claims",
    "OPEN_STATUSES": "claims",
    "CheckRow": "records",
    "ClaimConflict": "records",
    "ClaimDetail": "records",
    "ClaimRecord": "records",
    "CreateResult": "records",
    "NotClaimable": "records",
    "PAYEE_LABELS": "records",
    "PayeeInput": "records",
    "STATUS_LABELS": "records",
    "display_status": "records",
    "DecisionSummary": "decisions",
    "apply_decisions": "decisions",
    "conflict_count": "decisions",
    "last_document": "decisions",
    "last_sequence": "decisions",
    "SubsidyDocuments": "documents",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from jiangxin_desktop.services.subsidies.claims import OPEN_STATUSES, SubsidyService
    from jiangxin_desktop.services.subsidies.decisions import (
        DecisionSummary,
        apply_decisions,
        conflict_count,
        last_document,
        last_sequence,
    )
    from jiangxin_desktop.services.subsidies.documents import SubsidyDocuments
    from jiangxin_desktop.services.subsidies.records import (
        PAYEE_LABELS,
        STATUS_LABELS,
        CheckRow,
        ClaimConflict,
        ClaimDetail,
        ClaimRecord,
        CreateResult,
        NotClaimable,
        PayeeInput,
        display_status,
    )

__getattr__ = lazy_exports(__name__, _EXPORTS, globals())
