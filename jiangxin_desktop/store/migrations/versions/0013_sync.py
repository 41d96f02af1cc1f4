"""Sync to the city: the enrolment, batches, receipts, and which batch an outbox entry went in.

``sync_enrolment``: each enrolment file the station imported (the city's address, public
keys and pinned TLS certificate; the one-time token its registration carries). One is
active; older ones stay for the record. ``registered_at`` is set when the city confirms
the registration of the station's key.

``sync_batch``: one row per batch, numbered per station without gaps (``sequence``) and
chained (``previous_hash``). ``envelope`` holds the sealed batch (JWE compact, encrypted to
the city), written in the same transaction that assigns the outbox entries to it, before
any upload. ``status``: review (waiting for a reviewer), ready, sent (handed over: HTTP
without an answer, or exported to USB), confirmed (a signed receipt accepted it),
rejected (a signed receipt refused it; ``last_error`` says why).

``sync_receipt``: the city's signed receipt (JWS compact), as received, per batch.

``outbox.batch_id``: the batch an entry travels in (NULL: not yet in a batch).

``sync_catalog``: the catalogs the city published and the station accepted (signed).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_enrolment",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("enrolment_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("station_code", sa.String(length=40), nullable=False),
        sa.Column("city_name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("encryption_key", sa.Text(), nullable=False),  # public JWK, JSON
        sa.Column("signing_key", sa.Text(), nullable=False),  # public JWK, JSON
        sa.Column("tls_certificate", sa.Text(), nullable=False),  # PEM
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("station_key_id", sa.String(length=32), nullable=False),
        sa.Column("registration", sa.Text(), nullable=False),  # sealed registration, JWE compact
        sa.Column("issued_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=60), nullable=False),
        sa.Column("registered_at", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "sync_batch",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("sequence", sa.Integer(), nullable=False, unique=True),
        sa.Column("station_code", sa.String(length=40), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("document_hash", sa.String(length=71), nullable=False),
        sa.Column("previous_hash", sa.String(length=71), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),  # JSON {entity: n}
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_by", sa.String(length=60), nullable=True),
        sa.Column("approved_at", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.String(length=32), nullable=True),
        sa.Column("next_attempt_at", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.String(length=32), nullable=True),
        sa.Column("confirmed_at", sa.String(length=32), nullable=True),
    )
    op.create_index("ix_sync_batch_status", "sync_batch", ["status", "sequence"])
    op.create_table(
        "sync_receipt",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.String(length=36), sa.ForeignKey("sync_batch.batch_id"),
                  nullable=False, unique=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=60), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("signed", sa.Text(), nullable=False),  # the receipt as the city signed it (JWS)
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.String(length=32), nullable=False),
    )
    op.create_table(
        "sync_catalog",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(length=40), nullable=False, unique=True),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.Column("signed", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("accepted_at", sa.String(length=32), nullable=False),
        sa.Column("accepted_by", sa.String(length=60), nullable=False),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("batch_id", sa.String(length=36), nullable=True))
    op.create_index("ix_outbox_batch", "outbox", ["batch_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_outbox_batch", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("batch_id")
    op.drop_table("sync_catalog")
    op.drop_table("sync_receipt")
    op.drop_index("ix_sync_batch_status", table_name="sync_batch")
    op.drop_table("sync_batch")
    op.drop_table("sync_enrolment")
