"""Schema 5: custom pupil fields with their values, and documents attached to pupils.

Revision ID: 0005_fields_documents
Revises: 0004
Create Date: 2026-12-02 11:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_fields_documents"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('text', 'long_text', 'date', 'yes_no', 'choice')",
            name=op.f("ck_custom_fields_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("name", name=op.f("uq_custom_fields_name")),
    )
    op.create_table(
        "custom_field_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["custom_fields.id"],
            name=op.f("fk_custom_field_values_field_id_custom_fields"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_custom_field_values_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field_values")),
        sa.UniqueConstraint("field_id", "pupil_id", name="uq_custom_field_values_field_pupil"),
    )
    op.create_index(
        op.f("ix_custom_field_values_field_id"), "custom_field_values", ["field_id"], unique=False
    )
    op.create_index(
        op.f("ix_custom_field_values_pupil_id"), "custom_field_values", ["pupil_id"], unique=False
    )
    op.create_table(
        "pupil_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_pupil_documents_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_pupil_documents_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pupil_documents")),
    )
    op.create_index(
        op.f("ix_pupil_documents_pupil_id"), "pupil_documents", ["pupil_id"], unique=False
    )
    op.create_table(
        "document_contents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["pupil_documents.id"],
            name=op.f("fk_document_contents_document_id_pupil_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_document_contents_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_contents")),
        sa.UniqueConstraint("document_id", name=op.f("uq_document_contents_document_id")),
    )
    op.create_index(
        op.f("ix_document_contents_pupil_id"), "document_contents", ["pupil_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_contents_pupil_id"), table_name="document_contents")
    op.drop_table("document_contents")
    op.drop_index(op.f("ix_pupil_documents_pupil_id"), table_name="pupil_documents")
    op.drop_table("pupil_documents")
    op.drop_index(op.f("ix_custom_field_values_pupil_id"), table_name="custom_field_values")
    op.drop_index(op.f("ix_custom_field_values_field_id"), table_name="custom_field_values")
    op.drop_table("custom_field_values")
    op.drop_table("custom_fields")
