"""After the class: employment follow-ups (3 and 6 months) and services to the unemployed ("1131").

Both travel (entities ``follow_up`` and ``service_event``); see store/followup_models.py.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _travelling() -> list[sa.Column]:
    return [
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(length=36), nullable=False, unique=True),
        sa.Column("station_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "follow_up",
        *_travelling(),
        sa.Column("enrollment_uuid", sa.String(length=36), sa.ForeignKey("enrollment.uuid"), nullable=False),
        sa.Column("trainee_uuid", sa.String(length=36), sa.ForeignKey("trainee.uuid"), nullable=False),
        sa.Column("class_uuid", sa.String(length=36), sa.ForeignKey("training_class.uuid"), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("employer_name", sa.String(length=200), nullable=True),
        sa.Column("employer_uscc", sa.String(length=18), nullable=True),
        sa.Column("contract_type", sa.String(length=20), nullable=True),
        sa.Column("wage_band", sa.String(length=20), nullable=True),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
        sa.UniqueConstraint("enrollment_uuid", "period_months"),
    )
    op.create_index("ix_follow_up_trainee", "follow_up", ["trainee_uuid"])
    op.create_index("ix_follow_up_contacted", "follow_up", ["contacted_on"])
    op.create_table(
        "service_event",
        *_travelling(),
        sa.Column("trainee_uuid", sa.String(length=36), sa.ForeignKey("trainee.uuid"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("employer_name", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=60), nullable=False),
    )
    op.create_index("ix_service_event_trainee", "service_event", ["trainee_uuid", "kind"])


def downgrade() -> None:
    op.drop_index("ix_service_event_trainee", table_name="service_event")
    op.drop_table("service_event")
    op.drop_index("ix_follow_up_contacted", table_name="follow_up")
    op.drop_index("ix_follow_up_trainee", table_name="follow_up")
    op.drop_table("follow_up")
