"""Report rows also carry a bureau's jurisdiction report: a kind, the request's parameters, and no assessment.

Revision ID: e2f7a4c9b1d6
Revises: b549aca0dea3
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "e2f7a4c9b1d6"
down_revision = "b549aca0dea3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="assessment"))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch.alter_column("assessment_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM reports WHERE assessment_id IS NULL")
    with op.batch_alter_table("reports") as batch:
        batch.alter_column("assessment_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("params")
        batch.drop_column("kind")
