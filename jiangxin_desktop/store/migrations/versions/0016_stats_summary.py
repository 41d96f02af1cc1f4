"""The dashboard's local summary: ``enrollment_outcome`` (one row per enrolment of a finished
class, never travels) and the indexes its other figures read (certificates by issue date,
claims by review, decision and payment, follow-ups by change). store/migrate.py fills it for
the classes that finished before this revision (store/outcome_summary.rebuild), in the
migration's transaction.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrollment_outcome",
        sa.Column("enrollment_uuid", sa.String(length=36), primary_key=True),
        sa.Column("class_uuid", sa.String(length=36), nullable=False),
        sa.Column("trainee_uuid", sa.String(length=36), nullable=False),
        sa.Column("class_end", sa.Date(), nullable=False),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.Column("subsidised", sa.Boolean(), nullable=False),
        sa.Column("target_group", sa.String(length=40), nullable=False),
        sa.Column("project_code", sa.String(length=20), nullable=False),
        sa.Column("occupation_code", sa.String(length=12), nullable=False),
        sa.Column("attended_hours", sa.Integer(), nullable=False),
        sa.Column("planned_hours", sa.Integer(), nullable=False),
        sa.Column("followup_period", sa.Integer(), nullable=True),
        sa.Column("followup_outcome", sa.String(length=20), nullable=True),
    )
    op.create_index(
        "ix_enrollment_outcome_end",
        "enrollment_outcome",
        ["class_end", "enrolled", "subsidised", "target_group", "project_code", "occupation_code",
         "attended_hours", "planned_hours", "followup_outcome"],
    )
    op.create_index("ix_enrollment_outcome_class", "enrollment_outcome", ["class_uuid"])
    op.create_table(
        "stats_tally",
        sa.Column("kind", sa.String(length=8), primary_key=True),
        sa.Column("grain", sa.String(length=1), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("dim", sa.String(length=1), primary_key=True),
        sa.Column("value", sa.Text(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "stats_dirty",
        sa.Column("kind", sa.String(length=8), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
    )
    op.create_table(
        "stats_claim_days",
        sa.Column("claim_uuid", sa.String(length=36), primary_key=True),
        sa.Column("claimed_day", sa.Date(), nullable=True),
        sa.Column("claimed_fen", sa.Integer(), nullable=False),
        sa.Column("approved_day", sa.Date(), nullable=True),
        sa.Column("approved_fen", sa.Integer(), nullable=False),
        sa.Column("paid_day", sa.Date(), nullable=True),
        sa.Column("paid_fen", sa.Integer(), nullable=False),
    )
    op.create_index("ix_certificate_updated", "certificate", ["updated_at"])
    op.create_index("ix_subsidy_claim_updated", "subsidy_claim", ["updated_at"])
    op.create_index("ix_certificate_issued", "certificate", ["issue_date", "status", "certificate_type", "level"])
    op.create_index("ix_subsidy_claim_reviewed", "subsidy_claim", ["reviewed_at", "status", "amount_fen"])
    op.create_index("ix_subsidy_claim_decided", "subsidy_claim", ["decided_at", "status", "decided_amount_fen"])
    op.create_index("ix_subsidy_claim_paid", "subsidy_claim", ["paid_on", "status", "decided_amount_fen"])
    op.create_index("ix_follow_up_updated", "follow_up", ["updated_at"])
    # Filled by store/migrate.py right after this revision, in the same transaction: the counted
    # hours are the application's (store/outcome_summary.rebuild), not a frozen copy here.


def downgrade() -> None:
    op.drop_index("ix_follow_up_updated", table_name="follow_up")
    op.drop_index("ix_subsidy_claim_updated", table_name="subsidy_claim")
    op.drop_index("ix_certificate_updated", table_name="certificate")
    op.drop_table("stats_claim_days")
    op.drop_table("stats_dirty")
    op.drop_table("stats_tally")
    op.drop_index("ix_subsidy_claim_paid", table_name="subsidy_claim")
    op.drop_index("ix_subsidy_claim_decided", table_name="subsidy_claim")
    op.drop_index("ix_subsidy_claim_reviewed", table_name="subsidy_claim")
    op.drop_index("ix_certificate_issued", table_name="certificate")
    op.drop_index("ix_enrollment_outcome_class", table_name="enrollment_outcome")
    op.drop_index("ix_enrollment_outcome_end", table_name="enrollment_outcome")
    op.drop_table("enrollment_outcome")
