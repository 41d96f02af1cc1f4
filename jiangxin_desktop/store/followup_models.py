"""Models of what happens after the class (migration 0015): follow-ups and services to the unemployed.

``follow_up`` (travels, entity ``follow_up``): one employment follow-up of an enrolment at one
period (3 or 6 months after the class ended, from the catalog's ``plan.followup``): the outcome
(code list ``followup_outcome``), the employer and its USCC when known, the contract type and the
wage band, the day the person was reached (``contacted_on``) and who recorded it. A follow-up
not yet recorded has no row: the 待回访 list is computed from the enrolments of finished classes.

``service_event`` (travels, entity ``service_event``): one service to an unemployed person
("1131": 政策宣讲 ×1, 职业指导 ×1, 岗位推荐 ×3, 培训机会 ×1; code list ``unemployed_service``), with
its day and details (for a referral, the employer and the job).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jiangxin_desktop.store.models import Base, Travelling


class FollowUp(Travelling, Base):
    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("enrollment_uuid", "period_months"),
        Index("ix_follow_up_trainee", "trainee_uuid"),
        Index("ix_follow_up_contacted", "contacted_on"),
        Index("ix_follow_up_updated", "updated_at"),  # what the dashboard's summary has not taken in (0016)
    )
    enrollment_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("enrollment.uuid"))
    trainee_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("trainee.uuid"))
    class_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("training_class.uuid"))
    period_months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)  # the class's end date + period_months
    outcome: Mapped[str] = mapped_column(String(20))  # code list followup_outcome
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_uscc: Mapped[str | None] = mapped_column(String(18))
    contract_type: Mapped[str | None] = mapped_column(String(20))  # code list contract_type
    wage_band: Mapped[str | None] = mapped_column(String(20))  # code list wage_band
    contacted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))


class ServiceEvent(Travelling, Base):
    __tablename__ = "service_event"
    __table_args__ = (Index("ix_service_event_trainee", "trainee_uuid", "kind"),)
    trainee_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("trainee.uuid"))
    kind: Mapped[str] = mapped_column(String(20))  # code list unemployed_service
    on_date: Mapped[date] = mapped_column(Date)
    details: Mapped[str | None] = mapped_column(Text)
    employer_name: Mapped[str | None] = mapped_column(String(200))  # a referral's employer
    recorded_by: Mapped[str] = mapped_column(String(60))
