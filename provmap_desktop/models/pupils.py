"""Pupils, their one-page profiles and their EHC plans."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..rules.pupil_rules import checked_birth_date, checked_name
from ..rules.upn import clean_upn
from .annual_reviews import EhcpAnnualReview
from .base import Base, Versioned
from .school import AcademicYear, SchoolClass, YearGroup
from .vocab import NEED_TYPES, SenStatus, sql_in

_NEEDS = sql_in(NEED_TYPES)


class Pupil(Versioned, Base):
    __tablename__ = "pupils"
    __table_args__ = (
        CheckConstraint("length(upn) = 13", name="upn_length"),
        CheckConstraint(f"sen_status IN {sql_in(SenStatus)}", name="sen_status_known"),
        CheckConstraint(f"primary_need IS NULL OR primary_need IN {_NEEDS}", name="primary_known"),
        CheckConstraint(
            f"secondary_need IS NULL OR secondary_need IN {_NEEDS}", name="secondary_known"
        ),
        CheckConstraint(
            "leaving_date IS NULL OR on_roll_date IS NULL OR leaving_date >= on_roll_date",
            name="leaving_after_joining",
        ),
        CheckConstraint("gender IN ('M', 'F', 'X', '')", name="gender_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    upn: Mapped[str] = mapped_column(String(13), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    forename: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[dt.date | None]
    gender: Mapped[str] = mapped_column(String(1), default="")
    year_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("year_groups.id", ondelete="SET NULL"), index=True
    )
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("classes.id", ondelete="SET NULL"), index=True
    )
    sen_status: Mapped[str] = mapped_column(String(1), default=SenStatus.NONE.value, index=True)
    primary_need: Mapped[str | None] = mapped_column(String(4))
    secondary_need: Mapped[str | None] = mapped_column(String(4))
    sen_start_date: Mapped[dt.date | None]
    sen_notes: Mapped[str] = mapped_column(Text, default="")
    eal: Mapped[bool] = mapped_column(default=False)
    pupil_premium: Mapped[bool] = mapped_column(default=False)
    fsm: Mapped[bool] = mapped_column(default=False)
    cla: Mapped[bool] = mapped_column(default=False)
    on_roll_date: Mapped[dt.date | None]
    leaving_date: Mapped[dt.date | None]
    archived: Mapped[bool] = mapped_column(default=False, index=True)

    year_group: Mapped[YearGroup | None] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()
    profile: Mapped[PupilProfile | None] = relationship(
        back_populates="pupil", cascade="all, delete-orphan", uselist=False
    )
    ehcp: Mapped[Ehcp | None] = relationship(
        back_populates="pupil", cascade="all, delete-orphan", uselist=False
    )

    @validates("upn")
    def _valid_upn(self, _key: str, value: str) -> str:
        # Every path that stores a pupil (screens, imports, scripts) goes through here,
        # so no invalid UPN reaches the file. Raises ``UpnError`` (a ``ValueError``).
        return clean_upn(value)

    @validates("surname", "forename", "preferred_name")
    def _valid_name(self, key: str, value: str) -> str:
        return checked_name(key.replace("_", " "), value)

    @validates("date_of_birth")
    def _valid_birth_date(self, _key: str, value: dt.date | None) -> dt.date | None:
        return checked_birth_date(value)

    @property
    def display_name(self) -> str:
        """The name staff use: preferred forename if given, then surname."""
        return f"{self.preferred_name or self.forename} {self.surname}"

    def __repr__(self) -> str:
        return f"Pupil({self.upn} {self.display_name})"


class PupilYear(Versioned, Base):
    """Where a pupil was in a closed academic year: its year group, class and leaving.

    Written when the year closes, so last year's map, costs and registers show each
    pupil in the year group they were in then (``Pupil.year_group_id`` is today's).
    """

    __tablename__ = "pupil_years"

    pupil_id: Mapped[int] = mapped_column(
        ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True
    )
    academic_year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_years.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    year_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("year_groups.id", ondelete="SET NULL")
    )
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    #: True when the pupil left the school at the end of that year.
    left: Mapped[bool] = mapped_column(default=False)
    academic_year: Mapped[AcademicYear] = relationship()


#: The one-page profile's sections, in the order they are shown and printed.
PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("like_and_admire", "What people like and admire about me"),
    ("important_to_me", "What is important to me"),
    ("how_to_support", "How best to support me"),
    ("strengths", "Strengths"),
    ("needs", "Needs"),
    ("strategies", "Strategies that work"),
    ("pupil_voice", "Pupil voice"),
    ("parent_views", "Parent/carer views"),
    ("external_agencies", "External agencies involved"),
)


class PupilProfile(Versioned, Base):
    """The one-page profile (learner passport)."""

    __tablename__ = "pupil_profiles"

    pupil_id: Mapped[int] = mapped_column(
        ForeignKey("pupils.id", ondelete="CASCADE"), primary_key=True
    )
    like_and_admire: Mapped[str] = mapped_column(Text, default="")
    important_to_me: Mapped[str] = mapped_column(Text, default="")
    how_to_support: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    strategies: Mapped[str] = mapped_column(Text, default="")
    pupil_voice: Mapped[str] = mapped_column(Text, default="")
    parent_views: Mapped[str] = mapped_column(Text, default="")
    external_agencies: Mapped[str] = mapped_column(Text, default="")
    updated_on: Mapped[dt.date | None]
    pupil: Mapped[Pupil] = relationship(back_populates="profile")


class Ehcp(Versioned, Base):
    __tablename__ = "ehcps"
    __table_args__ = (
        CheckConstraint(
            "next_review_date IS NULL OR issued_date IS NULL OR next_review_date >= issued_date",
            name="review_after_issue",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), unique=True)
    issued_date: Mapped[dt.date | None]
    next_review_date: Mapped[dt.date | None]
    la_reference: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    pupil: Mapped[Pupil] = relationship(back_populates="ehcp")
    outcomes: Mapped[list[EhcpOutcome]] = relationship(
        back_populates="ehcp", cascade="all, delete-orphan", order_by="EhcpOutcome.sort_order"
    )
    provision_items: Mapped[list[EhcpProvisionItem]] = relationship(
        back_populates="ehcp",
        cascade="all, delete-orphan",
        order_by="EhcpProvisionItem.sort_order",
    )
    annual_reviews: Mapped[list[EhcpAnnualReview]] = relationship(
        back_populates="ehcp",
        cascade="all, delete-orphan",
        order_by="EhcpAnnualReview.id",
    )


class EhcpOutcome(Versioned, Base):
    """A Section E outcome."""

    __tablename__ = "ehcp_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ehcp_id: Mapped[int] = mapped_column(ForeignKey("ehcps.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)
    ehcp: Mapped[Ehcp] = relationship(back_populates="outcomes")


class EhcpProvisionItem(Versioned, Base):
    """A Section F item, linked to the allocation (group membership) that meets it."""

    __tablename__ = "ehcp_provision_items"
    __table_args__ = (
        CheckConstraint(
            "minutes_per_week IS NULL OR minutes_per_week >= 0", name="minutes_non_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ehcp_id: Mapped[int] = mapped_column(ForeignKey("ehcps.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    minutes_per_week: Mapped[int | None]
    provision_id: Mapped[int | None] = mapped_column(
        ForeignKey("provisions.id", ondelete="SET NULL"), index=True
    )
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_memberships.id", ondelete="SET NULL"), index=True
    )
    sort_order: Mapped[int] = mapped_column(default=0)
    ehcp: Mapped[Ehcp] = relationship(back_populates="provision_items")
