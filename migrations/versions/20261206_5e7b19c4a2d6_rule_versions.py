"""rule versions: every published rule file kept with its validity dates; pipeline rows name their version

Replaces rule_files (uploads that were simply active or not): an active upload becomes version 1 of its
program, published from the day it was uploaded; an inactive one stays a draft.

Revision ID: 5e7b19c4a2d6
Revises: 8c41f0d2a7e3
Create Date: 2026-12-06 13:00:00

"""

from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

import portal.models._common


revision = "5e7b19c4a2d6"
down_revision = "8c41f0d2a7e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", portal.models._common.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", portal.models._common.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", portal.models._common.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_rule_versions_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_rule_versions_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["users.id"],
            name=op.f("fk_rule_versions_withdrawn_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_versions")),
        sa.UniqueConstraint("program_id", "version", name="uq_rule_versions_program_version"),
    )
    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_versions_program_id"), ["program_id"], unique=False)

    # Earlier uploads: active → version 1, published from its upload day (China time); the others → drafts.
    bind = op.get_bind()
    old = sa.table(
        "rule_files",
        *(
            sa.column(n)
            for n in (
                "id",
                "program_id",
                "filename",
                "name_zh",
                "content",
                "content_hash",
                "uploaded_by_id",
                "active",
            )
        ),
        sa.column("uploaded_at", portal.models._common.UTCDateTime(timezone=True)),
    )
    new = sa.table(
        "rule_versions",
        *(
            sa.column(n)
            for n in (
                "id",
                "program_id",
                "version",
                "filename",
                "name_zh",
                "content",
                "content_hash",
                "status",
                "valid_from",
                "uploaded_by_id",
                "published_by_id",
            )
        ),
        sa.column("uploaded_at", portal.models._common.UTCDateTime(timezone=True)),
        sa.column("published_at", portal.models._common.UTCDateTime(timezone=True)),
    )
    china = ZoneInfo("Asia/Shanghai")
    rows = []
    for r in bind.execute(sa.select(old)).mappings():
        active = bool(r["active"])
        rows.append(
            {
                "id": r["id"],
                "program_id": r["program_id"],
                "version": 1 if active else None,
                "filename": r["filename"],
                "name_zh": r["name_zh"],
                "content": r["content"],
                "content_hash": r["content_hash"],
                "status": "published" if active else "draft",
                "valid_from": r["uploaded_at"].astimezone(china).date() if active else None,
                "uploaded_by_id": r["uploaded_by_id"],
                "uploaded_at": r["uploaded_at"],
                "published_by_id": r["uploaded_by_id"] if active else None,
                "published_at": r["uploaded_at"] if active else None,
            }
        )
    if rows:
        bind.execute(new.insert(), rows)
    if bind.dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('rule_versions', 'id'),"
            " COALESCE((SELECT MAX(id) FROM rule_versions), 0) + 1, false)"
        )

    with op.batch_alter_table("rule_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_files_program_id"))
    op.drop_table("rule_files")

    with op.batch_alter_table("bureau_program_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_bureau_program_status_rule_version_id_rule_versions"),
            "rule_versions",
            ["rule_version_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("bureau_program_status", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_bureau_program_status_rule_version_id_rule_versions"), type_="foreignkey"
        )
        batch_op.drop_column("rule_version_id")

    op.create_table(
        "rule_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", portal.models._common.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_rule_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_files")),
    )
    with op.batch_alter_table("rule_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_files_program_id"), ["program_id"], unique=False)
    # The newest published version of each program comes back active; withdrawn versions and drafts inactive.
    op.execute(
        "INSERT INTO rule_files (id, filename, program_id, name_zh, content, content_hash, uploaded_by_id,"
        " uploaded_at, active) SELECT id, filename, program_id, name_zh, content, content_hash, uploaded_by_id,"
        " uploaded_at, status = 'published' AND version = (SELECT MAX(v.version) FROM rule_versions v"
        " WHERE v.program_id = rule_versions.program_id AND v.status = 'published') FROM rule_versions"
    )
    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_versions_program_id"))
    op.drop_table("rule_versions")
