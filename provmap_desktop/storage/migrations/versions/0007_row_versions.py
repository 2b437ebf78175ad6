"""Schema 7: every row the app edits counts its saved versions (two people at once).

Revision ID: 0007_row_versions
Revises: 0006_annual_reviews
Create Date: 2026-12-02 11:30:00

An ``UPDATE`` or ``DELETE`` names the version it read, so an edit made on data someone
else has since saved matches no row and is refused (optimistic concurrency). Existing
rows start at version 1. Adding a column with a constant default needs no copy of the
table on SQLite or PostgreSQL, so plain ``ALTER TABLE`` is used on both.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_row_versions"
down_revision = "0006_annual_reviews"
branch_labels = None
depends_on = None

#: Every table but the audit log, which is only ever added to.
VERSIONED_TABLES = (
    "school_settings",
    "academic_years",
    "terms",
    "year_groups",
    "classes",
    "staff_roles",
    "staff",
    "funding_streams",
    "funding_budgets",
    "provisions",
    "provision_groups",
    "group_slots",
    "group_memberships",
    "pupils",
    "pupil_years",
    "pupil_profiles",
    "ehcps",
    "ehcp_outcomes",
    "ehcp_provision_items",
    "reviews",
    "delivery_sessions",
    "session_attendance",
    "planned_needs",
    "trainings",
    "staff_trainings",
    "learning_plans",
    "plan_outcomes",
    "plan_targets",
    "plan_provisions",
    "meetings",
    "meeting_actions",
    "custom_fields",
    "custom_field_values",
    "pupil_documents",
    "document_contents",
    "ehcp_annual_reviews",
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        op.add_column(
            table,
            sa.Column("row_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        )


def downgrade() -> None:
    # SQLite drops a plain column in place since 3.35 (Python 3.11 ships a later one).
    for table in reversed(VERSIONED_TABLES):
        op.drop_column(table, "row_version")
