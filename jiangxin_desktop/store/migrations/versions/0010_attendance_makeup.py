"""补签 (late correction) on attendance rows: state, reason, who asked, who reviewed.

A check-in outside the session's window is refused; recording it anyway is a 补签 that a
clerk enters with a reason and the claimed sign-in (and sign-out) time, kept apart in
``makeup_sign_in_at``/``makeup_sign_out_at``. It stays ``pending`` (the claim counts no hours)
until a reviewer approves it (``approved``: the claimed times become the row's times) or
rejects it (``rejected``: the row stays as it was).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("makeup", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("makeup_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("makeup_sign_in_at", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("makeup_sign_out_at", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("makeup_by", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("makeup_reviewed_by", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("makeup_reviewed_at", sa.String(length=32), nullable=True))


_COLUMNS = (
    "makeup_reviewed_at",
    "makeup_reviewed_by",
    "makeup_by",
    "makeup_sign_out_at",
    "makeup_sign_in_at",
    "makeup_reason",
    "makeup",
)


def downgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)
