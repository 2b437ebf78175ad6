"""The demo school's EHC plan annual reviews: those already held, and one in progress.

Part of ``services.demo``. Every plan older than a year has a finished review at each
anniversary since it was issued (held a few days early, every step on time), so its
next review falls due a year after the last meeting. The plan whose review comes up
soonest (at least three weeks ahead) has its review in progress: the meeting booked,
views sought, the reports still to send. A plan whose anniversary has just passed had
its meeting on time but its review report is late. The start-up strip lists both. Written
through ``domain.annual_reviews``; no random draws, so the rest of the school is
unchanged.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import annual_reviews as writes
from ..models import Ehcp
from .annual_reviews import annual_review_due, twelve_months_after

#: Days before the anniversary a finished review's meeting was held.
HELD_EARLY = 6
#: How far ahead the review in progress has its meeting booked.
MEETING_AHEAD = dt.timedelta(days=21)


def _held(session: Session, plan: Ehcp, meeting: dt.date, name: str, *, sent: bool = True) -> None:
    """A review held on ``meeting``: every step in time, the review recorded, and (if
    ``sent``) its report sent."""
    review = writes.start_review(session, plan.id, meeting).row_id
    steps = (
        ("views_sought_on", meeting - dt.timedelta(days=24)),
        ("reports_sent_on", meeting - dt.timedelta(days=15)),
        ("attendees", f"Parent of {name}; {name}; SENCO; class teacher; LA caseworker"),
        ("pupil_views", f"{name} likes the small-group work and wants more time outside."),
        ("parent_views", "Pleased with progress in reading; worried about lunchtimes."),
        ("proposed_amendments", "Section E: update the reading outcome for next year."),
        ("report_sent_on", meeting + dt.timedelta(days=9)),
    )
    for field, value in steps if sent else steps[:-1]:
        writes.update_review(session, review, field, value)


def add_annual_reviews(session: Session, today: dt.date) -> None:
    """Past reviews for every EHC plan, and one review in progress, relative to ``today``."""
    plans = list(session.scalars(select(Ehcp).order_by(Ehcp.id)))
    for plan in plans:
        if plan.issued_date is None:
            continue
        name = plan.pupil.preferred_name or plan.pupil.forename
        due = twelve_months_after(plan.issued_date)
        while due < today - dt.timedelta(days=20):
            meeting = due - dt.timedelta(days=HELD_EARLY)
            _held(session, plan, meeting, name)
            due = twelve_months_after(meeting)
        if due < today:  # just passed: held on time, the report not yet written
            _held(session, plan, due - dt.timedelta(days=2), name, sent=False)
        session.expire(plan, ["annual_reviews"])
    coming = []
    for plan in plans:
        upcoming = annual_review_due(plan)
        if upcoming is not None and upcoming >= today + MEETING_AHEAD:
            coming.append((upcoming, plan.id))
    if not coming:
        return
    _due, plan_id = min(coming)
    meeting = today + MEETING_AHEAD
    review = writes.start_review(session, plan_id, meeting).row_id
    writes.update_review(session, review, "views_sought_on", today - dt.timedelta(days=4))
