"""The APDR cycle as the screens read it: cycles, pre-filled new ones, due dates.

One ``Review`` row is one APDR cycle of one pupil's provision (a group membership).
The writes (starting, planning, completing a cycle) are in ``domain.reviews``.

Review dates (``review_date_problem``): a cycle is reviewed on a school day inside its
group's dates, on or after its baseline. A new cycle, and the next cycle that a
"continue" opens, get such a day; when the group has no school day left, the next
cycle's review date is left empty for the SENCO to set once the group is extended.

Due (``due_reviews``): one rule for every screen. An open review is *overdue* once its
review date has passed and *due* from then until ``DUE_WITHIN_DAYS`` (14) days ahead:
two weeks is the notice needed to invite parents and carers to the review meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import GroupMembership, ProvisionGroup, Review
from ..models.vocab import Decision, MeasureType, TargetMet
from .calendar import SchoolCalendar, calendar_for_year

ESCALATE_WAVE_3 = "Wave 3 specialist provision"
ESCALATE_EHC = "EHC needs assessment"
ESCALATE_CHOICES = (ESCALATE_WAVE_3, ESCALATE_EHC)
DEFAULT_CYCLE_DAYS = 84  # twelve weeks, the usual length of an intervention block

DECISION_LABELS: dict[str, str] = {
    Decision.CONTINUE.value: "Continue",
    Decision.MODIFY.value: "Modify",
    Decision.ESCALATE.value: "Escalate",
    Decision.EXIT.value: "Exit",
}
TARGET_MET_LABELS: dict[str, str] = {
    TargetMet.MET.value: "Met",
    TargetMet.PARTLY.value: "Partly met",
    TargetMet.NOT_MET.value: "Not met",
}


def provision_of(review: Review) -> int | None:
    membership = review.membership
    return membership.group.provision_id if membership is not None else None


def cycles_for_pupil(session: Session, pupil_id: int) -> list[Review]:
    """The pupil's cycles in order: by baseline date, then review date, then entry."""
    reviews = session.scalars(select(Review).where(Review.pupil_id == pupil_id)).all()
    far = dt.date.max
    return sorted(reviews, key=lambda r: (r.baseline_date or r.review_date or far, r.id))


def last_completed(session: Session, pupil_id: int, provision_id: int | None) -> Review | None:
    """The pupil's latest completed review of the same provision (any group, any year)."""
    query = (
        select(Review)
        .join(GroupMembership, Review.membership_id == GroupMembership.id)
        .join(ProvisionGroup, GroupMembership.group_id == ProvisionGroup.id)
        .where(
            Review.pupil_id == pupil_id,
            Review.completed_on.is_not(None),
            ProvisionGroup.provision_id == provision_id,
        )
        .order_by(Review.completed_on.desc(), Review.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def open_review(session: Session, membership_id: int) -> Review | None:
    """The membership's cycle that is not completed yet, if any."""
    return session.scalar(
        select(Review)
        .where(Review.membership_id == membership_id, Review.completed_on.is_(None))
        .order_by(Review.id)
        .limit(1)
    )


def preview_cycle(session: Session, membership_id: int, *, today: dt.date) -> Review:
    """The membership's open cycle, or a new one (not added to the session) pre-filled.

    The baseline of a new cycle is the outcome of the pupil's last completed review of
    the same provision (its measure type, value and date) and its plan is that review's
    plan; with none, the baseline is empty and dated today (or the group's last day, if
    it has ended). A new cycle's review date is a school day of the group twelve weeks
    after its baseline, or the group's last school day if it ends sooner.
    """
    existing = open_review(session, membership_id)
    if existing is not None:
        return existing
    membership = session.get(GroupMembership, membership_id)
    if membership is None:
        raise ValueError(f"There is no allocation {membership_id}.")
    review = Review(
        pupil_id=membership.pupil_id,
        membership_id=membership_id,
        baseline_type=MeasureType.FREE_TEXT.value,
        baseline_value="",
        baseline_date=min(today, membership.group.end_date),
        outcome_sought="",
        target="",
        target_value="",
    )
    previous = last_completed(session, membership.pupil_id, membership.group.provision_id)
    if previous is not None:
        review.baseline_type = previous.baseline_type
        review.baseline_value = previous.outcome_value
        review.baseline_date = previous.outcome_date or previous.completed_on
        review.outcome_sought = previous.outcome_sought
        review.target = previous.target
        review.target_value = previous.target_value
    group = membership.group
    start = review.baseline_date or today
    wanted = start + dt.timedelta(DEFAULT_CYCLE_DAYS)
    review.review_date = (
        school_day_for_review(session, group, wanted, not_before=start)
        or group_last_school_day(session, group)
        or group.end_date
    )
    return review


# -- due and overdue --------------------------------------------------------------------

DUE_WITHIN_DAYS = 14


@dataclass(frozen=True)
class DueReviews:
    """Open reviews by when they fall due, each list soonest (longest overdue) first."""

    overdue: list[Review]
    due: list[Review]
    upcoming: list[Review]  # later than the due window, or with no date yet

    @property
    def count(self) -> int:
        """How many need attention now: the overdue and the due."""
        return len(self.overdue) + len(self.due)


def due_reviews(session: Session, today: dt.date) -> DueReviews:
    """The one rule for "due" (see the module's docstring); every screen asks this."""
    horizon = today + dt.timedelta(days=DUE_WITHIN_DAYS)
    open_reviews = session.scalars(select(Review).where(Review.completed_on.is_(None))).all()
    ordered = sorted(
        open_reviews, key=lambda r: (r.review_date is None, r.review_date or today, r.id)
    )
    overdue: list[Review] = []
    due: list[Review] = []
    upcoming: list[Review] = []
    for review in ordered:
        if review.review_date is None or review.review_date > horizon:
            upcoming.append(review)
        elif review.review_date < today:
            overdue.append(review)
        else:
            due.append(review)
    return DueReviews(overdue, due, upcoming)


def reviews_due(session: Session, today: dt.date) -> list[Review]:
    """Open reviews due from today to ``DUE_WITHIN_DAYS`` ahead, soonest first."""
    return due_reviews(session, today).due


def reviews_overdue(session: Session, today: dt.date) -> list[Review]:
    """Open reviews whose review date has passed, the longest overdue first."""
    return due_reviews(session, today).overdue


# -- review dates -------------------------------------------------------------------------


def _group_calendar(session: Session, group: ProvisionGroup) -> SchoolCalendar:
    return calendar_for_year(session, group.academic_year_id)


def group_last_school_day(
    session: Session, group: ProvisionGroup, on_or_before: dt.date | None = None
) -> dt.date | None:
    """The group's last school day on or before ``on_or_before`` (default: its end date),
    or None when it has none by then."""
    calendar = _group_calendar(session, group)
    day = group.end_date if on_or_before is None else min(on_or_before, group.end_date)
    while day >= group.start_date:
        if calendar.is_teaching_day(day):
            return day
        day -= dt.timedelta(days=1)
    return None


def school_day_for_review(
    session: Session, group: ProvisionGroup, wanted: dt.date, *, not_before: dt.date
) -> dt.date | None:
    """The school day of the group to review on when ``wanted`` is asked for: the last one
    on or before it, else the first after it, never before ``not_before``. None when the
    group has no school day from ``not_before`` on."""
    calendar = _group_calendar(session, group)
    first = max(not_before, group.start_date)
    day = min(wanted, group.end_date)
    while day >= first:
        if calendar.is_teaching_day(day):
            return day
        day -= dt.timedelta(days=1)
    day = max(first, min(wanted, group.end_date) + dt.timedelta(days=1))
    while day <= group.end_date:
        if calendar.is_teaching_day(day):
            return day
        day += dt.timedelta(days=1)
    return None


def review_date_problem(
    session: Session,
    group: ProvisionGroup,
    day: dt.date,
    *,
    baseline_date: dt.date | None = None,
) -> str | None:
    """Why ``day`` cannot be the group's review date, or None when it can: it must be a
    school day inside the group's dates, on or after the baseline."""
    shown = f"{day:%A %d/%m/%Y}"
    if day < group.start_date:
        return f"{shown} is before the group starts on {group.start_date:%d/%m/%Y}."
    if day > group.end_date:
        return f"{shown} is after the group ends on {group.end_date:%d/%m/%Y}."
    if not _group_calendar(session, group).is_teaching_day(day):
        why = "a weekend" if day.weekday() >= 5 else "a school holiday"
        return f"{shown} is not a school day ({why})."
    if baseline_date is not None and day < baseline_date:
        return f"{shown} is before the baseline date {baseline_date:%d/%m/%Y}."
    return None
