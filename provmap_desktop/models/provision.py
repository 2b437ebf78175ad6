"""The provision catalogue, the groups that run it, and who is in them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .planning import Training, provision_trainings
from .pupils import Pupil
from .school import AcademicYear, FundingStream, SchoolClass, Staff, StaffRole, YearGroup
from .vocab import AreaOfNeed, sql_in

provision_year_groups = Table(
    "provision_year_groups",
    Base.metadata,
    Column("provision_id", ForeignKey("provisions.id", ondelete="CASCADE"), primary_key=True),
    Column("year_group_id", ForeignKey("year_groups.id", ondelete="CASCADE"), primary_key=True),
)


class Provision(Versioned, Base):
    """A type of support in the school's catalogue, with its costing defaults."""

    __tablename__ = "provisions"
    __table_args__ = (
        CheckConstraint(f"area IN {sql_in(AreaOfNeed)}", name="area_known"),
        CheckConstraint("wave IN (1, 2, 3)", name="wave_known"),
        CheckConstraint("session_minutes >= 0", name="minutes_non_negative"),
        CheckConstraint("sessions_per_week >= 0", name="sessions_non_negative"),
        CheckConstraint("weeks >= 0", name="weeks_non_negative"),
        CheckConstraint("group_size >= 1", name="group_size_positive"),
        CheckConstraint("resources_cost >= 0", name="resources_non_negative"),
        CheckConstraint("external_cost_per_session >= 0", name="external_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(4), index=True)
    wave: Mapped[int] = mapped_column(default=2)
    delivered_by_role_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_roles.id", ondelete="SET NULL")
    )
    external_agency: Mapped[str] = mapped_column(String(80), default="")
    session_minutes: Mapped[int] = mapped_column(default=30)
    sessions_per_week: Mapped[int] = mapped_column(default=1)
    weeks: Mapped[int] = mapped_column(default=12)
    group_size: Mapped[int] = mapped_column(default=1)
    resources_cost: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    external_cost_per_session: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    entry_criteria: Mapped[str] = mapped_column(Text, default="")
    exit_criteria: Mapped[str] = mapped_column(Text, default="")
    funding_stream_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_streams.id", ondelete="SET NULL")
    )
    retired: Mapped[bool] = mapped_column(default=False)

    delivered_by_role: Mapped[StaffRole | None] = relationship()
    funding_stream: Mapped[FundingStream | None] = relationship()
    suitable_year_groups: Mapped[list[YearGroup]] = relationship(
        secondary=provision_year_groups, order_by="YearGroup.sort_order"
    )
    groups: Mapped[list[ProvisionGroup]] = relationship(back_populates="provision")
    trainings_needed: Mapped[list[Training]] = relationship(
        secondary=provision_trainings, order_by="Training.name"
    )

    @property
    def is_one_to_one(self) -> bool:
        return self.group_size == 1

    def __repr__(self) -> str:
        return f"Provision({self.name})"


class ProvisionGroup(Versioned, Base):
    """One running instance of a provision for a year group or class over a date range."""

    __tablename__ = "provision_groups"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint(
            "sessions_per_week IS NULL OR sessions_per_week >= 0", name="sessions_non_negative"
        ),
        CheckConstraint(
            "session_minutes IS NULL OR session_minutes >= 0", name="minutes_non_negative"
        ),
        CheckConstraint("max_size IS NULL OR max_size >= 1", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), index=True)
    academic_year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    year_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("year_groups.id", ondelete="SET NULL"), index=True
    )
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(60), default="")
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    # Overrides of the provision's defaults; None means "as the provision".
    sessions_per_week: Mapped[int | None]
    session_minutes: Mapped[int | None]
    max_size: Mapped[int | None]
    location: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    provision: Mapped[Provision] = relationship(back_populates="groups")
    academic_year: Mapped[AcademicYear] = relationship()
    year_group: Mapped[YearGroup | None] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()
    staff: Mapped[Staff | None] = relationship()
    slots: Mapped[list[GroupSlot]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupSlot.weekday"
    )
    memberships: Mapped[list[GroupMembership]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    @property
    def effective_sessions_per_week(self) -> int:
        if self.sessions_per_week is not None:
            return self.sessions_per_week
        return self.provision.sessions_per_week

    @property
    def effective_session_minutes(self) -> int:
        if self.session_minutes is not None:
            return self.session_minutes
        return self.provision.session_minutes

    @property
    def effective_max_size(self) -> int:
        return self.max_size if self.max_size is not None else self.provision.group_size

    def __repr__(self) -> str:
        return f"ProvisionGroup({self.id} {self.name})"


class GroupSlot(Versioned, Base):
    """A weekly timetable slot: weekday (0 = Monday) and start time."""

    __tablename__ = "group_slots"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        UniqueConstraint("group_id", "weekday", "start_time", name="uq_group_slots_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("provision_groups.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    start_time: Mapped[dt.time | None]
    group: Mapped[ProvisionGroup] = relationship(back_populates="slots")


class GroupMembership(Versioned, Base):
    """A pupil's allocation to a group, with their own join and leave dates."""

    __tablename__ = "group_memberships"
    __table_args__ = (
        CheckConstraint("leave_date IS NULL OR leave_date >= join_date", name="leave_after_join"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("provision_groups.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    join_date: Mapped[dt.date]
    leave_date: Mapped[dt.date | None]
    group: Mapped[ProvisionGroup] = relationship(back_populates="memberships")
    pupil: Mapped[Pupil] = relationship()

    def is_current_on(self, day: dt.date) -> bool:
        return self.join_date <= day and (self.leave_date is None or self.leave_date >= day)
