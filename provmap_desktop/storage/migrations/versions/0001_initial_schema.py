"""Schema 1: the whole domain model (first release).

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:20:17.430242
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "academic_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=7), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_academic_years_dates_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_academic_years")),
        sa.UniqueConstraint("label", name=op.f("uq_academic_years_label")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "funding_streams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "kind IN ('notional_sen', 'pupil_premium', 'high_needs', 'other')",
            name=op.f("ck_funding_streams_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_streams")),
        sa.UniqueConstraint("name", name=op.f("uq_funding_streams_name")),
    )
    op.create_table(
        "school_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("urn", sa.String(length=10), nullable=False),
        sa.Column("la_number", sa.String(length=3), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("teaching_weeks_per_year", sa.Integer(), nullable=False),
        sa.Column("sen_threshold", sa.Integer(), nullable=False),
        sa.Column("near_threshold_margin", sa.Integer(), nullable=False),
        sa.Column("rag_green", sa.Integer(), nullable=False),
        sa.Column("rag_amber", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_school_settings_single_row")),
        sa.CheckConstraint(
            "near_threshold_margin >= 0", name=op.f("ck_school_settings_margin_non_negative")
        ),
        sa.CheckConstraint("rag_amber <= rag_green", name=op.f("ck_school_settings_rag_order")),
        sa.CheckConstraint(
            "sen_threshold >= 0", name=op.f("ck_school_settings_threshold_non_negative")
        ),
        sa.CheckConstraint(
            "teaching_weeks_per_year BETWEEN 1 AND 52", name=op.f("ck_school_settings_weeks_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_settings")),
    )
    op.create_table(
        "staff_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("hourly_cost", sa.Integer(), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.CheckConstraint("hourly_cost >= 0", name=op.f("ck_staff_roles_cost_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_roles")),
        sa.UniqueConstraint("name", name=op.f("uq_staff_roles_name")),
    )
    op.create_table(
        "year_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_year_groups_name")),
        sa.UniqueConstraint("sort_order", name=op.f("uq_year_groups_sort_order")),
    )
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("year_group_id", sa.Integer(), nullable=True),
        sa.Column("teacher", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["year_group_id"],
            ["year_groups.id"],
            name=op.f("fk_classes_year_group_id_year_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("name", name=op.f("uq_classes_name")),
    )
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classes_year_group_id"), ["year_group_id"], unique=False
        )

    op.create_table(
        "funding_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funding_stream_id", sa.Integer(), nullable=False),
        sa.Column("academic_year_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_funding_budgets_amount_non_negative")),
        sa.ForeignKeyConstraint(
            ["academic_year_id"],
            ["academic_years.id"],
            name=op.f("fk_funding_budgets_academic_year_id_academic_years"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["funding_stream_id"],
            ["funding_streams.id"],
            name=op.f("fk_funding_budgets_funding_stream_id_funding_streams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_budgets")),
        sa.UniqueConstraint("funding_stream_id", "academic_year_id", name="uq_budget_stream_year"),
    )
    op.create_table(
        "provisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=4), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("delivered_by_role_id", sa.Integer(), nullable=True),
        sa.Column("external_agency", sa.String(length=80), nullable=False),
        sa.Column("session_minutes", sa.Integer(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("resources_cost", sa.Integer(), nullable=False),
        sa.Column("external_cost_per_session", sa.Integer(), nullable=False),
        sa.Column("entry_criteria", sa.Text(), nullable=False),
        sa.Column("exit_criteria", sa.Text(), nullable=False),
        sa.Column("funding_stream_id", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "area IN ('CI', 'CL', 'SEMH', 'SP')", name=op.f("ck_provisions_area_known")
        ),
        sa.CheckConstraint(
            "external_cost_per_session >= 0", name=op.f("ck_provisions_external_non_negative")
        ),
        sa.CheckConstraint("group_size >= 1", name=op.f("ck_provisions_group_size_positive")),
        sa.CheckConstraint(
            "resources_cost >= 0", name=op.f("ck_provisions_resources_non_negative")
        ),
        sa.CheckConstraint("session_minutes >= 0", name=op.f("ck_provisions_minutes_non_negative")),
        sa.CheckConstraint(
            "sessions_per_week >= 0", name=op.f("ck_provisions_sessions_non_negative")
        ),
        sa.CheckConstraint("wave IN (1, 2, 3)", name=op.f("ck_provisions_wave_known")),
        sa.CheckConstraint("weeks >= 0", name=op.f("ck_provisions_weeks_non_negative")),
        sa.ForeignKeyConstraint(
            ["delivered_by_role_id"],
            ["staff_roles.id"],
            name=op.f("fk_provisions_delivered_by_role_id_staff_roles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["funding_stream_id"],
            ["funding_streams.id"],
            name=op.f("fk_provisions_funding_stream_id_funding_streams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisions")),
        sa.UniqueConstraint("name", name=op.f("uq_provisions_name")),
    )
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provisions_area"), ["area"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("hourly_cost_override", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "hourly_cost_override IS NULL OR hourly_cost_override >= 0",
            name=op.f("ck_staff_cost_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["staff_roles.id"], name=op.f("fk_staff_role_id_staff_roles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_role_id"), ["role_id"], unique=False)

    op.create_table(
        "terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("half_term_start", sa.Date(), nullable=True),
        sa.Column("half_term_end", sa.Date(), nullable=True),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_terms_dates_ordered")),
        sa.CheckConstraint(
            "half_term_start IS NULL OR half_term_end >= half_term_start",
            name=op.f("ck_terms_half_term_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["academic_year_id"],
            ["academic_years.id"],
            name=op.f("fk_terms_academic_year_id_academic_years"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms")),
        sa.UniqueConstraint("academic_year_id", "name", name="uq_terms_year_name"),
    )
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_terms_academic_year_id"), ["academic_year_id"], unique=False
        )

    op.create_table(
        "provision_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("academic_year_id", sa.Integer(), nullable=False),
        sa.Column("year_group_id", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=True),
        sa.Column("session_minutes", sa.Integer(), nullable=True),
        sa.Column("max_size", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=60), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_provision_groups_dates_ordered")
        ),
        sa.CheckConstraint(
            "max_size IS NULL OR max_size >= 1", name=op.f("ck_provision_groups_size_positive")
        ),
        sa.CheckConstraint(
            "session_minutes IS NULL OR session_minutes >= 0",
            name=op.f("ck_provision_groups_minutes_non_negative"),
        ),
        sa.CheckConstraint(
            "sessions_per_week IS NULL OR sessions_per_week >= 0",
            name=op.f("ck_provision_groups_sessions_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["academic_year_id"],
            ["academic_years.id"],
            name=op.f("fk_provision_groups_academic_year_id_academic_years"),
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_provision_groups_class_id_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provisions.id"],
            name=op.f("fk_provision_groups_provision_id_provisions"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_provision_groups_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["year_group_id"],
            ["year_groups.id"],
            name=op.f("fk_provision_groups_year_group_id_year_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_groups")),
    )
    with op.batch_alter_table("provision_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provision_groups_academic_year_id"), ["academic_year_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_provision_groups_provision_id"), ["provision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_provision_groups_staff_id"), ["staff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_provision_groups_year_group_id"), ["year_group_id"], unique=False
        )

    op.create_table(
        "provision_year_groups",
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("year_group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provisions.id"],
            name=op.f("fk_provision_year_groups_provision_id_provisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["year_group_id"],
            ["year_groups.id"],
            name=op.f("fk_provision_year_groups_year_group_id_year_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "provision_id", "year_group_id", name=op.f("pk_provision_year_groups")
        ),
    )
    op.create_table(
        "pupils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upn", sa.String(length=13), nullable=False),
        sa.Column("surname", sa.String(length=100), nullable=False),
        sa.Column("forename", sa.String(length=100), nullable=False),
        sa.Column("preferred_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("year_group_id", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("sen_status", sa.String(length=1), nullable=False),
        sa.Column("primary_need", sa.String(length=4), nullable=True),
        sa.Column("secondary_need", sa.String(length=4), nullable=True),
        sa.Column("sen_start_date", sa.Date(), nullable=True),
        sa.Column("sen_notes", sa.Text(), nullable=False),
        sa.Column("eal", sa.Boolean(), nullable=False),
        sa.Column("pupil_premium", sa.Boolean(), nullable=False),
        sa.Column("fsm", sa.Boolean(), nullable=False),
        sa.Column("cla", sa.Boolean(), nullable=False),
        sa.Column("on_roll_date", sa.Date(), nullable=True),
        sa.Column("leaving_date", sa.Date(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.CheckConstraint("gender IN ('M', 'F', 'X', '')", name=op.f("ck_pupils_gender_known")),
        sa.CheckConstraint(
            "primary_need IS NULL OR primary_need IN ('SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI', 'MSI', 'PD', 'ASD', 'OTH', 'NSA')",
            name=op.f("ck_pupils_primary_known"),
        ),
        sa.CheckConstraint(
            "secondary_need IS NULL OR secondary_need IN ('SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI', 'MSI', 'PD', 'ASD', 'OTH', 'NSA')",
            name=op.f("ck_pupils_secondary_known"),
        ),
        sa.CheckConstraint(
            "sen_status IN ('N', 'K', 'E')", name=op.f("ck_pupils_sen_status_known")
        ),
        sa.CheckConstraint(
            "leaving_date IS NULL OR on_roll_date IS NULL OR leaving_date >= on_roll_date",
            name=op.f("ck_pupils_leaving_after_joining"),
        ),
        sa.CheckConstraint("length(upn) = 13", name=op.f("ck_pupils_upn_length")),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_pupils_class_id_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["year_group_id"],
            ["year_groups.id"],
            name=op.f("fk_pupils_year_group_id_year_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pupils")),
        sa.UniqueConstraint("upn", name=op.f("uq_pupils_upn")),
    )
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pupils_archived"), ["archived"], unique=False)
        batch_op.create_index(batch_op.f("ix_pupils_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pupils_sen_status"), ["sen_status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pupils_year_group_id"), ["year_group_id"], unique=False
        )

    op.create_table(
        "delivery_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("cancel_reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("late_entry", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "cancel_reason IS NULL OR cancel_reason IN ('staff_absent', 'pupil_absent', 'trip_or_event', 'other')",
            name=op.f("ck_delivery_sessions_reason_known"),
        ),
        sa.CheckConstraint(
            "status IN ('delivered', 'cancelled')", name=op.f("ck_delivery_sessions_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["provision_groups.id"],
            name=op.f("fk_delivery_sessions_group_id_provision_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_delivery_sessions_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_sessions")),
        sa.UniqueConstraint("group_id", "session_date", name="uq_delivery_sessions_group_day"),
    )
    with op.batch_alter_table("delivery_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_sessions_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delivery_sessions_session_date"), ["session_date"], unique=False
        )

    op.create_table(
        "ehcps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("issued_date", sa.Date(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("la_reference", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "next_review_date IS NULL OR issued_date IS NULL OR next_review_date >= issued_date",
            name=op.f("ck_ehcps_review_after_issue"),
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupils.id"], name=op.f("fk_ehcps_pupil_id_pupils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcps")),
        sa.UniqueConstraint("pupil_id", name=op.f("uq_ehcps_pupil_id")),
    )
    op.create_table(
        "group_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("join_date", sa.Date(), nullable=False),
        sa.Column("leave_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "leave_date IS NULL OR leave_date >= join_date",
            name=op.f("ck_group_memberships_leave_after_join"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["provision_groups.id"],
            name=op.f("fk_group_memberships_group_id_provision_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_group_memberships_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_memberships")),
    )
    with op.batch_alter_table("group_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_memberships_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_memberships_pupil_id"), ["pupil_id"], unique=False
        )

    op.create_table(
        "group_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_group_slots_weekday_range")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["provision_groups.id"],
            name=op.f("fk_group_slots_group_id_provision_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_slots")),
        sa.UniqueConstraint("group_id", "weekday", "start_time", name="uq_group_slots_slot"),
    )
    with op.batch_alter_table("group_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_slots_group_id"), ["group_id"], unique=False)

    op.create_table(
        "pupil_profiles",
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("like_and_admire", sa.Text(), nullable=False),
        sa.Column("important_to_me", sa.Text(), nullable=False),
        sa.Column("how_to_support", sa.Text(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("pupil_voice", sa.Text(), nullable=False),
        sa.Column("parent_views", sa.Text(), nullable=False),
        sa.Column("external_agencies", sa.Text(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_pupil_profiles_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pupil_id", name=op.f("pk_pupil_profiles")),
    )
    op.create_table(
        "ehcp_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ehcp_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ehcp_id"],
            ["ehcps.id"],
            name=op.f("fk_ehcp_outcomes_ehcp_id_ehcps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcp_outcomes")),
    )
    with op.batch_alter_table("ehcp_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ehcp_outcomes_ehcp_id"), ["ehcp_id"], unique=False)

    op.create_table(
        "ehcp_provision_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ehcp_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("minutes_per_week", sa.Integer(), nullable=True),
        sa.Column("provision_id", sa.Integer(), nullable=True),
        sa.Column("membership_id", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "minutes_per_week IS NULL OR minutes_per_week >= 0",
            name=op.f("ck_ehcp_provision_items_minutes_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["ehcp_id"],
            ["ehcps.id"],
            name=op.f("fk_ehcp_provision_items_ehcp_id_ehcps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["group_memberships.id"],
            name=op.f("fk_ehcp_provision_items_membership_id_group_memberships"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provisions.id"],
            name=op.f("fk_ehcp_provision_items_provision_id_provisions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcp_provision_items")),
    )
    with op.batch_alter_table("ehcp_provision_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ehcp_provision_items_ehcp_id"), ["ehcp_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ehcp_provision_items_membership_id"), ["membership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ehcp_provision_items_provision_id"), ["provision_id"], unique=False
        )

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=True),
        sa.Column("baseline_type", sa.String(length=20), nullable=False),
        sa.Column("baseline_value", sa.Text(), nullable=False),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("outcome_sought", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("target_value", sa.String(length=40), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("outcome_value", sa.Text(), nullable=False),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("target_met", sa.String(length=10), nullable=True),
        sa.Column("pupil_voice", sa.Text(), nullable=False),
        sa.Column("parent_views", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("escalate_to", sa.String(length=80), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "baseline_type IN ('reading_age', 'spelling_age', 'standardised_score', 'count', 'rating', 'free_text')",
            name=op.f("ck_reviews_measure_known"),
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('continue', 'modify', 'escalate', 'exit')",
            name=op.f("ck_reviews_decision"),
        ),
        sa.CheckConstraint(
            "target_met IS NULL OR target_met IN ('met', 'partly', 'not_met')",
            name=op.f("ck_reviews_target_met_known"),
        ),
        sa.CheckConstraint(
            "review_date IS NULL OR baseline_date IS NULL OR review_date >= baseline_date",
            name=op.f("ck_reviews_review_after_baseline"),
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["group_memberships.id"],
            name=op.f("fk_reviews_membership_id_group_memberships"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupils.id"], name=op.f("fk_reviews_pupil_id_pupils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviews_membership_id"), ["membership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reviews_pupil_id"), ["pupil_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_review_date"), ["review_date"], unique=False)

    op.create_table(
        "session_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("absence_reason", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupils.id"],
            name=op.f("fk_session_attendance_pupil_id_pupils"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["delivery_sessions.id"],
            name=op.f("fk_session_attendance_session_id_delivery_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_attendance")),
        sa.UniqueConstraint("session_id", "pupil_id", name="uq_session_attendance_pupil"),
    )
    with op.batch_alter_table("session_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_attendance_pupil_id"), ["pupil_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_session_attendance_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("session_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_attendance_session_id"))
        batch_op.drop_index(batch_op.f("ix_session_attendance_pupil_id"))

    op.drop_table("session_attendance")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_review_date"))
        batch_op.drop_index(batch_op.f("ix_reviews_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_membership_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("ehcp_provision_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ehcp_provision_items_provision_id"))
        batch_op.drop_index(batch_op.f("ix_ehcp_provision_items_membership_id"))
        batch_op.drop_index(batch_op.f("ix_ehcp_provision_items_ehcp_id"))

    op.drop_table("ehcp_provision_items")
    with op.batch_alter_table("ehcp_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ehcp_outcomes_ehcp_id"))

    op.drop_table("ehcp_outcomes")
    op.drop_table("pupil_profiles")
    with op.batch_alter_table("group_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_slots_group_id"))

    op.drop_table("group_slots")
    with op.batch_alter_table("group_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_memberships_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_group_memberships_group_id"))

    op.drop_table("group_memberships")
    op.drop_table("ehcps")
    with op.batch_alter_table("delivery_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_sessions_session_date"))
        batch_op.drop_index(batch_op.f("ix_delivery_sessions_group_id"))

    op.drop_table("delivery_sessions")
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pupils_year_group_id"))
        batch_op.drop_index(batch_op.f("ix_pupils_sen_status"))
        batch_op.drop_index(batch_op.f("ix_pupils_class_id"))
        batch_op.drop_index(batch_op.f("ix_pupils_archived"))

    op.drop_table("pupils")
    op.drop_table("provision_year_groups")
    with op.batch_alter_table("provision_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provision_groups_year_group_id"))
        batch_op.drop_index(batch_op.f("ix_provision_groups_staff_id"))
        batch_op.drop_index(batch_op.f("ix_provision_groups_provision_id"))
        batch_op.drop_index(batch_op.f("ix_provision_groups_academic_year_id"))

    op.drop_table("provision_groups")
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_academic_year_id"))

    op.drop_table("terms")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_role_id"))

    op.drop_table("staff")
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provisions_area"))

    op.drop_table("provisions")
    op.drop_table("funding_budgets")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classes_year_group_id"))

    op.drop_table("classes")
    op.drop_table("year_groups")
    op.drop_table("staff_roles")
    op.drop_table("school_settings")
    op.drop_table("funding_streams")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    op.drop_table("academic_years")
