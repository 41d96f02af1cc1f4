"""Certificates (证书): numbers per station and year, 补发 counter, revocation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("station_code", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("serial", sa.Integer, nullable=False),
        sa.Column("class_uuid", sa.String(36), sa.ForeignKey("training_class.uuid"), nullable=False),
        sa.Column("enrollment_uuid", sa.String(36), sa.ForeignKey("enrollment.uuid"), nullable=False),
        sa.Column("trainee_uuid", sa.String(36), sa.ForeignKey("trainee.uuid"), nullable=False),
        sa.Column("certificate_type", sa.String(8), nullable=False),
        sa.Column("occupation_code", sa.String(12), nullable=False),
        sa.Column("occupation_name", sa.String(100), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reissue_count", sa.Integer, nullable=False),
        sa.Column("reissued_on", sa.Date),
        sa.Column("reissue_reason", sa.Text),
        sa.Column("revoked_at", sa.String(32)),
        sa.Column("revoked_by", sa.String(60)),
        sa.Column("revoked_reason", sa.Text),
        sa.Column("issued_by", sa.String(60), nullable=False),
        sa.UniqueConstraint("station_code", "year", "serial"),
    )
    op.create_index("ix_certificate_class_uuid", "certificate", ["class_uuid"])
    op.create_index("ix_certificate_enrollment_uuid", "certificate", ["enrollment_uuid"])
    op.create_index("ix_certificate_trainee_uuid", "certificate", ["trainee_uuid"])


def downgrade() -> None:
    op.drop_table("certificate")
