"""Outbox entries name the changed row (entity, uuid, version) instead of copying it.

A batch serialises each row as it stands when the batch is made (ARCHITECTURE.md: "A batch
takes the oldest unsent entries, serialises them canonically"). Copies of every record in
the outbox doubled what a roster import wrote and kept a second copy of ID and bank numbers
until the city's receipt; a later change of the same row has its own entry anyway.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox DROP COLUMN payload_json")  # SQLite ≥ 3.35


def downgrade() -> None:
    op.add_column("outbox", sa.Column("payload_json", sa.Text, nullable=False, server_default="{}"))
