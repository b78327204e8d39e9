"""Assessments started from the company's previous round remember which round they were filled from.

Revision ID: b8e4f1c7d2a9
Revises: 5dc1a7e0b3f4
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "b8e4f1c7d2a9"
down_revision = "5dc1a7e0b3f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_assessments_carried_from_id_assessments", "assessments", ["carried_from_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_constraint("fk_assessments_carried_from_id_assessments", type_="foreignkey")
        batch.drop_column("carried_from_id")
