"""The APDR cycle's writes: start a cycle, record its Assess, Plan and Review stages.

Every write takes ids and plain values and returns a ``CycleChange``: the reviews of the
memberships it touched (and their leave dates) before and after, so undo and redo put
them back exactly. ``record_cycles`` saves what the review wizard gathered for several
pupils as one change.

Completing a review carries out its decision (continue, modify, escalate, exit: see
``review_steps``); an escalation must say where to (``escalate_to``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ..models import GroupMembership, Review
from ..models.vocab import Decision, MeasureType, TargetMet
from ..services.review_cycle import preview_cycle
from .change import Change, Changed, DomainError, Kind, RowKey
from .review_steps import NextStep, next_step

REVIEWED = Changed.of(Kind.REVIEWS, Kind.GROUPS)


@dataclass(frozen=True)
class Snapshot:
    """Every review of some memberships, column by column, and their leave dates."""

    membership_ids: tuple[int, ...]
    reviews: dict[int, dict[str, Any]]
    leave_dates: dict[int, dt.date | None]


_COLUMNS = [c.key for c in inspect(Review).column_attrs]


def snapshot(session: Session, membership_ids: list[int]) -> Snapshot:
    """Every review of the memberships, column by column, and their leave dates."""
    session.flush()
    rows = session.scalars(select(Review).where(Review.membership_id.in_(membership_ids)))
    reviews = {r.id: {c: getattr(r, c) for c in _COLUMNS} for r in rows}
    leave = {
        m.id: m.leave_date
        for m in session.scalars(
            select(GroupMembership).where(GroupMembership.id.in_(membership_ids))
        )
    }
    return Snapshot(tuple(membership_ids), reviews, leave)


def restore(session: Session, state: Snapshot) -> None:
    """Put the memberships' reviews and leave dates back exactly as in ``state``."""
    current = session.scalars(
        select(Review).where(Review.membership_id.in_(state.membership_ids))
    ).all()
    for existing in current:
        if existing.id not in state.reviews:
            session.delete(existing)
    session.flush()
    have = {r.id: r for r in current}
    for review_id, values in state.reviews.items():
        review: Review | None = have.get(review_id)
        if review is None:
            session.add(Review(**values))
        else:
            for column, value in values.items():
                setattr(review, column, value)
    for membership_id, leave in state.leave_dates.items():
        membership = session.get(GroupMembership, membership_id)
        if membership is not None:
            membership.leave_date = leave
    session.flush()


@dataclass
class CycleChange(Change):
    """The memberships' reviews and leave dates from ``before`` to ``after``.

    ``review_id`` is the cycle written; ``steps`` what each completed review led to.
    """

    before: Snapshot
    after: Snapshot
    review_id: int | None = None
    steps: list[NextStep] = field(default_factory=list)
    changed: Changed = field(default_factory=lambda: REVIEWED)

    def touched(self) -> Sequence[RowKey]:
        # Both snapshots: a review the edit deleted must still be gone, one it made (or
        # changed) as this session saved it; so must every membership's leave date.
        reviews = {*self.before.reviews, *self.after.reviews}
        keys: list[RowKey] = [(Review, review_id) for review_id in sorted(reviews)]
        keys.extend((GroupMembership, m) for m in self.before.membership_ids)
        return keys

    def undo(self, session: Session) -> None:
        restore(session, self.before)

    def redo(self, session: Session) -> None:
        restore(session, self.after)

    @property
    def step(self) -> NextStep | None:
        """The next step of the one review completed, if one was."""
        return self.steps[0] if self.steps else None

    @property
    def is_noop(self) -> bool:
        return self.before == self.after


def _recorded(
    session: Session,
    membership_ids: list[int],
    write: Callable[[], tuple[int | None, list[NextStep]]],
) -> CycleChange:
    """Run ``write`` between two snapshots of the memberships' reviews."""
    before = snapshot(session, membership_ids)
    review_id, steps = write()
    session.flush()
    return CycleChange(before, snapshot(session, membership_ids), review_id, steps)


def _review(session: Session, review_id: int) -> Review:
    """The review ``review_id``, or ``DomainError`` when it is gone."""
    review = session.get(Review, review_id)
    if review is None:
        raise DomainError("That review no longer exists.")
    return review


def _memberships(review: Review) -> list[int]:
    """The membership whose reviews a write to ``review`` may change."""
    if review.membership_id is None:
        raise DomainError("That review belongs to no provision, so it cannot be changed here.")
    return [review.membership_id]


def _measure(measure_type: str) -> str:
    """The measure type's code, or ``DomainError`` for an unknown one."""
    try:
        return MeasureType(measure_type).value
    except ValueError:
        raise DomainError(f"'{measure_type}' is not a kind of measure.") from None


@dataclass(frozen=True)
class Outcome:
    """The Review stage of a cycle: what was found and what was decided."""

    value: str
    day: dt.date
    target_met: str
    decision: str
    escalate_to: str = ""

    def checked(self) -> Outcome:
        """The outcome with its codes checked, or ``DomainError`` saying what is missing."""
        try:
            decision = Decision(self.decision).value
        except ValueError:
            raise DomainError(f"'{self.decision}' is not a decision.") from None
        try:
            met = TargetMet(self.target_met).value
        except ValueError:
            raise DomainError("Say whether the target was met.") from None
        if decision == Decision.ESCALATE.value and not self.escalate_to.strip():
            raise DomainError("Say where to escalate to: a higher wave or an EHC needs assessment.")
        return Outcome(self.value.strip(), self.day, met, decision, self.escalate_to.strip())


def _open_cycle(session: Session, membership_id: int, today: dt.date) -> Review:
    """The membership's open cycle, added to the session when it is new."""
    try:
        review = preview_cycle(session, membership_id, today=today)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    if review.id is None:
        session.add(review)
        session.flush()
    return review


def _complete(session: Session, review: Review, outcome: Outcome, today: dt.date) -> NextStep:
    """Close the cycle with its (checked) outcome and carry out the decision."""
    review.outcome_value = outcome.value
    review.outcome_date = outcome.day
    review.target_met = outcome.target_met
    review.decision = outcome.decision
    review.escalate_to = outcome.escalate_to if outcome.decision == Decision.ESCALATE.value else ""
    review.completed_on = today
    step = next_step(session, review)
    review.next_step = step.text
    return step


# -- the writes -------------------------------------------------------------------------


def start_cycle(session: Session, membership_id: int, *, today: dt.date) -> CycleChange:
    """Open the membership's next cycle, pre-filled (see ``preview_cycle``); when one is
    already open, nothing changes. ``review_id`` is the open cycle either way."""
    return _recorded(
        session, [membership_id], lambda: (_open_cycle(session, membership_id, today).id, [])
    )


def _assess(review: Review, measure_type: str, value: str, day: dt.date | None) -> None:
    """Write the Assess stage into ``review``."""
    review.baseline_type = measure_type
    review.baseline_value = value.strip()
    review.baseline_date = day


def save_assessment(
    session: Session, review_id: int, measure_type: str, value: str, day: dt.date | None
) -> CycleChange:
    """Record the Assess stage: the kind of measure, the baseline and when it was taken."""
    review = _review(session, review_id)
    measure = _measure(measure_type)

    def write() -> tuple[int | None, list[NextStep]]:
        _assess(review, measure, value, day)
        return review.id, []

    return _recorded(session, _memberships(review), write)


def _plan(
    review: Review, outcome_sought: str, target: str, target_value: str, day: dt.date | None
) -> None:
    """Write the Plan stage into ``review``."""
    review.outcome_sought = outcome_sought.strip()
    review.target = target.strip()
    review.target_value = target_value.strip()
    review.review_date = day


def save_plan(
    session: Session,
    review_id: int,
    *,
    outcome_sought: str,
    target: str,
    target_value: str = "",
    review_date: dt.date | None,
) -> CycleChange:
    """Record the Plan: the outcome sought, the measurable target and the review date."""
    review = _review(session, review_id)

    def write() -> tuple[int | None, list[NextStep]]:
        _plan(review, outcome_sought, target, target_value, review_date)
        return review.id, []

    return _recorded(session, _memberships(review), write)


def _views(review: Review, pupil_voice: str, parent_views: str) -> None:
    """Write the pupil's and the parents' or carers' views into ``review``."""
    review.pupil_voice = pupil_voice.strip()
    review.parent_views = parent_views.strip()


def save_views(
    session: Session, review_id: int, *, pupil_voice: str, parent_views: str
) -> CycleChange:
    """Record the pupil's voice and their parents' or carers' views on this cycle."""
    review = _review(session, review_id)

    def write() -> tuple[int | None, list[NextStep]]:
        _views(review, pupil_voice, parent_views)
        return review.id, []

    return _recorded(session, _memberships(review), write)


def complete_review(
    session: Session,
    review_id: int,
    *,
    outcome_value: str,
    outcome_date: dt.date,
    target_met: str,
    decision: str,
    pupil_voice: str = "",
    parent_views: str = "",
    escalate_to: str = "",
    today: dt.date,
) -> CycleChange:
    """Record the Review stage, close the cycle and carry out the decision's next step
    (``change.step``). Refused for an unknown decision or judgement, and for an
    escalation with nowhere to escalate to."""
    review = _review(session, review_id)
    outcome = Outcome(outcome_value, outcome_date, target_met, decision, escalate_to).checked()

    def write() -> tuple[int | None, list[NextStep]]:
        _views(review, pupil_voice, parent_views)
        return review.id, [_complete(session, review, outcome, today)]

    return _recorded(session, _memberships(review), write)


@dataclass(frozen=True)
class CycleEntry:
    """One pupil's cycle as the review wizard gathered it; no ``outcome`` keeps it open."""

    membership_id: int
    measure_type: str
    baseline: str
    baseline_date: dt.date | None
    outcome_sought: str
    target: str
    target_value: str
    review_date: dt.date | None
    pupil_voice: str = ""
    parent_views: str = ""
    outcome: Outcome | None = None


def record_cycles(
    session: Session, entries: Sequence[CycleEntry], *, today: dt.date
) -> CycleChange:
    """Save every pupil's cycle (opening it if new) as one change; ``steps`` are the next
    steps of the reviews completed, in order. Everything is checked before anything is
    written, so a refusal leaves every pupil's reviews as they were."""
    if not entries:
        raise DomainError("There is no pupil to review.")
    checked = [
        (entry, _measure(entry.measure_type), entry.outcome and entry.outcome.checked())
        for entry in entries
    ]

    def write() -> tuple[int | None, list[NextStep]]:
        steps = []
        for entry, measure, outcome in checked:
            review = _open_cycle(session, entry.membership_id, today)
            _assess(review, measure, entry.baseline, entry.baseline_date)
            _plan(review, entry.outcome_sought, entry.target, entry.target_value, entry.review_date)
            _views(review, entry.pupil_voice, entry.parent_views)
            if outcome:
                steps.append(_complete(session, review, outcome, today))
        return None, steps

    return _recorded(session, [e.membership_id for e in entries], write)


def record_past_cycle(
    session: Session,
    entry: CycleEntry,
    *,
    completed_on: dt.date | None = None,
    next_step: str = "",
) -> CycleChange:
    """Record a cycle kept earlier, with its own dates, as a new review of the allocation.

    A completed one (``entry.outcome`` and ``completed_on`` both given) is history: its
    decision was acted on when it was made, so nothing follows from it here (no cycle
    opened, no allocation ended); ``next_step`` says in words what it led to. Refused
    for an unknown measure, decision or judgement, an escalation with nowhere to go, a
    review date before the baseline, or an outcome without a completion date.
    """
    membership = session.get(GroupMembership, entry.membership_id)
    if membership is None:
        raise DomainError("That allocation no longer exists.")
    measure = _measure(entry.measure_type)
    outcome = entry.outcome.checked() if entry.outcome is not None else None
    if (outcome is None) != (completed_on is None):
        raise DomainError("A completed review needs both its outcome and the day it was completed.")
    if entry.baseline_date and entry.review_date and entry.review_date < entry.baseline_date:
        raise DomainError("The review date is before the baseline was taken.")

    def write() -> tuple[int | None, list[NextStep]]:
        """Add the review with every stage as given; nothing follows from its decision."""
        review = Review(pupil_id=membership.pupil_id, membership_id=membership.id)
        _assess(review, measure, entry.baseline, entry.baseline_date)
        _plan(review, entry.outcome_sought, entry.target, entry.target_value, entry.review_date)
        _views(review, entry.pupil_voice, entry.parent_views)
        if outcome is not None:
            review.outcome_value = outcome.value
            review.outcome_date = outcome.day
            review.target_met = outcome.target_met
            review.decision = outcome.decision
            if outcome.decision == Decision.ESCALATE.value:
                review.escalate_to = outcome.escalate_to
            review.next_step = next_step.strip()
            review.completed_on = completed_on
        session.add(review)
        session.flush()
        return review.id, []

    return _recorded(session, [membership.id], write)
