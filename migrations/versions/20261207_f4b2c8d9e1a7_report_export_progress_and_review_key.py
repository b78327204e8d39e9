"""Report rows: a bureau's company-list export (kind `export`) reports its progress (rows written of the
total), and a company report's cache key includes the state of the assessor's review, so a PDF made before
sign-off is not served after it.

Revision ID: f4b2c8d9e1a7
Revises: 6d47cfc5e0ae
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "f4b2c8d9e1a7"
down_revision = "6d47cfc5e0ae"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("progress_done", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("progress_total", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("review_key", sa.String(64), nullable=False, server_default=""))
        batch.drop_constraint("uq_reports_cache_key", type_="unique")
        batch.create_unique_constraint(
            "uq_reports_cache_key", ["assessment_id", "answers_hash", "engine_version", "lang", "review_key"]
        )


def downgrade() -> None:
    # Rows that differ only by their review state would break the narrower key: keep the newest of each.
    op.execute(
        "DELETE FROM reports WHERE assessment_id IS NOT NULL AND id NOT IN ("
        "SELECT max(id) FROM reports WHERE assessment_id IS NOT NULL "
        "GROUP BY assessment_id, answers_hash, engine_version, lang)"
    )
    with op.batch_alter_table("reports") as batch:
        batch.drop_constraint("uq_reports_cache_key", type_="unique")
        batch.create_unique_constraint(
            "uq_reports_cache_key", ["assessment_id", "answers_hash", "engine_version", "lang"]
        )
        batch.drop_column("review_key")
        batch.drop_column("progress_total")
        batch.drop_column("progress_done")
