"""Next year's plan: needs expected by hand, and the training provision asks of staff."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .school import SchoolClass, Staff, YearGroup
from .vocab import NEED_TYPES, AreaOfNeed, sql_in


class NeedGrade(StrEnum):
    """How firmly a planned need must be met: must, should or could."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PlannedNeed(Versioned, Base):
    """A need the SENCO expects in a year group (or class) of a year, typed by hand.

    The year is named by its label ("2027/28") so a need can be planned before the
    year itself is set up.
    """

    __tablename__ = "planned_needs"
    __table_args__ = (
        CheckConstraint(f"area IN {sql_in(AreaOfNeed)}", name="area_known"),
        CheckConstraint(
            f"need_type IS NULL OR need_type IN {sql_in(NEED_TYPES)}", name="need_known"
        ),
        CheckConstraint(f"grade IN {sql_in(NeedGrade)}", name="grade_known"),
        CheckConstraint("pupils >= 1", name="pupils_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year_label: Mapped[str] = mapped_column(String(7), index=True)
    year_group_id: Mapped[int] = mapped_column(
        ForeignKey("year_groups.id", ondelete="CASCADE"), index=True
    )
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    area: Mapped[str] = mapped_column(String(4))
    need_type: Mapped[str | None] = mapped_column(String(4))
    pupils: Mapped[int] = mapped_column(default=1)
    grade: Mapped[str] = mapped_column(String(6), default=NeedGrade.SHOULD.value)
    note: Mapped[str] = mapped_column(Text, default="")

    year_group: Mapped[YearGroup] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()


provision_trainings = Table(
    "provision_trainings",
    Base.metadata,
    Column("provision_id", ForeignKey("provisions.id", ondelete="CASCADE"), primary_key=True),
    Column("training_id", ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
)


class Training(Versioned, Base):
    """A course or qualification a provision may need ("Precision Teaching")."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class StaffTraining(Versioned, Base):
    """A member of staff trained in something, and when."""

    __tablename__ = "staff_trainings"
    __table_args__ = (UniqueConstraint("staff_id", "training_id", name="uq_staff_trainings_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("trainings.id", ondelete="CASCADE"), index=True
    )
    trained_on: Mapped[dt.date | None]

    staff: Mapped[Staff] = relationship()
    training: Mapped[Training] = relationship()
