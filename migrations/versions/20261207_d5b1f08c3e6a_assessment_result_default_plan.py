"""A stored result keeps the upgrade plan its result page shows first (default target, least effort),
worked out when the result is stored, with the fingerprint of the inputs it was computed from.

Revision ID: d5b1f08c3e6a
Revises: a3c9e5f1d7b2
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "d5b1f08c3e6a"
down_revision = "a3c9e5f1d7b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.add_column(sa.Column("default_plan", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.drop_column("default_plan")
