"""SEN support plans (each review keeps a version) and the log of meetings with families.

A plan version holds long-term outcomes, small-step targets, strategies for class
teachers and links to the provisions from the map that serve it. Reviewing a version
closes it (``reviewed_on`` set, each target's result, pupil voice and parent/carer
views) and starts the next. Every row carries the pupil's id, so a pupil's history,
subject access export and erasure find it without a join.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .vocab import sql_in


class TargetResult(StrEnum):
    """How far a small-step target was met when its plan was reviewed."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_YET = "not_yet"

    @property
    def label(self) -> str:
        return {"achieved": "Achieved", "partly": "Partly", "not_yet": "Not yet"}[self.value]


class LearningPlan(Versioned, Base):
    """One version of a pupil's SEN support plan."""

    __tablename__ = "learning_plans"
    __table_args__ = (
        UniqueConstraint("pupil_id", "version", name="uq_learning_plans_pupil_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "reviewed_on IS NULL OR reviewed_on >= started_on", name="reviewed_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    started_on: Mapped[dt.date]
    #: When we will meet again: the review planned for this version.
    review_due: Mapped[dt.date | None]
    #: Strategies for class teachers, one a line.
    strategies: Mapped[str] = mapped_column(Text, default="")
    #: How the family can help at home, one idea a line.
    home_help: Mapped[str] = mapped_column(Text, default="")
    # The review that closed this version.
    reviewed_on: Mapped[dt.date | None] = mapped_column(index=True)
    pupil_voice: Mapped[str] = mapped_column(Text, default="")
    parent_views: Mapped[str] = mapped_column(Text, default="")
    review_notes: Mapped[str] = mapped_column(Text, default="")

    outcomes: Mapped[list[PlanOutcome]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanOutcome.sort_order"
    )
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.sort_order"
    )
    provisions: Mapped[list[PlanProvision]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanProvision.sort_order"
    )

    @property
    def label(self) -> str:
        return f"SEN support plan {self.version}"


class PlanOutcome(Versioned, Base):
    """A long-term outcome, linked to an EHC plan Section E outcome where there is one."""

    __tablename__ = "plan_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("learning_plans.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    ehcp_outcome_id: Mapped[int | None] = mapped_column(
        ForeignKey("ehcp_outcomes.id", ondelete="SET NULL"), index=True
    )
    sort_order: Mapped[int] = mapped_column(default=0)
    plan: Mapped[LearningPlan] = relationship(back_populates="outcomes")


class PlanTarget(Versioned, Base):
    """A small-step target: specific and measurable, with a baseline, a criterion, a date."""

    __tablename__ = "plan_targets"
    __table_args__ = (
        CheckConstraint(f"result IS NULL OR result IN {sql_in(TargetResult)}", name="result_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("learning_plans.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    baseline: Mapped[str] = mapped_column(Text, default="")
    success_criterion: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[dt.date | None]
    result: Mapped[str | None] = mapped_column(String(10))
    sort_order: Mapped[int] = mapped_column(default=0)
    plan: Mapped[LearningPlan] = relationship(back_populates="targets")


class PlanProvision(Versioned, Base):
    """A provision from the map that serves the plan, and the group if one is named."""

    __tablename__ = "plan_provisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("learning_plans.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    provision_id: Mapped[int] = mapped_column(
        ForeignKey("provisions.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("provision_groups.id", ondelete="SET NULL"), index=True
    )
    sort_order: Mapped[int] = mapped_column(default=0)
    plan: Mapped[LearningPlan] = relationship(back_populates="provisions")


class Meeting(Versioned, Base):
    """A meeting with a pupil's family: who came, what was discussed and agreed."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    parents_present: Mapped[str] = mapped_column(Text, default="")
    pupil_present: Mapped[bool] = mapped_column(default=False)
    staff_present: Mapped[str] = mapped_column(Text, default="")
    professionals_present: Mapped[str] = mapped_column(Text, default="")
    discussed: Mapped[str] = mapped_column(Text, default="")
    agreed: Mapped[str] = mapped_column(Text, default="")
    family_given_copy: Mapped[bool] = mapped_column(default=False)

    actions: Mapped[list[MeetingAction]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAction.sort_order"
    )

    @property
    def label(self) -> str:
        return f"Meeting on {self.held_on:%d/%m/%Y}"


class MeetingAction(Versioned, Base):
    """Something a meeting agreed someone would do, by a date; ticked when done."""

    __tablename__ = "meeting_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[dt.date | None] = mapped_column(index=True)
    done_on: Mapped[dt.date | None]
    sort_order: Mapped[int] = mapped_column(default=0)
    meeting: Mapped[Meeting] = relationship(back_populates="actions")
