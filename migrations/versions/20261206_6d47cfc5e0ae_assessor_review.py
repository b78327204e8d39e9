"""Assessor review: bureaus appoint assessors (provider users), who confirm or adjust submitted MIIT
assessments item by item; the confirmed level is stored beside the self-reported one.

Revision ID: 6d47cfc5e0ae
Revises: e2f7a4c9b1d6
Create Date: 2026-12-06 15:53:38.950297

"""

import sqlalchemy as sa
from alembic import op

import portal.models._common

# revision identifiers, used by Alembic.
revision = "6d47cfc5e0ae"
down_revision = "e2f7a4c9b1d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessor_appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("appointed_by_id", sa.Integer(), nullable=True),
        sa.Column("appointed_at", portal.models._common.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", portal.models._common.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointed_by_id"],
            ["users.id"],
            name=op.f("fk_assessor_appointments_appointed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assessor_appointments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessor_appointments")),
    )
    with op.batch_alter_table("assessor_appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessor_appointments_user_id"), ["user_id"], unique=False)

    op.create_table(
        "assessment_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("assessor_name", sa.String(length=80), nullable=False),
        sa.Column("org_name", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum("OPEN", "SIGNED_OFF", name="reviewstatus", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("started_at", portal.models._common.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_off_at", portal.models._common.UTCDateTime(timezone=True), nullable=True),
        sa.Column("engine_version", sa.String(length=20), nullable=True),
        sa.Column("confirmed_result", sa.JSON(), nullable=True),
        sa.Column("confirmed_miit_points", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("confirmed_miit_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["assessor_appointments.id"],
            name=op.f("fk_assessment_reviews_appointment_id_assessor_appointments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_reviews_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["users.id"],
            name=op.f("fk_assessment_reviews_assessor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_reviews")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_assessment_reviews_assessment_id")),
    )
    with op.batch_alter_table("assessment_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_reviews_signed_off_at"), ["signed_off_at"], unique=False
        )

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("CONFIRM", "ADJUST", "REJECT", name="decision", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("submitted_value", sa.JSON(), nullable=True),
        sa.Column("adjusted_value", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_at", portal.models._common.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["assessment_reviews.id"],
            name=op.f("fk_review_decisions_review_id_assessment_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
        sa.UniqueConstraint("review_id", "item_id", name="uq_review_decision_item"),
    )


def downgrade() -> None:
    op.drop_table("review_decisions")
    with op.batch_alter_table("assessment_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_reviews_signed_off_at"))

    op.drop_table("assessment_reviews")
    with op.batch_alter_table("assessor_appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessor_appointments_user_id"))

    op.drop_table("assessor_appointments")
