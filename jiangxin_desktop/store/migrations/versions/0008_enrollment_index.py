"""Drop ix_enrollment_class_uuid: the unique (class_uuid, trainee_uuid) index serves its queries.

Every enrolment paid for the second index (10,000 of them in one roster import).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_enrollment_class_uuid", table_name="enrollment")


def downgrade() -> None:
    op.create_index("ix_enrollment_class_uuid", "enrollment", ["class_uuid"])
