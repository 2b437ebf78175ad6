"""EHC plan annual reviews: when each is due, its statutory steps, and what is due now.

The dates follow the SEND Code of Practice (9.166-9.185) as a school runs the review:

* the review meeting is due within 12 months of the plan being issued, or of the last
  review's meeting (``annual_review_due``);
* views and advice are sought from the family, the pupil and the professionals at
  least two weeks before the meeting, and the advice and reports are sent to everyone
  invited at least two weeks before it;
* the review report goes to the local authority and everyone invited within two
  weeks after the meeting.

Until a meeting is booked the steps before it are timed from the due date, the latest
the meeting may be held. Writes are in ``domain.annual_reviews``; the start-up strip
asks ``steps_due``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Ehcp, EhcpAnnualReview, Pupil

#: Views sought and reports sent at least this long before the meeting; the review
#: report sent within this long after it.
TWO_WEEKS = dt.timedelta(days=14)
#: A step shows in the start-up strip from this many days before it is due.
STEPS_DUE_WITHIN_DAYS = 14


def twelve_months_after(day: dt.date) -> dt.date:
    """The same date a year on; from 29 February, 28 February (never after a year)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def previous_meeting(plan: Ehcp, review: EhcpAnnualReview | None = None) -> dt.date | None:
    """The meeting of the last review before ``review`` (before any open one if None)."""
    meetings = []
    for earlier in plan.annual_reviews:
        if earlier is review or (review is None and earlier.is_open):
            break
        if earlier.meeting_on is not None:
            meetings.append(earlier.meeting_on)
    return max(meetings, default=None)


def annual_review_due(plan: Ehcp, review: EhcpAnnualReview | None = None) -> dt.date | None:
    """When ``review`` (or, when None, the plan's current or next review) must be held by.

    Twelve months from the previous review's meeting. Before any review is recorded:
    the plan's own "next annual review" date, the school's record of reviews held
    before ProvMap kept them, or else twelve months from the plan's issue date. A
    finished first review is measured from the issue date (the plan's next date has
    moved on to the review after it).
    """
    if review is None:
        review = open_review(plan)
        if review is None:
            last = max((r.meeting_on for r in plan.annual_reviews if r.meeting_on), default=None)
            if last is not None:
                return twelve_months_after(last)
            return plan.next_review_date or _year_after_issue(plan)
    base = previous_meeting(plan, review)
    if base is not None:
        return twelve_months_after(base)
    if review.is_open:
        return plan.next_review_date or _year_after_issue(plan)
    return _year_after_issue(plan)


def _year_after_issue(plan: Ehcp) -> dt.date | None:
    return twelve_months_after(plan.issued_date) if plan.issued_date else None


def open_review(plan: Ehcp) -> EhcpAnnualReview | None:
    """The review still in progress (its report not sent), if any."""
    return next((r for r in plan.annual_reviews if r.is_open), None)


@dataclass(frozen=True)
class Step:
    """One statutory step of an annual review: its deadline and when it was done."""

    key: str  # the review's column recording it ("meeting_on" for the meeting)
    label: str
    due: dt.date | None
    done: dt.date | None

    def is_done(self, today: dt.date) -> bool:
        # A booked meeting is done once its day has come.
        if self.key == "meeting_on":
            return self.done is not None and self.done <= today
        return self.done is not None

    def overdue(self, today: dt.date) -> bool:
        return not self.is_done(today) and self.due is not None and self.due < today

    def state(self, today: dt.date) -> str:
        """In words: done (on time or late), overdue, due by a date, or waiting."""
        if self.is_done(today):
            assert self.done is not None
            late = self.due is not None and self.done > self.due
            return f"Done {self.done:%d/%m/%Y}" + (" (late)" if late else "")
        if self.key == "meeting_on" and self.done is not None:
            late = self.due is not None and self.done > self.due
            booked = f"Booked for {self.done:%d/%m/%Y}"
            return booked + (f": after the due date {self.due:%d/%m/%Y}" if late else "")
        if self.due is None:
            return "Waiting for the meeting date"
        if self.due < today:
            return f"Overdue: due by {self.due:%d/%m/%Y}"
        return f"Due by {self.due:%d/%m/%Y}"


#: The steps in the order they happen: (column, words).
STEP_NAMES = (
    ("views_sought_on", "Views and advice sought (family, pupil, professionals)"),
    ("reports_sent_on", "Advice and reports sent to everyone invited"),
    ("meeting_on", "Review meeting held"),
    ("report_sent_on", "Review report sent to the local authority and everyone invited"),
)


def checklist(plan: Ehcp, review: EhcpAnnualReview | None) -> list[Step]:
    """The steps of ``review`` (or of the next review, not yet started, when None)."""
    due = annual_review_due(plan, review)
    meeting = review.meeting_on if review is not None else None
    before = meeting or due
    deadlines = {
        "views_sought_on": before - TWO_WEEKS if before else None,
        "reports_sent_on": before - TWO_WEEKS if before else None,
        "meeting_on": due,
        "report_sent_on": meeting + TWO_WEEKS if meeting else None,
    }
    steps = []
    for key, label in STEP_NAMES:
        if key == "meeting_on" and meeting is None:
            label += " (no date booked yet)"
        done = getattr(review, key) if review is not None else None
        steps.append(Step(key, label, deadlines[key], done))
    return steps


@dataclass(frozen=True)
class DueStep:
    """A step of a pupil's annual review not yet done, due soon or overdue."""

    pupil: Pupil
    plan: Ehcp
    step: Step
    started: bool  # whether the review has been started (a row exists)

    def overdue(self, today: dt.date) -> bool:
        return self.step.overdue(today)


def steps_due(session: Session, today: dt.date) -> list[DueStep]:
    """Steps of pupils' current annual reviews due within two weeks or overdue.

    Every EHC plan of a pupil on roll counts: its open review, or the next review not
    yet started (whose first steps fall due before anyone has booked a meeting). Soonest
    first.
    """
    until = today + dt.timedelta(days=STEPS_DUE_WITHIN_DAYS)
    plans = session.scalars(
        select(Ehcp)
        .join(Pupil, Ehcp.pupil_id == Pupil.id)
        .where(Pupil.archived.is_(False))
        .options(selectinload(Ehcp.annual_reviews), selectinload(Ehcp.pupil))
    )
    found = []
    for plan in plans:
        review = open_review(plan)
        for step in checklist(plan, review):
            if step.is_done(today) or step.due is None or step.due > until:
                continue
            if step.key == "meeting_on" and step.done is not None:
                continue  # booked: the meeting is in hand, if late (shown on its step)
            found.append(DueStep(plan.pupil, plan, step, review is not None))
    found.sort(key=lambda d: (d.step.due or today, d.pupil.surname, d.pupil.forename))
    return found


def reviews_of(session: Session, pupil_id: int) -> list[EhcpAnnualReview]:
    """The pupil's annual reviews, first first."""
    return list(
        session.scalars(
            select(EhcpAnnualReview)
            .where(EhcpAnnualReview.pupil_id == pupil_id)
            .order_by(EhcpAnnualReview.id)
        )
    )


def annual_review_words(plan: Ehcp, today: dt.date) -> str:
    """One line for the EHC plan tab: when the review is due and how far it has got."""
    due = annual_review_due(plan)
    if due is None:
        return "Annual review: type the issue date to see when it is due."
    review = open_review(plan)
    late = [s for s in checklist(plan, review) if s.overdue(today)]
    words = f"Annual review due by {due:%d/%m/%Y}"
    words += ": in progress" if review is not None else ": not started"
    if late:
        words += f", {len(late)} step{'s' if len(late) > 1 else ''} overdue"
    return words + "."
