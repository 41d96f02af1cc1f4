"""Whether a subsidy claim has frozen what an enrolment's records say.

Once a reviewer approved a claim (and while the city approves or pays it), the attendance,
the scores and the certificate it rests on may not change: the services that write them ask
:func:`frozen_claim` first and refuse with :func:`frozen_message`. To change them the claim
must be withdrawn (before the city decided) or returned by the city.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiangxin_desktop.store.subsidy_models import FROZEN_STATUSES, SubsidyClaim


def frozen_claim(session: Session, enrollment_uuid: str) -> str | None:
    """The number of a claim whose inputs are frozen for ``enrollment_uuid``, or None."""
    return session.execute(
        select(SubsidyClaim.number)
        .where(SubsidyClaim.enrollment_uuid == enrollment_uuid, SubsidyClaim.status.in_(FROZEN_STATUSES))
        .limit(1)
    ).scalar_one_or_none()


def frozen_message(number: str, what: str) -> str:
    """The refusal, in Chinese: ``what`` is the change refused (修改出勤, 修改考核成绩, 注销证书)."""
    return (
        f"补贴申请 {number} 已审核，所依据的出勤、考核和证书已锁定，不能{what}。"
        "如确需更改，请先在“补贴”中撤回该申请（市里已核准或发放的不能撤回）。"
    )
