"""Schema 4: SEN support plans (kept version by version) and meetings with families.

Revision ID: 0004
Revises: 0003_planning
Create Date: 2026-12-02 06:31:19.979430
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_planning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learning_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("home_help", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("pupil_voice", sa.Text(), nullable=False),
        sa.Column("parent_views", sa.Text(), nullable=False),
        sa.Column("review_notes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "reviewed_on IS NULL OR reviewed_on >= started_on",
            name=op.f("ck_learning_plans_reviewed_after_start"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_learning_plans_version_positive")),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_learning_plans_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_plans")),
        sa.UniqueConstraint("pupil_id", "version", name="uq_learning_plans_pupil_version"),
    )
    with op.batch_alter_table("learning_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_plans_pupil_id"), ["pupil_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_learning_plans_reviewed_on"), ["reviewed_on"], unique=False
        )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("parents_present", sa.Text(), nullable=False),
        sa.Column("pupil_present", sa.Boolean(), nullable=False),
        sa.Column("staff_present", sa.Text(), nullable=False),
        sa.Column("professionals_present", sa.Text(), nullable=False),
        sa.Column("discussed", sa.Text(), nullable=False),
        sa.Column("agreed", sa.Text(), nullable=False),
        sa.Column("family_given_copy", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_meetings_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "meeting_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_actions_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_meeting_actions_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_actions")),
    )
    with op.batch_alter_table("meeting_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_actions_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_actions_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_actions_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "plan_provisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["provision_groups.id"],
            name=op.f("fk_plan_provisions_group_id_provision_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["learning_plans.id"],
            name=op.f("fk_plan_provisions_plan_id_learning_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provisions.id"],
            name=op.f("fk_plan_provisions_provision_id_provisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_plan_provisions_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_provisions")),
    )
    with op.batch_alter_table("plan_provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_provisions_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_provisions_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_provisions_provision_id"), ["provision_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_provisions_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Text(), nullable=False),
        sa.Column("success_criterion", sa.Text(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "result IS NULL OR result IN ('achieved', 'partly', 'not_yet')",
            name=op.f("ck_plan_targets_result_known"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["learning_plans.id"],
            name=op.f("fk_plan_targets_plan_id_learning_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_plan_targets_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_targets")),
    )
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_targets_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_targets_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "plan_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ehcp_outcome_id", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ehcp_outcome_id"],
            ["ehcp_outcomes.id"],
            name=op.f("fk_plan_outcomes_ehcp_outcome_id_ehcp_outcomes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["learning_plans.id"],
            name=op.f("fk_plan_outcomes_plan_id_learning_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_plan_outcomes_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_outcomes")),
    )
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_outcomes_ehcp_outcome_id"), ["ehcp_outcome_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_outcomes_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_outcomes_pupil_id"), ["pupil_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_outcomes_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_plan_outcomes_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_outcomes_ehcp_outcome_id"))

    op.drop_table("plan_outcomes")
    with op.batch_alter_table("plan_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_targets_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_plan_targets_plan_id"))

    op.drop_table("plan_targets")
    with op.batch_alter_table("plan_provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_provisions_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_plan_provisions_provision_id"))
        batch_op.drop_index(batch_op.f("ix_plan_provisions_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_provisions_group_id"))

    op.drop_table("plan_provisions")
    with op.batch_alter_table("meeting_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_actions_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_actions_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_actions_due_on"))

    op.drop_table("meeting_actions")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_held_on"))

    op.drop_table("meetings")
    with op.batch_alter_table("learning_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_plans_reviewed_on"))
        batch_op.drop_index(batch_op.f("ix_learning_plans_pupil_id"))

    op.drop_table("learning_plans")
