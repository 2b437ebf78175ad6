"""EHC plan annual reviews: start one, record its steps and what was said, remove it.

Each function takes the session first, changes it without committing and returns a
``Change``; refusals are ``DomainError`` in plain words. A plan has at most one review
in progress (its report not yet sent). Sending the report closes the review and moves
the plan's next annual review date to twelve months after the meeting, in the same
edit, so undo takes both back.

    review = annual_reviews.start_review(session, plan_id, meeting_on=day)
    annual_reviews.update_review(session, review.row_id, "views_sought_on", earlier_day)
    annual_reviews.update_review(session, review.row_id, "report_sent_on", later_day)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ..models import Ehcp, EhcpAnnualReview
from ..services.annual_reviews import open_review, previous_meeting, twelve_months_after
from .change import (
    Change,
    Changed,
    ChildRowsAdded,
    ChildRowsRemoved,
    DomainError,
    FieldChange,
    FieldRule,
    Kind,
    NoChange,
    Steps,
)
from .change import set_field as _set_field
from .plan_rows import date_or_none, get_row, words

PUPILS = Changed.of(Kind.PUPILS)


def _settle(session: Session, rows: Sequence[Any]) -> None:
    """Let the plan see reviews added or removed (no stale list)."""
    for row in rows:
        plan = session.get(Ehcp, row.ehcp_id)
        if plan is not None and inspect(plan).persistent:
            session.expire(plan, ["annual_reviews"])


def _plan_of(session: Session, review: EhcpAnnualReview) -> Ehcp:
    return get_row(session, Ehcp, review.ehcp_id, "EHC plan")


def _meeting(session: Session, review: EhcpAnnualReview, value: Any) -> dt.date | None:
    day = date_or_none(value, "meeting date")
    if day is None:
        if review.report_sent_on is not None:
            raise DomainError("The review report has been sent, so the meeting keeps its date.")
        return None
    plan = _plan_of(session, review)
    issued = plan.issued_date
    if issued is not None and day < issued:
        raise DomainError(
            f"The review meeting cannot be before the plan was issued ({issued:%d/%m/%Y})."
        )
    last = previous_meeting(plan, review)
    if last is not None and day <= last:
        raise DomainError(
            f"The review meeting must be after the last review's meeting ({last:%d/%m/%Y})."
        )
    later = [r.meeting_on for r in plan.annual_reviews if r.id > (review.id or 0) and r.meeting_on]
    if review.id is not None and later and day >= min(later):
        raise DomainError(
            f"The review meeting must be before the next review's meeting ({min(later):%d/%m/%Y})."
        )
    for key, what in (
        ("views_sought_on", "Views were sought"),
        ("reports_sent_on", "Reports were sent"),
    ):
        done = getattr(review, key)
        if done is not None and done > day:
            raise DomainError(f"{what} on {done:%d/%m/%Y}, after that date; change that first.")
    sent = review.report_sent_on
    if sent is not None and sent < day:
        raise DomainError(f"The review report was sent on {sent:%d/%m/%Y}, before that date.")
    return day


def _before_meeting(what: str) -> FieldRule:
    def rule(_session: Session, review: EhcpAnnualReview, value: Any) -> dt.date | None:
        day = date_or_none(value, what)
        meeting = review.meeting_on
        if day is not None and meeting is not None and day > meeting:
            raise DomainError(f"The {what} must be on or before the meeting ({meeting:%d/%m/%Y}).")
        return day

    return rule


def _report_sent(session: Session, review: EhcpAnnualReview, value: Any) -> dt.date | None:
    day = date_or_none(value, "date the review report was sent")
    if day is None:
        plan = _plan_of(session, review)
        current = open_review(plan)
        if review.report_sent_on is not None and current is not None and current is not review:
            raise DomainError(
                "The next annual review has started, so this one stays finished: "
                "remove the next one first to reopen it."
            )
        return None
    meeting = review.meeting_on
    if meeting is None:
        raise DomainError("Record the meeting date before the review report.")
    if day < meeting:
        raise DomainError(
            f"The review report cannot be sent before the meeting ({meeting:%d/%m/%Y})."
        )
    return day


def _text(what: str) -> FieldRule:
    return lambda _s, _row, value: words(value, what)


#: The fields of a review ``update_review`` may set, each with its rule.
REVIEW_RULES: dict[str, FieldRule] = {
    "meeting_on": _meeting,
    "views_sought_on": _before_meeting("date views were sought"),
    "reports_sent_on": _before_meeting("date reports were sent"),
    "report_sent_on": _report_sent,
    "attendees": _text("Who attended"),
    "pupil_views": _text("The pupil's views"),
    "parent_views": _text("The family's views"),
    "proposed_amendments": _text("Proposed amendments"),
}


def start_review(
    session: Session, plan_id: int, meeting_on: dt.date | None = None
) -> ChildRowsAdded:
    """Start the plan's next annual review, with its meeting date if booked."""
    plan: Ehcp = get_row(session, Ehcp, plan_id, "EHC plan")
    current = open_review(plan)
    if current is not None:
        raise DomainError(
            f"The {current.label[0].lower()}{current.label[1:]} is still in progress: "
            "record its review report first."
        )
    review = EhcpAnnualReview(
        ehcp_id=plan.id,
        pupil_id=plan.pupil_id,
        attendees="",
        pupil_views="",
        parent_views="",
        proposed_amendments="",
    )
    # The rules ask the plan for earlier reviews: the new one is not among them yet.
    review.meeting_on = _meeting(session, review, meeting_on)
    session.add(review)
    session.flush()
    _settle(session, [review])
    return ChildRowsAdded([review], PUPILS, _settle)


def update_review(session: Session, review_id: int, field_name: str, value: Any) -> Change:
    """Set one field of a review; sending the report also sets the plan's next review."""
    review: EhcpAnnualReview = get_row(session, EhcpAnnualReview, review_id, "annual review")
    was_open = review.is_open
    change = _set_field(
        session, EhcpAnnualReview, review_id, field_name, value, REVIEW_RULES, PUPILS
    )
    if field_name != "report_sent_on" or not was_open or isinstance(change, NoChange):
        return change
    assert review.meeting_on is not None
    plan = _plan_of(session, review)
    following = twelve_months_after(review.meeting_on)
    old = plan.next_review_date
    if old == following:
        return change
    plan.next_review_date = following
    return Steps([change, FieldChange(Ehcp, plan.id, "next_review_date", old, following, PUPILS)])


def remove_review(session: Session, review_id: int) -> Change:
    """Remove a review; undo brings it back with its id and dates."""
    review = get_row(session, EhcpAnnualReview, review_id, "annual review")
    change = ChildRowsRemoved([review], PUPILS, _settle)
    change.redo(session)
    return change
