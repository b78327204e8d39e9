"""providers: profile fields, recognitions, solution catalogue, consents, audit events, recommendations;
answer_changes.acting_provider_org_id

Revision ID: 7e3a9c2d41b8
Revises: bbd673ecc19d
Create Date: 2026-11-22 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models._common


# revision identifiers, used by Alembic.
revision = '7e3a9c2d41b8'
down_revision = 'bbd673ecc19d'
branch_labels = None
depends_on = None

UTC = portal.models._common.UTCDateTime


def upgrade():
    with op.batch_alter_table('provider_orgs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cities_served', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('service_types', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('website', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('updated_at', UTC(timezone=True), nullable=True))

    with op.batch_alter_table('answer_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acting_provider_org_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_answer_changes_acting_provider_org_id_provider_orgs'),
            'provider_orgs', ['acting_provider_org_id'], ['id'], ondelete='SET NULL',
        )

    op.create_table('provider_recognitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.String(length=300), nullable=True),
    sa.Column('declared_at', UTC(timezone=True), nullable=False),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['provider_orgs.id'], name=op.f('fk_provider_recognitions_org_id_provider_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_provider_recognitions_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_recognitions'))
    )
    op.create_index(op.f('ix_provider_recognitions_org_id'), 'provider_recognitions', ['org_id'], unique=False)

    op.create_table('solutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('cloud_kinds', sa.JSON(), nullable=False),
    sa.Column('clusters', sa.JSON(), nullable=False),
    sa.Column('sizes', sa.JSON(), nullable=False),
    sa.Column('deployments', sa.JSON(), nullable=False),
    sa.Column('price_band', sa.String(length=20), nullable=True),
    sa.Column('duration', sa.String(length=20), nullable=True),
    sa.Column('support_listed', sa.Boolean(), nullable=False),
    sa.Column('support_note', sa.String(length=300), nullable=True),
    sa.Column('support_verified_on', sa.Date(), nullable=True),
    sa.Column('support_verified_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('moderation_reason', sa.String(length=300), nullable=True),
    sa.Column('moderated_at', UTC(timezone=True), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.Column('updated_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['provider_orgs.id'], name=op.f('fk_solutions_org_id_provider_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['support_verified_by_id'], ['users.id'], name=op.f('fk_solutions_support_verified_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_solutions_moderated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solutions'))
    )
    op.create_index(op.f('ix_solutions_org_id'), 'solutions', ['org_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('SHARE', 'ASSIST', name='consentmode', native_enum=False, length=10), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('expires_at', UTC(timezone=True), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', UTC(timezone=True), nullable=False),
    sa.Column('revoked_at', UTC(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_consents_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_consents_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_org_id'], ['provider_orgs.id'], name=op.f('fk_consents_provider_org_id_provider_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_consents_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_consents_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    op.create_index(op.f('ix_consents_company_id'), 'consents', ['company_id'], unique=False)
    op.create_index(op.f('ix_consents_assessment_id'), 'consents', ['assessment_id'], unique=False)
    op.create_index(op.f('ix_consents_provider_org_id'), 'consents', ['provider_org_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=80), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=True),
    sa.Column('org_name', sa.String(length=120), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_audit_events_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_audit_events_assessment_id_assessments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_org_id'], ['provider_orgs.id'], name=op.f('fk_audit_events_provider_org_id_provider_orgs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    op.create_index(op.f('ix_audit_events_company_id'), 'audit_events', ['company_id'], unique=False)
    op.create_index(op.f('ix_audit_events_at'), 'audit_events', ['at'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=False),
    sa.Column('solution_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.String(length=60), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_recommendations_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_recommendations_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_org_id'], ['provider_orgs.id'], name=op.f('fk_recommendations_provider_org_id_provider_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['solution_id'], ['solutions.id'], name=op.f('fk_recommendations_solution_id_solutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_recommendations_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations'))
    )
    op.create_index(op.f('ix_recommendations_company_id'), 'recommendations', ['company_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_recommendations_company_id'), table_name='recommendations')
    op.drop_table('recommendations')
    op.drop_index(op.f('ix_audit_events_at'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_company_id'), table_name='audit_events')
    op.drop_table('audit_events')
    op.drop_index(op.f('ix_consents_provider_org_id'), table_name='consents')
    op.drop_index(op.f('ix_consents_assessment_id'), table_name='consents')
    op.drop_index(op.f('ix_consents_company_id'), table_name='consents')
    op.drop_table('consents')
    op.drop_index(op.f('ix_solutions_org_id'), table_name='solutions')
    op.drop_table('solutions')
    op.drop_index(op.f('ix_provider_recognitions_org_id'), table_name='provider_recognitions')
    op.drop_table('provider_recognitions')
    with op.batch_alter_table('answer_changes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answer_changes_acting_provider_org_id_provider_orgs'), type_='foreignkey')
        batch_op.drop_column('acting_provider_org_id')
    with op.batch_alter_table('provider_orgs', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('website')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('description')
        batch_op.drop_column('service_types')
        batch_op.drop_column('cities_served')
