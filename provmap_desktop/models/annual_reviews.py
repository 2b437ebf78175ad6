"""EHC plan annual reviews: the meeting, the statutory steps around it, and what was said.

One row per annual review of a pupil's EHC plan. The steps' deadlines are worked out
from the meeting date (``services.annual_reviews``), never stored: views and advice
sought and reports sent at least two weeks before the meeting, the review report sent
within two weeks after it. A review is open until its report is sent. Every row carries
the pupil's id, so subject access, erasure and the audit log find it without a join.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned

if TYPE_CHECKING:
    from .pupils import Ehcp


class EhcpAnnualReview(Versioned, Base):
    """One annual review of an EHC plan."""

    __tablename__ = "ehcp_annual_reviews"
    __table_args__ = (
        CheckConstraint(
            "report_sent_on IS NULL OR (meeting_on IS NOT NULL AND report_sent_on >= meeting_on)",
            name="report_after_meeting",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ehcp_id: Mapped[int] = mapped_column(ForeignKey("ehcps.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    #: The review meeting: booked, then held.
    meeting_on: Mapped[dt.date | None] = mapped_column(index=True)
    #: When views and advice were asked of the family, the pupil and the professionals.
    views_sought_on: Mapped[dt.date | None]
    #: When the advice and reports were sent to everyone invited.
    reports_sent_on: Mapped[dt.date | None]
    #: When the review report went to the local authority and everyone invited.
    report_sent_on: Mapped[dt.date | None]
    attendees: Mapped[str] = mapped_column(Text, default="")
    pupil_views: Mapped[str] = mapped_column(Text, default="")
    parent_views: Mapped[str] = mapped_column(Text, default="")
    proposed_amendments: Mapped[str] = mapped_column(Text, default="")
    ehcp: Mapped[Ehcp] = relationship(back_populates="annual_reviews")

    @property
    def label(self) -> str:
        if self.meeting_on is None:
            return "EHC plan annual review (no meeting date yet)"
        return f"EHC plan annual review on {self.meeting_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        """True until the review report has been sent."""
        return self.report_sent_on is None
