"""Administrator settings, the station's signing keys, trainees' data keys and anonymised mark.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "signing_key",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False, unique=True),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("private_key_wrapped", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("retired_at", sa.String(32)),
    )
    op.add_column("trainee", sa.Column("anonymised_at", sa.String(32)))
    op.create_table(
        "trainee_key",
        sa.Column("trainee_uuid", sa.String(36), primary_key=True),
        sa.Column("key_hex", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trainee_key")
    op.drop_column("trainee", "anonymised_at")
    op.drop_table("signing_key")
    op.drop_table("setting")
