"""The school itself: settings, calendar, year groups, classes, staff, funding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .vocab import FundingKind, sql_in


class SchoolSettings(Versioned, Base):
    """One row: the school's details and the settings every calculation reads."""

    __tablename__ = "school_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("teaching_weeks_per_year BETWEEN 1 AND 52", name="weeks_range"),
        CheckConstraint("sen_threshold >= 0", name="threshold_non_negative"),
        CheckConstraint("near_threshold_margin >= 0", name="margin_non_negative"),
        CheckConstraint("rag_amber <= rag_green", name="rag_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(200))
    urn: Mapped[str] = mapped_column(String(10), default="")
    la_number: Mapped[str] = mapped_column(String(3), default="")
    phase: Mapped[str] = mapped_column(String(20), default="primary")
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    teaching_weeks_per_year: Mapped[int] = mapped_column(default=38)
    sen_threshold: Mapped[Decimal] = mapped_column(default=Decimal("6000.00"))
    near_threshold_margin: Mapped[Decimal] = mapped_column(default=Decimal("500.00"))
    rag_green: Mapped[int] = mapped_column(default=90)
    rag_amber: Mapped[int] = mapped_column(default=75)


class AcademicYear(Versioned, Base):
    __tablename__ = "academic_years"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(7), unique=True)  # "2026/27"
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    #: The day the school moved on to the next year; a closed year is kept as it was.
    closed_on: Mapped[dt.date | None]
    terms: Mapped[list[Term]] = relationship(
        back_populates="academic_year", order_by="Term.start_date", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def __repr__(self) -> str:
        return f"AcademicYear({self.label})"


class Term(Versioned, Base):
    """A term with its dates and the half-term holiday inside it."""

    __tablename__ = "terms"
    __table_args__ = (
        UniqueConstraint("academic_year_id", "name", name="uq_terms_year_name"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint(
            "half_term_start IS NULL OR half_term_end >= half_term_start", name="half_term_ordered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_years.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(20))  # Autumn, Spring, Summer
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    half_term_start: Mapped[dt.date | None]
    half_term_end: Mapped[dt.date | None]
    academic_year: Mapped[AcademicYear] = relationship(back_populates="terms")


class YearGroup(Versioned, Base):
    __tablename__ = "year_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)  # "Reception", "Year 4"
    sort_order: Mapped[int] = mapped_column(unique=True)  # NC year: Nursery -1, Reception 0

    def __repr__(self) -> str:
        return f"YearGroup({self.name})"


class SchoolClass(Versioned, Base):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    year_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("year_groups.id", ondelete="SET NULL"), index=True
    )
    teacher: Mapped[str] = mapped_column(String(100), default="")
    year_group: Mapped[YearGroup | None] = relationship()


class StaffRole(Versioned, Base):
    """A role with the school's hourly cost for it (salary plus on-costs)."""

    __tablename__ = "staff_roles"
    __table_args__ = (CheckConstraint("hourly_cost >= 0", name="cost_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    hourly_cost: Mapped[Decimal]
    external: Mapped[bool] = mapped_column(default=False)  # an agency (SaLT, EP, OT)


class Staff(Versioned, Base):
    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(
            "hourly_cost_override IS NULL OR hourly_cost_override >= 0", name="cost_non_negative"
        ),
        CheckConstraint(
            "intervention_minutes IS NULL OR intervention_minutes >= 0",
            name="intervention_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role_id: Mapped[int] = mapped_column(ForeignKey("staff_roles.id"), index=True)
    hourly_cost_override: Mapped[Decimal | None]
    active: Mapped[bool] = mapped_column(default=True)
    #: Contracted time for intervention work, in minutes a week (None: not set).
    intervention_minutes: Mapped[int | None]
    role: Mapped[StaffRole] = relationship()

    @property
    def hourly_cost(self) -> Decimal:
        """The member of staff's own rate where set, otherwise their role's."""
        if self.hourly_cost_override is not None:
            return self.hourly_cost_override
        return self.role.hourly_cost

    def __repr__(self) -> str:
        return f"Staff({self.name})"


class FundingStream(Versioned, Base):
    __tablename__ = "funding_streams"
    __table_args__ = (CheckConstraint(f"kind IN {sql_in(FundingKind)}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=FundingKind.OTHER.value)
    budgets: Mapped[list[FundingBudget]] = relationship(
        back_populates="stream", cascade="all, delete-orphan"
    )


class FundingBudget(Versioned, Base):
    __tablename__ = "funding_budgets"
    __table_args__ = (
        UniqueConstraint("funding_stream_id", "academic_year_id", name="uq_budget_stream_year"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funding_stream_id: Mapped[int] = mapped_column(
        ForeignKey("funding_streams.id", ondelete="CASCADE")
    )
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_years.id", ondelete="CASCADE")
    )
    amount: Mapped[Decimal]
    stream: Mapped[FundingStream] = relationship(back_populates="budgets")
    academic_year: Mapped[AcademicYear] = relationship()
