"""Solutions list the roadmap measures they deliver (matching requires one).

Revision ID: c4d2e8a1f9b3
Revises: a7c3e91f5b20
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d2e8a1f9b3"
down_revision = "a7c3e91f5b20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing solutions start with no measure: a provider picks them on the edit page (the catalogue's
    # dimension tags are too coarse to guess from, which is why matching needs this column).
    with op.batch_alter_table("solutions") as batch:
        batch.add_column(sa.Column("actions", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("solutions") as batch:
        batch.drop_column("actions")
