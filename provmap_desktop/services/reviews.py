"""Assess, Plan, Do, Review cycles: starting, planning and completing reviews.

One ``Review`` row is one APDR cycle of one pupil's provision (a group membership).
Measures are stored as the text typed; ``parse_measure`` reads them as numbers.

Reading measures (``parse_measure``)
------------------------------------
- **Reading age / spelling age** are read as whole months: ``"7y 4m"``, ``"7y4m"``,
  ``"7 years 4 months"``, ``"7:4"``, ``"7:04"`` and ``"7.04"`` (years, then months, as
  reading tests print them) are all 88; ``"7y"`` is 84; a bare number (``"88"`` or
  ``"88m"``) is already months. Progress is in months.
- **Standardised score**, **count** and **rating** (1-5) are plain numbers; progress is
  the difference in points.
- **Free text** has no number and so no progress.
- A **target value** is either the outcome aimed for, in the same form (``"8y 0m"``),
  or a gain with a plus sign (``"+6m"``, ``"+6"``, ``"+5 points"``).

Decisions and their next steps (``complete_review``):

- **continue**: the next cycle is opened at once with its baseline taken from this
  outcome and its plan (outcome sought, target, the same length of cycle) pre-filled.
- **modify**: the provision needs changing; the next step names the group to open.
- **escalate**: to a higher wave or to an EHC needs assessment; ``escalate_to`` says
  which and is required.
- **exit**: the allocation ends: the membership's leave date becomes the review date.

Nothing here commits; ``snapshot``/``restore`` put every review of some memberships
(and their leave dates) back exactly, which the wizard's undo uses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ..models import GroupMembership, ProvisionGroup, Review
from ..models.vocab import Decision, MeasureType, TargetMet

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
MEASURE_LABELS: dict[str, str] = {
    MeasureType.READING_AGE.value: "Reading age",
    MeasureType.SPELLING_AGE.value: "Spelling age",
    MeasureType.STANDARDISED_SCORE.value: "Standardised score",
    MeasureType.COUNT.value: "Count",
    MeasureType.RATING.value: "Rating (1-5)",
    MeasureType.FREE_TEXT.value: "Free text",
}

_AGE_TYPES = (MeasureType.READING_AGE.value, MeasureType.SPELLING_AGE.value)
_AGE = re.compile(
    r"^\s*(?:(\d+)\s*(?:y|yr|yrs|years?)\s*,?\s*)?(?:(\d+)\s*(?:m|mo|mths?|months?))?\s*$"
)
_YEARS_MONTHS = re.compile(r"^\s*(\d+)\s*[:.]\s*(\d{1,2})\s*$")
_NUMBER = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:points?|pts?|m|months?)?\s*$")


def parse_measure(measure_type: str, text: str) -> float | None:
    """The measure as a number (months for an age), or None if it is not one."""
    if measure_type == MeasureType.FREE_TEXT.value or not (text or "").strip():
        return None
    text = text.strip().lower()
    if measure_type in _AGE_TYPES:
        if match := _YEARS_MONTHS.match(text):
            years, months = int(match[1]), int(match[2])
            return float(years * 12 + months) if months < 12 else None
        if text.replace(".", "", 1).isdigit():
            return float(text)
        match = _AGE.match(text)
        if match and (match[1] or match[2]):
            return float(int(match[1] or 0) * 12 + int(match[2] or 0))
        return None
    match = _NUMBER.match(text)
    return float(match[1]) if match else None


def is_numeric(measure_type: str) -> bool:
    return measure_type != MeasureType.FREE_TEXT.value


def progress(measure_type: str, baseline: str, outcome: str) -> float | None:
    """Outcome minus baseline in the measure's unit, or None when either is not a number."""
    before, after = parse_measure(measure_type, baseline), parse_measure(measure_type, outcome)
    if before is None or after is None:
        return None
    return after - before


def unit(measure_type: str) -> str:
    return "months" if measure_type in _AGE_TYPES else "points"


def progress_text(measure_type: str, value: float | None) -> str:
    """'+4 months', '-2 points', or '–' when there is no number."""
    if value is None:
        return "–"
    shown = f"{value:+.1f}".replace(".0", "") if value != int(value) else f"{int(value):+d}"
    word = unit(measure_type)
    if abs(value) == 1:
        word = word[:-1]
    return f"{shown} {word}"


def target_gain(measure_type: str, baseline: str, target_value: str) -> float | None:
    """The gain the target asks for: a '+' gain as it is, an aimed-for value less baseline."""
    text = (target_value or "").strip()
    if not text:
        return None
    if text.startswith("+"):
        return parse_measure(measure_type, text[1:])
    return progress(measure_type, baseline, text)


def suggest_target_met(
    measure_type: str, baseline: str, outcome: str, target_value: str
) -> str | None:
    """Met when progress reaches the target gain, partly when some progress, else not met.

    None when the measure or the target is not numeric: then people judge it.
    """
    gained = progress(measure_type, baseline, outcome)
    wanted = target_gain(measure_type, baseline, target_value)
    if gained is None or wanted is None:
        return None
    if gained >= wanted:
        return TargetMet.MET.value
    return TargetMet.PARTLY.value if gained > 0 else TargetMet.NOT_MET.value


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
    plan; with none, the baseline is empty and dated today. A new cycle's review date is
    twelve weeks after its baseline, but no later than the group's end date.
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
        baseline_date=today,
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
    start = review.baseline_date or today
    end = membership.group.end_date
    review.review_date = max(start, min(start + dt.timedelta(DEFAULT_CYCLE_DAYS), end))
    return review


def start_cycle(session: Session, membership_id: int, *, today: dt.date) -> Review:
    """The membership's open cycle, or a new pre-filled one (see ``preview_cycle``)."""
    review = preview_cycle(session, membership_id, today=today)
    if review.id is None:
        session.add(review)
        session.flush()
    return review


def save_assessment(review: Review, measure_type: str, value: str, day: dt.date | None) -> None:
    review.baseline_type = MeasureType(measure_type).value
    review.baseline_value = value.strip()
    review.baseline_date = day


def save_plan(
    review: Review,
    *,
    outcome_sought: str,
    target: str,
    target_value: str = "",
    review_date: dt.date | None,
) -> None:
    """Record the Plan: the outcome sought, the measurable target and the review date."""
    review.outcome_sought = outcome_sought.strip()
    review.target = target.strip()
    review.target_value = target_value.strip()
    review.review_date = review_date


@dataclass(frozen=True)
class NextStep:
    """What a decision leads to, in words and as data for the screen to act on."""

    decision: str
    text: str
    next_review_id: int | None = None  # continue: the cycle opened
    group_id: int | None = None  # modify: the group to open
    left_on: dt.date | None = None  # exit: the allocation's new leave date


def complete_review(
    session: Session,
    review: Review,
    *,
    outcome_value: str,
    outcome_date: dt.date,
    target_met: str,
    decision: str,
    pupil_voice: str = "",
    parent_views: str = "",
    escalate_to: str = "",
    today: dt.date,
) -> NextStep:
    """Record the Review stage, close the cycle and carry out the decision's next step.

    Raises ``ValueError`` for an escalation with nowhere to escalate to.
    """
    decision = Decision(decision).value
    if decision == Decision.ESCALATE.value and not escalate_to.strip():
        raise ValueError("Say where to escalate to: a higher wave or an EHC needs assessment.")
    review.outcome_value = outcome_value.strip()
    review.outcome_date = outcome_date
    review.target_met = TargetMet(target_met).value
    review.pupil_voice = pupil_voice
    review.parent_views = parent_views
    review.decision = decision
    review.escalate_to = escalate_to.strip() if decision == Decision.ESCALATE.value else ""
    review.completed_on = today
    step = _next_step(session, review)
    review.next_step = step.text
    session.flush()
    return step


def _next_step(session: Session, review: Review) -> NextStep:
    membership = review.membership
    decision = review.decision or ""
    if decision == Decision.CONTINUE.value and membership is not None:
        length = DEFAULT_CYCLE_DAYS
        if review.baseline_date and review.review_date:
            length = max((review.review_date - review.baseline_date).days, 1)
        start = review.outcome_date or review.completed_on or dt.date.today()
        following = Review(
            pupil_id=review.pupil_id,
            membership_id=membership.id,
            baseline_type=review.baseline_type,
            baseline_value=review.outcome_value,
            baseline_date=start,
            outcome_sought=review.outcome_sought,
            target=review.target,
            target_value=review.target_value,
            review_date=start + dt.timedelta(days=length),
        )
        session.add(following)
        session.flush()
        when = following.review_date.strftime("%d/%m/%Y") if following.review_date else ""
        return NextStep(decision, f"Continue: next review on {when}.", following.id)
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


# -- due and overdue --------------------------------------------------------------------


def reviews_due(session: Session, today: dt.date, within_days: int = 14) -> list[Review]:
    """Open reviews whose review date is from today to ``within_days`` ahead, soonest first."""
    horizon = today + dt.timedelta(days=within_days)
    return list(
        session.scalars(
            select(Review)
            .where(
                Review.completed_on.is_(None),
                Review.review_date >= today,
                Review.review_date <= horizon,
            )
            .order_by(Review.review_date, Review.id)
        )
    )


def reviews_overdue(session: Session, today: dt.date) -> list[Review]:
    """Open reviews whose review date has passed, the longest overdue first."""
    return list(
        session.scalars(
            select(Review)
            .where(Review.completed_on.is_(None), Review.review_date < today)
            .order_by(Review.review_date, Review.id)
        )
    )


def reviews_upcoming(session: Session, today: dt.date, within_days: int = 14) -> list[Review]:
    """Open reviews later than the due window (or with no date yet)."""
    horizon = today + dt.timedelta(days=within_days)
    return list(
        session.scalars(
            select(Review)
            .where(
                Review.completed_on.is_(None),
                (Review.review_date > horizon) | Review.review_date.is_(None),
            )
            .order_by(Review.review_date, Review.id)
        )
    )


# -- exact undo ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Every review of some memberships, column by column, and their leave dates."""

    membership_ids: tuple[int, ...]
    reviews: dict[int, dict[str, Any]]
    leave_dates: dict[int, dt.date | None]


_COLUMNS = [c.key for c in inspect(Review).column_attrs]


def snapshot(session: Session, membership_ids: list[int]) -> Snapshot:
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


# -- impact by provision ---------------------------------------------------------------


@dataclass(frozen=True)
class MeanProgress:
    """Mean progress of one kind of measure: only like is averaged with like."""

    measure_type: str
    mean: float
    pupils: int

    @property
    def text(self) -> str:
        label = MEASURE_LABELS.get(self.measure_type, self.measure_type).lower()
        return f"{progress_text(self.measure_type, round(self.mean, 1))} {label}"


@dataclass
class ImpactRow:
    """One provision's reviews, outcomes, delivery and cost, each with its pupil count."""

    provision_id: int
    name: str
    reviews: int = 0
    reviewed_pupils: int = 0
    targets_met: int = 0
    targets_judged: int = 0
    target_pupils: int = 0
    progress: tuple[MeanProgress, ...] = ()
    delivered: int = 0
    planned: int = 0
    delivery_pupils: int = 0
    cost_per_pupil: Decimal | None = None
    cost_pupils: int = 0

    @property
    def met_share(self) -> float | None:
        return self.targets_met / self.targets_judged if self.targets_judged else None

    @property
    def delivery_rate(self) -> float | None:
        return self.delivered / self.planned if self.planned else None


def impact_by_provision(
    session: Session, academic_year_id: int | None, *, as_of: dt.date | None = None
) -> list[ImpactRow]:
    """For each provision with groups in the year (every year for None): the number of
    completed reviews, the share of targets met, mean progress per kind of numeric
    measure, the delivery rate to date and the planned cost per pupil, each with the
    number of distinct pupils behind it. Delivery counts up to ``as_of`` (default today).
    Sorted by provision name.
    """
    from collections import defaultdict

    from ..models import AcademicYear, Provision
    from .costing import cost_map
    from .delivery import delivery_rates

    years = (
        [academic_year_id]
        if academic_year_id is not None
        else list(session.scalars(select(AcademicYear.id)))
    )
    names = dict(session.execute(select(Provision.id, Provision.name)).all())
    rows: dict[int, ImpactRow] = {}
    pupils_in: dict[int, set[int]] = defaultdict(set)
    shares: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for year_id in years:
        year = session.get(AcademicYear, year_id)
        if year is None:
            continue
        up_to = min(as_of or dt.date.today(), year.end_date)
        rates = delivery_rates(session, year_id, up_to)
        for provision_id, rate in rates.by_provision.items():
            row = rows.setdefault(provision_id, ImpactRow(provision_id, names[provision_id]))
            row.delivered += rate.delivered
            row.planned += rate.planned
        for pupil_id, provision_id in rates.by_pupil_provision:
            pupils_in[provision_id].add(pupil_id)
        for group in cost_map(session, year_id).by_group.values():
            for pupil_id, totals in group.pupil_shares.items():
                shares[group.provision_id][pupil_id] += totals.planned

    query = (
        select(Review, ProvisionGroup.provision_id)
        .join(GroupMembership, Review.membership_id == GroupMembership.id)
        .join(ProvisionGroup, GroupMembership.group_id == ProvisionGroup.id)
        .where(Review.completed_on.is_not(None))
    )
    if academic_year_id is not None:
        query = query.where(ProvisionGroup.academic_year_id == academic_year_id)
    reviewed: dict[int, set[int]] = defaultdict(set)
    judged: dict[int, set[int]] = defaultdict(set)
    gains: dict[tuple[int, str], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for review, provision_id in session.execute(query):
        row = rows.setdefault(provision_id, ImpactRow(provision_id, names[provision_id]))
        row.reviews += 1
        reviewed[provision_id].add(review.pupil_id)
        if review.target_met:
            row.targets_judged += 1
            row.targets_met += review.target_met == TargetMet.MET.value
            judged[provision_id].add(review.pupil_id)
        gained = progress(review.baseline_type, review.baseline_value, review.outcome_value)
        if gained is not None:
            gains[(provision_id, review.baseline_type)][review.pupil_id].append(gained)

    for provision_id, row in rows.items():
        row.reviewed_pupils = len(reviewed[provision_id])
        row.target_pupils = len(judged[provision_id])
        row.delivery_pupils = len(pupils_in[provision_id])
        costs = shares.get(provision_id, {})
        if costs:
            row.cost_pupils = len(costs)
            row.cost_per_pupil = sum(costs.values(), Decimal(0)) / len(costs)
        means = []
        for (p_id, measure), by_pupil in gains.items():
            if p_id == provision_id:
                values = [v for vs in by_pupil.values() for v in vs]
                means.append(MeanProgress(measure, sum(values) / len(values), len(by_pupil)))
        row.progress = tuple(sorted(means, key=lambda m: -m.pupils))
    return sorted(rows.values(), key=lambda r: r.name.casefold())
