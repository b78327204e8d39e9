"""bureau aggregates: cell keys beside the counts (disclosure control by cell-key perturbation)

Each count column of bureau_aggregates gets a key_<metric> column: the sum of the counted companies'
record keys (see portal/bureau/disclosure.py and docs/disclosure.md). Existing cube rows get 0; run
`flask bureau rebuild-aggregates` after upgrading so the keys are filled in.

Revision ID: 5dc1a7e0b3f4
Revises: c4d2e8a1f9b3
Create Date: 2026-12-06 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5dc1a7e0b3f4'
down_revision = 'c4d2e8a1f9b3'
branch_labels = None
depends_on = None

METRICS = (
    "assessed", "gd_assessed", "on_cloud", "on_platform", "cloud_equipment", "cloud_rnd",
    "cloud_supply_chain", "cloud_operations", "level_1", "level_2", "level_3", "level_4", "level_5",
    "fiveg_none", "fiveg_line", "fiveg_workshop", "fiveg_factory",
    "miit_assessed", "miit_0", "miit_1", "miit_2", "miit_3", "miit_4",
)


def upgrade():
    with op.batch_alter_table('bureau_aggregates', schema=None) as batch_op:
        for metric in METRICS:
            batch_op.add_column(
                sa.Column(f'key_{metric}', sa.BigInteger(), server_default='0', nullable=False)
            )


def downgrade():
    with op.batch_alter_table('bureau_aggregates', schema=None) as batch_op:
        for metric in reversed(METRICS):
            batch_op.drop_column(f'key_{metric}')
