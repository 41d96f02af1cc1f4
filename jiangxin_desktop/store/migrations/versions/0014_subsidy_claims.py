"""Subsidy claims, the city's decisions on them, and subsidies known from other stations.

``subsidy_claim`` (travels): one enrolment's claim, its inputs frozen when reviewed; statuses
draft → reviewed → (in a batch: ``submitted_batch_id``, local) → approved | returned | paid,
or withdrawn. ``subsidy_decision``: each decision of the city as the signed downlink brought it.
``subsidy_elsewhere``: this station's trainees' subsidies at other stations, from the city.
See store/subsidy_models.py.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subsidy_claim",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("uuid", sa.String(length=36), nullable=False, unique=True),
        sa.Column("station_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes_uuid", sa.String(length=36), nullable=True),
        sa.Column("enrollment_uuid", sa.String(length=36), sa.ForeignKey("enrollment.uuid"), nullable=False),
        sa.Column("trainee_uuid", sa.String(length=36), sa.ForeignKey("trainee.uuid"), nullable=False),
        sa.Column("class_uuid", sa.String(length=36), sa.ForeignKey("training_class.uuid"), nullable=False),
        sa.Column("certificate_uuid", sa.String(length=36), sa.ForeignKey("certificate.uuid"), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("standard_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("fee_fen", sa.Integer(), nullable=False),
        sa.Column("government_fen", sa.Integer(), nullable=False),
        sa.Column("employer_fen", sa.Integer(), nullable=False),
        sa.Column("personal_fen", sa.Integer(), nullable=False),
        sa.Column("payee_kind", sa.String(length=8), nullable=False),
        sa.Column("payee_name", sa.String(length=200), nullable=False),
        sa.Column("payee_account", sa.String(length=40), nullable=False),
        sa.Column("payee_bank", sa.String(length=100), nullable=True),
        sa.Column("payee_uscc", sa.String(length=18), nullable=True),
        sa.Column("catalog_version", sa.String(length=60), nullable=False),
        sa.Column("inputs_json", sa.Text(), nullable=False),
        sa.Column("inputs_hash", sa.String(length=71), nullable=False),
        sa.Column("explanation_json", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("reviewed_by", sa.String(length=60), nullable=True),
        sa.Column("reviewed_at", sa.String(length=32), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("decided_amount_fen", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.String(length=32), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("submitted_batch_id", sa.String(length=36), nullable=True),
        sa.UniqueConstraint("station_code", "year", "serial"),
    )
    op.create_index("ix_subsidy_claim_enrollment", "subsidy_claim", ["enrollment_uuid", "revision"])
    op.create_index("ix_subsidy_claim_trainee", "subsidy_claim", ["trainee_uuid"])
    op.create_index("ix_subsidy_claim_class", "subsidy_claim", ["class_uuid", "status"])
    op.create_table(
        "subsidy_decision",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("city_sequence", sa.Integer(), nullable=False, unique=True),
        sa.Column("claim_uuid", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("applied", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_subsidy_decision_claim_uuid", "subsidy_decision", ["claim_uuid"])
    op.create_table(
        "subsidy_elsewhere",
        sa.Column("claim_uuid", sa.String(length=36), primary_key=True),
        sa.Column("trainee_uuid", sa.String(length=36), nullable=False),
        sa.Column("station_code", sa.String(length=40), nullable=False),
        sa.Column("occupation_code", sa.String(length=12), nullable=False),
        sa.Column("occupation_name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
    )
    op.create_index("ix_subsidy_elsewhere_trainee_uuid", "subsidy_elsewhere", ["trainee_uuid"])


def downgrade() -> None:
    op.drop_index("ix_subsidy_elsewhere_trainee_uuid", table_name="subsidy_elsewhere")
    op.drop_table("subsidy_elsewhere")
    op.drop_index("ix_subsidy_decision_claim_uuid", table_name="subsidy_decision")
    op.drop_table("subsidy_decision")
    op.drop_index("ix_subsidy_claim_class", table_name="subsidy_claim")
    op.drop_index("ix_subsidy_claim_trainee", table_name="subsidy_claim")
    op.drop_index("ix_subsidy_claim_enrollment", table_name="subsidy_claim")
    op.drop_table("subsidy_claim")
