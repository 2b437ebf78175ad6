"""Schema 2: closing an academic year at the year-end rollover.

``academic_years.closed_on`` marks a year the school has moved on from (kept as it
was, read-only), and ``pupil_years`` records each pupil's year group and class in a
closed year, so last year's map shows pupils where they were then.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("academic_years", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    op.create_table(
        "pupil_years",
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("academic_year_id", sa.Integer(), nullable=False),
        sa.Column("year_group_id", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("left", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["academic_year_id"],
            ["academic_years.id"],
            name=op.f("fk_pupil_years_academic_year_id_academic_years"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_pupil_years_class_id_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_pupil_years_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["year_group_id"],
            ["year_groups.id"],
            name=op.f("fk_pupil_years_year_group_id_year_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("pupil_id", "academic_year_id", name=op.f("pk_pupil_years")),
    )
    with op.batch_alter_table("pupil_years", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pupil_years_academic_year_id"), ["academic_year_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pupil_years", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pupil_years_academic_year_id"))
    op.drop_table("pupil_years")
    with op.batch_alter_table("academic_years", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
