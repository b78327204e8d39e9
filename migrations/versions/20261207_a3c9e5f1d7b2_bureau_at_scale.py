"""Bureau views at a million companies: registered companies and the program pipeline counted per
roll-up (bureau_totals, kept current like the cube), and the cube's (month, next month) pairs that date
ranges are summed from (bureau_aggregates.until), so no view scans companies, pipeline or fact rows.

Revision ID: a3c9e5f1d7b2
Revises: f4b2c8d9e1a7
Create Date: 2026-12-07 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a3c9e5f1d7b2"
down_revision = "f4b2c8d9e1a7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bureau_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("program", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("city", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=False),
        sa.Column("cluster", sa.String(length=3), nullable=False),
        sa.Column("size_class", sa.String(length=10), nullable=False),
        sa.Column("companies", sa.Integer(), server_default="0", nullable=False),
        sa.Column("key_companies", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("award_wan", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False),
        sa.Column("name_zh", sa.String(length=200), server_default="", nullable=False),
        sa.Column("name_en", sa.String(length=200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_totals")),
        sa.UniqueConstraint(
            "grain", "program", "status", "city", "district", "cluster", "size_class", name="uq_bureau_totals"
        ),
    )
    with op.batch_alter_table("bureau_aggregates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("until", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_constraint("uq_bureau_agg", type_="unique")
        batch_op.create_unique_constraint(
            "uq_bureau_agg", ["grain", "period", "until", "city", "district", "cluster", "size_class"]
        )
    # Counted from the raw tables once; kept current from then on (the application's upkeep). The range
    # pairs are counted with the rest of the cube by a later revision (b7e2c4a9f3d1), which recounts it.
    from portal.bureau.aggregates import totals

    totals.fill(op.get_bind())


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM bureau_aggregates WHERE until <> 0"))
    with op.batch_alter_table("bureau_aggregates", schema=None) as batch_op:
        batch_op.drop_constraint("uq_bureau_agg", type_="unique")
        batch_op.create_unique_constraint(
            "uq_bureau_agg", ["grain", "period", "city", "district", "cluster", "size_class"]
        )
        batch_op.drop_column("until")
    op.drop_table("bureau_totals")
