"""report outbox: reports.queued_at

A report row is recorded first (status PENDING, a new value of the non-native status enum: no schema
change) and handed to the queue after the commit; `queued_at` says when it was last handed over, so a
sweep can tell a report stuck in the queue from one that was just queued. Additive: nodes of the previous
release ignore the column.

Revision ID: a7c3e91f5b20
Revises: 5e7b19c4a2d6
Create Date: 2026-12-06 13:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models._common


revision = 'a7c3e91f5b20'
down_revision = '5e7b19c4a2d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', portal.models._common.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('queued_at')
