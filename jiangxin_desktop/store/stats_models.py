"""The local summary the 统计 page reads (migration 0016): one row per enrolment of a finished class.

``enrollment_outcome`` never travels (no outbox entry, no audit event: it is derived, rebuilt
from travelling rows at any time). It holds the *facts* of an enrolment once its class has
reached 结业 — status, subsidised, target group, the class's project, occupation and end date,
the class hours counted from the recorded times and the hours of the timetable — so the
dashboard of a station with 400,000 enrolments reads one covering index instead of millions of
attendance rows. Whether a row is a person-time is decided by the reader, by the catalog's
``plan.counting`` (services/stats/counting.py): a changed threshold needs no rebuild.

Written by services/training/outcomes.py when a class finishes (in the same transaction) and
when an enrolment of a finished class changes (withdrawn, target group corrected); the
follow-up columns by services/stats, which takes in the follow-ups recorded since it last
looked (``follow_up.updated_at`` past the mark kept in ``meta``) before it counts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jiangxin_desktop.store.models import Base


class EnrollmentOutcome(Base):
    __tablename__ = "enrollment_outcome"
    __table_args__ = (
        # The dashboard's person-times: a range of end dates, every column it groups by and
        # the counting reads, so SQLite answers from the index alone (COVERING).
        Index(
            "ix_enrollment_outcome_end",
            "class_end", "enrolled", "subsidised", "target_group", "project_code", "occupation_code",
            "attended_hours", "planned_hours", "followup_outcome",
        ),
        Index("ix_enrollment_outcome_class", "class_uuid"),
    )
    enrollment_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    class_uuid: Mapped[str] = mapped_column(String(36))
    trainee_uuid: Mapped[str] = mapped_column(String(36))
    class_end: Mapped[date] = mapped_column(Date)
    enrolled: Mapped[bool] = mapped_column(Boolean)  # False: withdrawn
    subsidised: Mapped[bool] = mapped_column(Boolean)
    target_group: Mapped[str] = mapped_column(String(40))  # code list target_group (its code)
    project_code: Mapped[str] = mapped_column(String(20))
    occupation_code: Mapped[str] = mapped_column(String(12))
    attended_hours: Mapped[int] = mapped_column(Integer)  # counted from the recorded times
    planned_hours: Mapped[int] = mapped_column(Integer)  # the whole timetable
    # The follow-up at the last period recorded (store/outcome_summary.apply_followups)
    followup_period: Mapped[int | None] = mapped_column(Integer)
    followup_outcome: Mapped[str | None] = mapped_column(String(20))  # code list followup_outcome


class StatsTally(Base):
    """Counts of the dashboard per day and per month (services/stats/tally.py), so a period of
    three years reads a few thousand rows: ``kind`` ``pt`` (person-times, under the counting of
    ``meta`` stats.counting), ``cert`` (valid certificates) or ``claim`` (subsidy claims); ``grain`` ``d`` (``day``) or ``m``
    (the month starting on ``day``); ``dim`` what is counted by — ``g`` target group code, ``p``
    project, ``o`` occupation, ``f`` target group and follow-up outcome (``11|employed``), ``k``
    certificate type and level (``1|5``); for ``claim``: ``c`` 已申请, ``a`` 已核准, ``p`` 已发放, with
    ``value`` ``count`` or ``fen`` (the amount)."""

    __tablename__ = "stats_tally"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dim: Mapped[str] = mapped_column(String(1), primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatsDirty(Base):
    """Days whose tallies are out of date (a class finished, an enrolment or a follow-up changed)."""

    __tablename__ = "stats_dirty"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class StatsClaimDays(Base):
    """The day (and amount) each subsidy claim is tallied under as 已申请, 已核准, 已发放 (NULL: not
    counted there), so that a claim that changes moves its old contribution out of the tallies."""

    __tablename__ = "stats_claim_days"
    claim_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    claimed_day: Mapped[date | None] = mapped_column(Date)
    claimed_fen: Mapped[int] = mapped_column(Integer, default=0)
    approved_day: Mapped[date | None] = mapped_column(Date)
    approved_fen: Mapped[int] = mapped_column(Integer, default=0)
    paid_day: Mapped[date | None] = mapped_column(Date)
    paid_fen: Mapped[int] = mapped_column(Integer, default=0)
