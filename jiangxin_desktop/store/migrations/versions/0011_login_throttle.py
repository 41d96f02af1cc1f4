"""Lock-out for user names that do not exist: login_throttle counts their failed attempts.

A real account counts wrong passwords in ``app_user``; a name without an account is counted
here (under a SHA-256 of the normalised name, never the name itself), so that the refusals and
the lock-out read the same whether or not the name exists.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("name_digest", sa.String(64), primary_key=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.String(32)),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
