"""sign-in sessions, email verification

users.failed_logins, users.locked_until and login_attempts are no longer used (throttling moved to the
rate limiter) but stay for one release: nodes of the previous release read them during a rolling deploy.

Revision ID: 8c41f0d2a7e3
Revises: d275632f1a44
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models._common


revision = '8c41f0d2a7e3'
down_revision = 'd275632f1a44'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', portal.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_sessions_token_hash'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('email_verification_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', portal.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_verification_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_verification_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_verification_tokens_token_hash'))
    )
    with op.batch_alter_table('email_verification_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_verification_tokens_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', portal.models._common.UTCDateTime(timezone=True), nullable=True))
    # accounts that exist today signed in without verification: they keep doing so
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')

    op.drop_table('email_verification_tokens')
    op.drop_table('sign_in_sessions')
