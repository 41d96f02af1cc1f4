"""Training catalog, classes, sessions, enrollments, attendance and assessment.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _travelling() -> list[sa.Column]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("station_code", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "catalog",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("version", sa.String(60), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_json", sa.Text, nullable=False),
        sa.Column("source", sa.String(260), nullable=False),
        sa.Column("example", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("installed_at", sa.String(32), nullable=False),
        sa.Column("installed_by", sa.String(60), nullable=False),
    )
    op.create_table(
        "training_class",
        sa.Column("seq", sa.Integer, primary_key=True),
        *_travelling(),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("catalog_version", sa.String(60), nullable=False),
        sa.Column("project_code", sa.String(20), nullable=False),
        sa.Column("project_name", sa.String(100), nullable=False),
        sa.Column("occupation_code", sa.String(12), nullable=False),
        sa.Column("occupation_name", sa.String(100), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("certificate_type", sa.String(8), nullable=False),
        sa.Column("institution_code", sa.String(20), nullable=False),
        sa.Column("institution_name", sa.String(100), nullable=False),
        sa.Column("institution_uscc", sa.String(18), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("class_hours", sa.Integer, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("teachers_json", sa.Text, nullable=False),
        sa.Column("fee_fen", sa.Integer, nullable=False),
        sa.Column("government_fen", sa.Integer, nullable=False),
        sa.Column("employer_fen", sa.Integer, nullable=False),
        sa.Column("personal_fen", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("review_note", sa.Text),
        sa.Column("approved_by", sa.String(60)),
        sa.Column("approved_at", sa.String(32)),
        sa.Column("created_by", sa.String(60), nullable=False),
    )
    op.create_index("ix_training_class_status", "training_class", ["status", "start_date"])
    op.create_table(
        "class_session",
        sa.Column("seq", sa.Integer, primary_key=True),
        *_travelling(),
        sa.Column("class_uuid", sa.String(36), sa.ForeignKey("training_class.uuid"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("end_time", sa.String(5), nullable=False),
        sa.Column("hours", sa.Integer, nullable=False),
        sa.Column("teacher", sa.String(60)),
        sa.Column("topic", sa.String(200)),
        sa.UniqueConstraint("class_uuid", "number"),
    )
    op.create_index("ix_class_session_class_uuid", "class_session", ["class_uuid"])
    op.create_table(
        "enrollment",
        sa.Column("seq", sa.Integer, primary_key=True),
        *_travelling(),
        sa.Column("class_uuid", sa.String(36), sa.ForeignKey("training_class.uuid"), nullable=False),
        sa.Column("trainee_uuid", sa.String(36), sa.ForeignKey("trainee.uuid"), nullable=False),
        sa.Column("target_group", sa.String(40), nullable=False),
        sa.Column("target_flags", sa.Text, nullable=False),
        sa.Column("evidence_type", sa.String(40)),
        sa.Column("evidence_number", sa.String(60)),
        sa.Column("subsidised", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("warnings_json", sa.Text, nullable=False),
        sa.Column("withdrawn_at", sa.String(32)),
        sa.Column("withdrawn_reason", sa.Text),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.UniqueConstraint("class_uuid", "trainee_uuid"),
    )
    op.create_index("ix_enrollment_class_uuid", "enrollment", ["class_uuid"])
    op.create_index("ix_enrollment_trainee_uuid", "enrollment", ["trainee_uuid"])
    op.create_table(
        "attendance",
        sa.Column("seq", sa.Integer, primary_key=True),
        *_travelling(),
        sa.Column("session_uuid", sa.String(36), sa.ForeignKey("class_session.uuid"), nullable=False),
        sa.Column("enrollment_uuid", sa.String(36), sa.ForeignKey("enrollment.uuid"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("sign_in_at", sa.String(32)),
        sa.Column("sign_out_at", sa.String(32)),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(60), nullable=False),
        sa.UniqueConstraint("session_uuid", "enrollment_uuid"),
    )
    op.create_index("ix_attendance_session_uuid", "attendance", ["session_uuid"])
    op.create_index("ix_attendance_enrollment_uuid", "attendance", ["enrollment_uuid"])
    op.create_table(
        "assessment",
        sa.Column("seq", sa.Integer, primary_key=True),
        *_travelling(),
        sa.Column("enrollment_uuid", sa.String(36), sa.ForeignKey("enrollment.uuid"), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("theory_score", sa.Float),
        sa.Column("practical_score", sa.Float),
        sa.Column("result", sa.String(8), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(60), nullable=False),
        sa.UniqueConstraint("enrollment_uuid", "attempt"),
    )
    op.create_index("ix_assessment_enrollment_uuid", "assessment", ["enrollment_uuid"])


def downgrade() -> None:
    for table in ("assessment", "attendance", "enrollment", "class_session"):
        op.drop_table(table)
    op.drop_index("ix_training_class_status", table_name="training_class")
    op.drop_table("training_class")
    op.drop_table("catalog")
