"""What a completed review's decision leads to, carried out in the session.

- **continue**: the next cycle is opened at once with its baseline taken from this
  outcome and its plan (outcome sought, target, the same length of cycle) pre-filled.
- **modify**: the provision needs changing; the next step names the group to open.
- **escalate**: to a higher wave or to an EHC needs assessment.
- **exit**: the allocation ends: the membership's leave date becomes the review date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..models import GroupMembership, Review
from ..models.vocab import Decision
from ..services.review_cycle import DEFAULT_CYCLE_DAYS, ESCALATE_EHC, school_day_for_review


@dataclass(frozen=True)
class NextStep:
    """What a decision leads to, in words and as data for the screen to act on."""

    decision: str
    text: str
    next_review_id: int | None = None  # continue: the cycle opened
    group_id: int | None = None  # modify: the group to open
    left_on: dt.date | None = None  # exit: the allocation's new leave date


def next_step(session: Session, review: Review) -> NextStep:
    """Carry out the review's decision and say what it led to."""
    membership = review.membership
    decision = review.decision or ""
    if decision == Decision.CONTINUE.value and membership is not None:
        return _continue(session, review, membership)
    if decision == Decision.MODIFY.value and membership is not None:
        return NextStep(
            decision,
            "Modify: change the group (sessions, staff or approach), then plan again.",
            group_id=membership.group_id,
        )
    if decision == Decision.ESCALATE.value:
        if review.escalate_to == ESCALATE_EHC:
            text = "Escalate: request an EHC needs assessment with the evidence pack."
        else:
            text = f"Escalate to {review.escalate_to}: allocate it on the provision map."
        return NextStep(decision, text)
    if decision == Decision.EXIT.value and membership is not None:
        day = max(
            review.outcome_date or review.completed_on or dt.date.today(), membership.join_date
        )
        if membership.leave_date is None or membership.leave_date > day:
            membership.leave_date = day
        left = membership.leave_date
        return NextStep(decision, f"Exit: the allocation ended on {left:%d/%m/%Y}.", left_on=left)
    return NextStep(decision, "")


def _continue(session: Session, review: Review, membership: GroupMembership) -> NextStep:
    """Open the next cycle: this outcome its baseline, the same plan and length of cycle."""
    decision = Decision.CONTINUE.value
    length = DEFAULT_CYCLE_DAYS
    if review.baseline_date and review.review_date:
        length = max((review.review_date - review.baseline_date).days, 1)
    start = review.outcome_date or review.completed_on or dt.date.today()
    group = membership.group
    # A cycle needs at least a day: the next review falls after its baseline.
    when = school_day_for_review(
        session,
        group,
        start + dt.timedelta(days=length),
        not_before=start + dt.timedelta(days=1),
    )
    following = Review(
        pupil_id=review.pupil_id,
        membership_id=membership.id,
        baseline_type=review.baseline_type,
        baseline_value=review.outcome_value,
        baseline_date=start,
        outcome_sought=review.outcome_sought,
        target=review.target,
        target_value=review.target_value,
        review_date=when,
    )
    session.add(following)
    session.flush()
    if when is None:
        text = (
            f"Continue: the group ended on {group.end_date:%d/%m/%Y}, so the next review "
            "has no date yet: extend the group, then set its review date."
        )
    else:
        text = f"Continue: next review on {when:%d/%m/%Y}."
    return NextStep(decision, text, following.id)
