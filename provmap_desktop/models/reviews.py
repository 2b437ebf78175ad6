"""Assess, Plan, Do, Review cycles and the delivery records behind them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .provision import GroupMembership, ProvisionGroup
from .pupils import Pupil
from .school import Staff
from .vocab import CancelReason, Decision, MeasureType, SessionStatus, TargetMet, sql_in


class Review(Versioned, Base):
    """One APDR cycle for one pupil's provision.

    Measure values are kept as the text the user typed; services parse them when a
    number is needed, so a free-text measure and a numeric one share one column.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(f"baseline_type IN {sql_in(MeasureType)}", name="measure_known"),
        CheckConstraint(
            f"target_met IS NULL OR target_met IN {sql_in(TargetMet)}", name="target_met_known"
        ),
        CheckConstraint(f"decision IS NULL OR decision IN {sql_in(Decision)}", name="decision"),
        CheckConstraint(
            "review_date IS NULL OR baseline_date IS NULL OR review_date >= baseline_date",
            name="review_after_baseline",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_memberships.id", ondelete="SET NULL"), index=True
    )
    # Assess
    baseline_type: Mapped[str] = mapped_column(String(20), default=MeasureType.FREE_TEXT.value)
    baseline_value: Mapped[str] = mapped_column(Text, default="")
    baseline_date: Mapped[dt.date | None]
    # Plan
    outcome_sought: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")
    target_value: Mapped[str] = mapped_column(String(40), default="")
    review_date: Mapped[dt.date | None] = mapped_column(index=True)
    # Review
    outcome_value: Mapped[str] = mapped_column(Text, default="")
    outcome_date: Mapped[dt.date | None]
    target_met: Mapped[str | None] = mapped_column(String(10))
    pupil_voice: Mapped[str] = mapped_column(Text, default="")
    parent_views: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(10))
    escalate_to: Mapped[str] = mapped_column(String(80), default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[dt.date | None]

    pupil: Mapped[Pupil] = relationship()
    membership: Mapped[GroupMembership | None] = relationship()

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None


class DeliverySession(Versioned, Base):
    """What happened to one planned session of a group."""

    __tablename__ = "delivery_sessions"
    __table_args__ = (
        UniqueConstraint("group_id", "session_date", name="uq_delivery_sessions_group_day"),
        CheckConstraint(f"status IN {sql_in(SessionStatus)}", name="status_known"),
        CheckConstraint(
            f"cancel_reason IS NULL OR cancel_reason IN {sql_in(CancelReason)}",
            name="reason_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("provision_groups.id", ondelete="CASCADE"), index=True
    )
    session_date: Mapped[dt.date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10))
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime]
    late_entry: Mapped[bool] = mapped_column(default=False)

    group: Mapped[ProvisionGroup] = relationship()
    staff: Mapped[Staff | None] = relationship()
    attendance: Mapped[list[SessionAttendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class SessionAttendance(Versioned, Base):
    __tablename__ = "session_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "pupil_id", name="uq_session_attendance_pupil"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_sessions.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)
    absence_reason: Mapped[str] = mapped_column(String(80), default="")
    session: Mapped[DeliverySession] = relationship(back_populates="attendance")
