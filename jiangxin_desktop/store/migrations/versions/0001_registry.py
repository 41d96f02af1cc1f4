"""Registry: station, code lists, trainee with search indexes, audit events, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
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
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "station",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "code_entry",
        sa.Column("list_name", sa.String(40), primary_key=True),
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("extra_json", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("catalog_version", sa.String(40), nullable=False),
    )
    op.create_table(
        "trainee",
        sa.Column("seq", sa.Integer, primary_key=True),
        *_travelling(),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False, unique=True),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("sex", sa.String(2), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("hukou", sa.String(20)),
        sa.Column("ethnicity", sa.String(20)),
        sa.Column("education", sa.String(20)),
        sa.Column("target_group", sa.String(40)),
        sa.Column("target_flags", sa.Text, nullable=False),
        sa.Column("evidence_type", sa.String(40)),
        sa.Column("evidence_number", sa.String(60)),
        sa.Column("employment_status", sa.String(20)),
        sa.Column("bank_card", sa.String(19)),
        sa.Column("address", sa.String(200)),
        sa.Column("employer", sa.String(200)),
        sa.Column("employer_uscc", sa.String(18)),
        sa.Column("employer_uscc_override", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("consent_at", sa.String(32), nullable=False),
        sa.Column("consent_version", sa.String(40), nullable=False),
        sa.Column("photo_consent", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("deactivated_at", sa.String(32)),
        sa.Column("deactivated_reason", sa.Text),
        sa.Column("created_by", sa.String(60), nullable=False),
    )
    op.create_index("ix_trainee_active_seq", "trainee", ["active", "seq"])
    op.create_index("ix_trainee_active_name", "trainee", ["active", "name"])
    op.create_index("ix_trainee_active_id_number", "trainee", ["active", "id_number"])
    # Substring search over name, ID and phone (trigram: 3+ characters), kept in step
    # with the trainee table by triggers.
    op.execute(
        "CREATE VIRTUAL TABLE trainee_fts USING fts5("
        "name, id_number, phone, content='trainee', content_rowid='seq', tokenize='trigram')"
    )
    op.execute(
        "CREATE TRIGGER trainee_fts_ai AFTER INSERT ON trainee BEGIN "
        "INSERT INTO trainee_fts(rowid, name, id_number, phone) "
        "VALUES (new.seq, new.name, new.id_number, new.phone); END"
    )
    op.execute(
        "CREATE TRIGGER trainee_fts_ad AFTER DELETE ON trainee BEGIN "
        "INSERT INTO trainee_fts(trainee_fts, rowid, name, id_number, phone) "
        "VALUES ('delete', old.seq, old.name, old.id_number, old.phone); END"
    )
    op.execute(
        "CREATE TRIGGER trainee_fts_au AFTER UPDATE OF name, id_number, phone ON trainee BEGIN "
        "INSERT INTO trainee_fts(trainee_fts, rowid, name, id_number, phone) "
        "VALUES ('delete', old.seq, old.name, old.id_number, old.phone); "
        "INSERT INTO trainee_fts(rowid, name, id_number, phone) "
        "VALUES (new.seq, new.name, new.id_number, new.phone); END"
    )
    # Chinese names are 2-3 characters, below the trigram minimum: a second index holds
    # each name's single characters and character pairs as whole tokens (maintained by
    # the registry service, which computes the grams).
    op.execute("CREATE VIRTUAL TABLE trainee_name_grams USING fts5(grams, tokenize='unicode61')")
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(36)),
        sa.Column("before_json", sa.Text),
        sa.Column("after_json", sa.Text),
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN "
        "SELECT RAISE(ABORT, 'audit events are append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN "
        "SELECT RAISE(ABORT, 'audit events are append-only'); END"
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_uuid", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("operation", sa.String(16), nullable=False),
        sa.Column("payload_json", sa.Text, nullable=False),
        sa.UniqueConstraint("entity", "entity_uuid", "version"),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    op.drop_table("audit_event")
    op.execute("DROP TABLE trainee_name_grams")
    op.execute("DROP TABLE trainee_fts")
    op.drop_table("trainee")
    op.drop_table("code_entry")
    op.drop_table("station")
    op.drop_table("meta")
