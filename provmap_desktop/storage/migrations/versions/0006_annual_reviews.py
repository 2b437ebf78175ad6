"""Schema 6: EHC plan annual reviews (the meeting, the statutory steps, what was said).

Revision ID: 0006_annual_reviews
Revises: 0005_fields_documents
Create Date: 2026-12-02 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_annual_reviews"
down_revision = "0005_fields_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ehcp_annual_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ehcp_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("views_sought_on", sa.Date(), nullable=True),
        sa.Column("reports_sent_on", sa.Date(), nullable=True),
        sa.Column("report_sent_on", sa.Date(), nullable=True),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("pupil_views", sa.Text(), nullable=False),
        sa.Column("parent_views", sa.Text(), nullable=False),
        sa.Column("proposed_amendments", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "report_sent_on IS NULL OR (meeting_on IS NOT NULL AND report_sent_on >= meeting_on)",
            name=op.f("ck_ehcp_annual_reviews_report_after_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["ehcp_id"],
            ["ehcps.id"],
            name=op.f("fk_ehcp_annual_reviews_ehcp_id_ehcps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_ehcp_annual_reviews_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcp_annual_reviews")),
    )
    op.create_index(
        op.f("ix_ehcp_annual_reviews_ehcp_id"), "ehcp_annual_reviews", ["ehcp_id"], unique=False
    )
    op.create_index(
        op.f("ix_ehcp_annual_reviews_meeting_on"),
        "ehcp_annual_reviews",
        ["meeting_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_ehcp_annual_reviews_pupil_id"), "ehcp_annual_reviews", ["pupil_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ehcp_annual_reviews_pupil_id"), table_name="ehcp_annual_reviews")
    op.drop_index(op.f("ix_ehcp_annual_reviews_meeting_on"), table_name="ehcp_annual_reviews")
    op.drop_index(op.f("ix_ehcp_annual_reviews_ehcp_id"), table_name="ehcp_annual_reviews")
    op.drop_table("ehcp_annual_reviews")
