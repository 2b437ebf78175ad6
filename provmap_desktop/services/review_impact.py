"""What the reviews show about each provision: outcomes, progress, delivery and cost."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, GroupMembership, Provision, ProvisionGroup, Review
from ..models.vocab import TargetMet
from .memo import year_costs, year_delivery_rates
from .review_measures import MEASURE_LABELS, lower_is_better, progress, progress_text


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


class _Tally:
    """The figures gathered for each provision before they are summed up."""

    def __init__(self, session: Session) -> None:
        self.names = dict(session.execute(select(Provision.id, Provision.name)).all())
        self.rows: dict[int, ImpactRow] = {}
        self.pupils_in: dict[int, set[int]] = defaultdict(set)
        self.shares: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.reviewed: dict[int, set[int]] = defaultdict(set)
        self.judged: dict[int, set[int]] = defaultdict(set)
        self.gains: dict[tuple[int, str], dict[int, list[float]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def row(self, provision_id: int) -> ImpactRow:
        """The provision's row, made when first needed."""
        found = self.rows.get(provision_id)
        if found is None:
            found = self.rows[provision_id] = ImpactRow(provision_id, self.names[provision_id])
        return found


def _add_delivery_and_cost(
    session: Session, tally: _Tally, years: list[int], as_of: dt.date | None
) -> None:
    """Sessions delivered and planned, the pupils behind them and each pupil's planned
    cost share, for each provision over ``years``."""
    for year_id in years:
        year = session.get(AcademicYear, year_id)
        if year is None:
            continue
        today = as_of or dt.date.today()
        up_to = min(today, year.end_date)
        rates = year_delivery_rates(session, year_id, up_to)
        for provision_id, rate in rates.by_provision.items():
            row = tally.row(provision_id)
            row.delivered += rate.delivered
            row.planned += rate.planned
        for pupil_id, provision_id in rates.by_pupil_provision:
            tally.pupils_in[provision_id].add(pupil_id)
        for group in year_costs(session, year_id, today).by_group.values():
            for pupil_id, totals in group.pupil_shares.items():
                tally.shares[group.provision_id][pupil_id] += totals.planned


def _add_reviews(session: Session, tally: _Tally, academic_year_id: int | None) -> None:
    """Completed reviews, targets met and each pupil's progress, for each provision."""
    query = (
        select(Review, ProvisionGroup.provision_id)
        .join(GroupMembership, Review.membership_id == GroupMembership.id)
        .join(ProvisionGroup, GroupMembership.group_id == ProvisionGroup.id)
        .where(Review.completed_on.is_not(None))
    )
    if academic_year_id is not None:
        query = query.where(ProvisionGroup.academic_year_id == academic_year_id)
    for review, provision_id in session.execute(query):
        row = tally.row(provision_id)
        row.reviews += 1
        tally.reviewed[provision_id].add(review.pupil_id)
        if review.target_met:
            row.targets_judged += 1
            row.targets_met += review.target_met == TargetMet.MET.value
            tally.judged[provision_id].add(review.pupil_id)
        gained = progress(review.baseline_type, review.baseline_value, review.outcome_value)
        if gained is not None:
            tally.gains[(provision_id, review.baseline_type)][review.pupil_id].append(gained)


def _sum_up(tally: _Tally) -> None:
    """The pupil counts, cost per pupil and mean progress of each provision's row."""
    for provision_id, row in tally.rows.items():
        row.reviewed_pupils = len(tally.reviewed[provision_id])
        row.target_pupils = len(tally.judged[provision_id])
        row.delivery_pupils = len(tally.pupils_in[provision_id])
        costs = tally.shares.get(provision_id, {})
        if costs:
            row.cost_pupils = len(costs)
            row.cost_per_pupil = sum(costs.values(), Decimal(0)) / len(costs)
        means = []
        for (p_id, measure), by_pupil in tally.gains.items():
            if p_id == provision_id:
                values = [v for vs in by_pupil.values() for v in vs]
                means.append(MeanProgress(measure, sum(values) / len(values), len(by_pupil)))
        row.progress = tuple(sorted(means, key=lambda m: -m.pupils))


def impact_by_provision(
    session: Session, academic_year_id: int | None, *, as_of: dt.date | None = None
) -> list[ImpactRow]:
    """For each provision with groups in the year (every year for None): the number of
    completed reviews, the share of targets met, mean progress per kind of numeric
    measure, the delivery rate to date and the planned cost per pupil, each with the
    number of distinct pupils behind it. Delivery counts up to ``as_of`` (default today).
    Sorted by provision name.
    """
    years = (
        [academic_year_id]
        if academic_year_id is not None
        else list(session.scalars(select(AcademicYear.id)))
    )
    tally = _Tally(session)
    _add_delivery_and_cost(session, tally, years, as_of)
    _add_reviews(session, tally, academic_year_id)
    _sum_up(tally)
    return sorted(tally.rows.values(), key=lambda r: r.name.casefold())
