"""Company lists at a million companies: the fact rows carry the company's consent (kept current with its
place), the cube counts the listed (consenting) companies beside the assessed ones, and companies are
indexed for paging by name within a jurisdiction.

Revision ID: b7e2c4a9f3d1
Revises: d5b1f08c3e6a
Create Date: 2026-12-07 05:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2c4a9f3d1"
down_revision = "d5b1f08c3e6a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bureau_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sharing", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("bureau_aggregates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("key_listed", sa.BigInteger(), server_default="0", nullable=False))
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index("ix_companies_name", ["name", "id"], unique=False)
        batch_op.create_index("ix_companies_city_name", ["city", "name", "id"], unique=False)
        batch_op.create_index(
            "ix_companies_city_district_name", ["city", "district", "name", "id"], unique=False
        )
    # The fact rows take each company's consent and, from now on kept current, its place (until now a
    # moved company's rows kept the old place until its next submission).
    of_company = "(SELECT {} FROM companies WHERE companies.id = bureau_facts.company_id)"
    places = ("city", "district", "cluster", "size_class")
    columns = {"sharing": "bureau_sharing", **{d: f"COALESCE(companies.{d}, '')" for d in places}}
    assignments = ", ".join(f"{name} = {of_company.format(value)}" for name, value in columns.items())
    op.execute(sa.text(f"UPDATE bureau_facts SET {assignments}"))  # fixed names, no input
    # The cube counted again from the fact rows, now with the listed companies.
    from portal.bureau.aggregates import rebuild

    bind = op.get_bind()
    bind.execute(sa.delete(rebuild.AGG_TABLE))
    rebuild.fill_cube(bind)


def downgrade() -> None:
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index("ix_companies_city_district_name")
        batch_op.drop_index("ix_companies_city_name")
        batch_op.drop_index("ix_companies_name")
    with op.batch_alter_table("bureau_aggregates", schema=None) as batch_op:
        batch_op.drop_column("key_listed")
        batch_op.drop_column("listed")
    with op.batch_alter_table("bureau_facts", schema=None) as batch_op:
        batch_op.drop_column("sharing")
