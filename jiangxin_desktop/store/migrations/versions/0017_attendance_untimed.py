"""``ix_attendance_untimed``: the attendance rows without a sign-in time, by status.

A row that says 出勤/迟到/早退 without a sign-in (written before times were kept) counts no
hours until a 补签; the station-wide list of them (services/training/attendance_untimed.py)
reads this partial index instead of every attendance row (about 2,000,000 on a busy station).
Only rows without a sign-in are in it (请假, 缺勤 and those), so it costs little to keep.

Measured on the stats benchmark station (2,000,300 attendance rows, 201,915 without a sign-in,
1,964 of them 出勤; 2026-12-03, load 2 on 2 CPUs): the station-wide list 42–100 ms median with the
index, 3.5 s without (a scan of the table); one class's 2 ms either way; building the index 1.8 s.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_attendance_untimed",
        "attendance",
        ["status", "session_uuid"],
        sqlite_where=sa.text("sign_in_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_attendance_untimed", table_name="attendance")
