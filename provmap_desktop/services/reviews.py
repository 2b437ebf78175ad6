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
- Each measure type knows its direction (``MeasureType.lower_is_better``): ages, scores
  and ratings rise with progress; a **count** (of incidents, of refusals) falls, so a
  fall of four reads "4 fewer" and counts as progress towards its target.
- **Free text** has no number and so no progress.
- A **target value** is either the outcome aimed for, in the same form (``"8y 0m"``),
  or a change with its sign (``"+6m"``, ``"+6"``, ``"+5 points"``; ``"-3"`` for a
  count that should fall by three).

Review dates (``review_date_problem``): a cycle is reviewed on a school day inside its
group's dates, on or after its baseline. A new cycle, and the next cycle that a
"continue" opens, get such a day; when the group has no school day left, the next
cycle's review date is left empty for the SENCO to set once the group is extended.

Due (``due_reviews``): one rule for every screen. An open review is *overdue* once its
review date has passed and *due* from then until ``DUE_WITHIN_DAYS`` (14) days ahead:
two weeks is the notice needed to invite parents and carers to the review meeting.

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
MEASURE_LABELS: dict[str, str] = {
    MeasureType.READING_AGE.value: "Reading age",
    MeasureType.SPELLING_AGE.value: "Spelling age",
    MeasureType.STANDARDISED_SCORE.value: "Standardised score",
    MeasureType.COUNT.value: "Count (fewer is better)",
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


def lower_is_better(measure_type: str) -> bool:
    """True for a measure that falls as a pupil makes progress (a count of incidents)."""
    try:
        return MeasureType(measure_type).lower_is_better
    except ValueError:
        return False


def unit(measure_type: str) -> str:
    return "months" if measure_type in _AGE_TYPES else "points"


def _plain(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def progress_text(measure_type: str, value: float | None) -> str:
    """'+4 months', '-2 points', '4 fewer' for a count that fell, or '–' for no number."""
    if value is None:
        return "–"
    if lower_is_better(measure_type):
        if value == 0:
            return "no change"
        return f"{_plain(abs(value))} {'fewer' if value < 0 else 'more'}"
    shown = f"{value:+.1f}".replace(".0", "") if value != int(value) else f"{int(value):+d}"
    word = unit(measure_type)
    if abs(value) == 1:
        word = word[:-1]
    return f"{shown} {word}"


def target_gain(measure_type: str, baseline: str, target_value: str) -> float | None:
    """The change the target asks for: a signed change ('+6m', '-3') as it is, an
    aimed-for value less the baseline."""
    text = (target_value or "").strip()
    if not text:
        return None
    if text[0] in "+-":
        change = parse_measure(measure_type, text[1:])
        return None if change is None else (change if text[0] == "+" else -change)
    return progress(measure_type, baseline, text)


def suggest_target_met(
    measure_type: str, baseline: str, outcome: str, target_value: str
) -> str | None:
    """Met when progress reaches the target, partly when some progress, else not met.

    Progress runs the measure's way: up for an age or a score, down for a count.
    None when the measure or the target is not numeric: then people judge it.
    """
    gained = progress(measure_type, baseline, outcome)
    wanted = target_gain(measure_type, baseline, target_value)
    if gained is None or wanted is None:
        return None
    if lower_is_better(measure_type):
        gained, wanted = -gained, -wanted
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


def save_views(review: Review, *, pupil_voice: str, parent_views: str) -> None:
    """Record the pupil's voice and their parents' or carers' views on this cycle."""
    review.pupil_voice = pupil_voice.strip()
    review.parent_views = parent_views.strip()


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
    save_views(review, pupil_voice=pupil_voice, parent_views=parent_views)
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
        shown = progress_text(self.measure_type, round(self.mean, 1))
        if lower_is_better(self.measure_type):
            return f"{shown} (count: fewer is better)"
        label = MEASURE_LABELS.get(self.measure_type, self.measure_type).lower()
        return f"{shown} {label}"


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
