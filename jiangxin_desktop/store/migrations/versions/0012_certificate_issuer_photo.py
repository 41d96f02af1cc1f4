"""Who issues a certificate, and the trainee's photo (一寸照) for the certificate's photo box.

``certificate.issuer_name``/``issuer_filing_number``: the body the page names as issuer,
copied from the catalog when the certificate is issued (an evaluation body, 社会培训评价组织,
with its 备案编号, for a 职业技能等级证书; the training institution otherwise), so the page
reads the same after the catalog changes. Rows issued before stay NULL (the institution).

``trainee_photo``: one photo per trainee (JPEG or PNG bytes, inside the encrypted database),
stored only with the trainee's separate consent to a face photo (``trainee.photo_consent``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("certificate") as batch:
        batch.add_column(sa.Column("issuer_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("issuer_filing_number", sa.String(length=60), nullable=True))
    op.create_table(
        "trainee_photo",
        sa.Column("trainee_uuid", sa.String(length=36), sa.ForeignKey("trainee.uuid"), primary_key=True),
        sa.Column("mime", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trainee_photo")
    with op.batch_alter_table("certificate") as batch:
        batch.drop_column("issuer_filing_number")
        batch.drop_column("issuer_name")
