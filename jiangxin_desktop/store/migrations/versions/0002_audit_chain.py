"""Audit events form a hash chain: prev_hash and hash columns, existing events chained.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NO_UPDATE = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN "
    "SELECT RAISE(ABORT, 'audit events are append-only'); END"
)


# Frozen as of this migration: the chain's format as domain/audit_chain.py defined it on
# 2026-11-26 (GENESIS, event_hash with SHA-256). A migration imports no application code;
# the format itself must never change, or existing chains would no longer verify.
_FORMAT = "jx-audit-1"
GENESIS = "0" * 64


def event_hash(row: tuple, prev_hash: str) -> str:
    """SHA-256 of the event's columns (seq … after_json) and the previous hash, canonical JSON."""
    canonical = json.dumps([_FORMAT, *row, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit_event", sa.Column("hash", sa.String(64)))
    # Chain the events written before this revision, in order, then close updates again.
    op.execute("DROP TRIGGER audit_event_no_update")
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT seq, at, actor, action, object_type, object_id, before_json, after_json "
            "FROM audit_event ORDER BY seq"
        )
    ).all()
    prev = GENESIS
    for row in rows:
        digest = event_hash(tuple(row), prev)
        conn.execute(
            sa.text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev, "h": digest, "s": row.seq},
        )
        prev = digest
    op.execute(_NO_UPDATE)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_event_no_update")
    op.execute("ALTER TABLE audit_event DROP COLUMN hash")  # SQLite 3.35+: keeps the triggers
    op.execute("ALTER TABLE audit_event DROP COLUMN prev_hash")
    op.execute(_NO_UPDATE)
