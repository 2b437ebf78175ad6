"""Schema: next year's plan: needs planned by hand, training, staff intervention hours.

Revision ID: 0003_planning
Revises: 0002
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_planning"
down_revision = "0002"
branch_labels = None
depends_on = None

_AREAS = "('CI', 'CL', 'SEMH', 'SP')"
_NEEDS = (
    "('SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI', 'MSI', 'PD', 'ASD', 'OTH', 'NSA')"
)


def upgrade() -> None:
    op.create_table(
        "trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
        sa.UniqueConstraint("name", name=op.f("uq_trainings_name")),
    )
    op.create_table(
        "planned_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year_label", sa.String(length=7), nullable=False),
        sa.Column("year_group_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=4), nullable=False),
        sa.Column("need_type", sa.String(length=4), nullable=True),
        sa.Column("pupils", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=6), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(f"area IN {_AREAS}", name=op.f("ck_planned_needs_area_known")),
        sa.CheckConstraint(
            f"need_type IS NULL OR need_type IN {_NEEDS}", name=op.f("ck_planned_needs_need_known")
        ),
        sa.CheckConstraint(
            "grade IN ('must', 'should', 'could')", name=op.f("ck_planned_needs_grade_known")
        ),
        sa.CheckConstraint("pupils >= 1", name=op.f("ck_planned_needs_pupils_positive")),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_planned_needs_class_id_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["year_group_id"],
            ["year_groups.id"],
            name=op.f("fk_planned_needs_year_group_id_year_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_needs")),
    )
    with op.batch_alter_table("planned_needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planned_needs_academic_year_label"), ["academic_year_label"]
        )
        batch_op.create_index(batch_op.f("ix_planned_needs_year_group_id"), ["year_group_id"])
    op.create_table(
        "provision_trainings",
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provisions.id"],
            name=op.f("fk_provision_trainings_provision_id_provisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_provision_trainings_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("provision_id", "training_id", name=op.f("pk_provision_trainings")),
    )
    op.create_table(
        "staff_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_trainings_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_staff_trainings_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_trainings")),
        sa.UniqueConstraint("staff_id", "training_id", name="uq_staff_trainings_pair"),
    )
    with op.batch_alter_table("staff_trainings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_trainings_staff_id"), ["staff_id"])
        batch_op.create_index(batch_op.f("ix_staff_trainings_training_id"), ["training_id"])
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intervention_minutes", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "intervention_non_negative",
            "intervention_minutes IS NULL OR intervention_minutes >= 0",
        )


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_staff_intervention_non_negative"), type_="check")
        batch_op.drop_column("intervention_minutes")
    with op.batch_alter_table("staff_trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_trainings_training_id"))
        batch_op.drop_index(batch_op.f("ix_staff_trainings_staff_id"))
    op.drop_table("staff_trainings")
    op.drop_table("provision_trainings")
    with op.batch_alter_table("planned_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planned_needs_year_group_id"))
        batch_op.drop_index(batch_op.f("ix_planned_needs_academic_year_label"))
    op.drop_table("planned_needs")
    op.drop_table("trainings")
