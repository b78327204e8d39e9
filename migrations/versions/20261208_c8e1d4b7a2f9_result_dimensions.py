"""A stored result keeps its dimensions' figures (id, titles, score, level and its name, questions shown) beside the
whole result, so peer benchmarks and round comparisons read a few hundred bytes per result, not the
whole result's dimensions (some 50 KB each, with their conditions and questions).

Revision ID: c8e1d4b7a2f9
Revises: b7e2c4a9f3d1
Create Date: 2026-12-08
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "c8e1d4b7a2f9"
down_revision = "b7e2c4a9f3d1"
branch_labels = None
depends_on = None

BATCH = 500
# The fields copied, as portal/results/services.py dimension_figures() copies them for new rows (a
# migration keeps its own copy: the application's code may change after it).
FIELDS = (
    "module_id", "title_zh", "title_en", "score", "level", "level_name_zh", "level_name_en", "visible_items"
)


def _figures(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, str):
        result = json.loads(result)
    modules = result.get("modules") if isinstance(result, dict) else None
    return [{k: m.get(k) for k in FIELDS} for m in modules or () if isinstance(m, dict)]


def upgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.add_column(sa.Column("dimensions", sa.JSON(), nullable=True))
    bind = op.get_bind()
    results = sa.table(
        "assessment_results", sa.column("id", sa.Integer), sa.column("result", sa.JSON), sa.column("dimensions", sa.JSON)
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(results.c.id, results.c.result).where(results.c.id > last).order_by(results.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            results.update().where(results.c.id == sa.bindparam("row_id")).values(dimensions=sa.bindparam("figures")),
            [{"row_id": row_id, "figures": _figures(result)} for row_id, result in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.drop_column("dimensions")
