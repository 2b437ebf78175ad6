"""Costs against limits: each pupil against the per-pupil threshold, each funding
stream against its budget. The figures come from ``costing.cost_map``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    FundingBudget,
    FundingStream,
    Pupil,
    YearGroup,
)
from ..models.vocab import SenStatus
from .cost_records import ZERO, CostedMap, Totals
from .costing import (
    DEFAULT_NEAR_MARGIN,
    DEFAULT_THRESHOLD,
    _settings,
    _year,
    cost_map,
)
from .pupils import joined_by


@dataclass(frozen=True)
class ThresholdRow:
    """One pupil's annual cost against the threshold."""

    pupil_id: int
    upn: str
    name: str
    year_group: str
    annual_total: Decimal
    threshold: Decimal
    at_or_above: bool
    near: bool

    @property
    def difference(self) -> Decimal:
        """Annual total minus threshold: positive when over, negative when under."""
        return self.annual_total - self.threshold

    @property
    def over_by(self) -> Decimal:
        return max(self.difference, ZERO)

    @property
    def under_by(self) -> Decimal:
        return max(-self.difference, ZERO)


@dataclass
class ThresholdTotals:
    academic_year_id: int
    threshold: Decimal
    margin: Decimal
    rows: list[ThresholdRow]

    @property
    def at_or_above(self) -> list[ThresholdRow]:
        return [row for row in self.rows if row.at_or_above]

    @property
    def near(self) -> list[ThresholdRow]:
        return [row for row in self.rows if row.near]

    def row_for(self, pupil_id: int) -> ThresholdRow | None:
        return next((row for row in self.rows if row.pupil_id == pupil_id), None)


def threshold_totals(
    session: Session,
    academic_year: AcademicYear | int,
    margin: Decimal | None = None,
    *,
    costed: CostedMap | None = None,
) -> ThresholdTotals:
    """Each pupil's planned annual total against ``SchoolSettings.sen_threshold``.

    Lists every pupil on roll (not archived, joined by the year's end: not next year's
    intake) who has costed provision in the year or is on SEN support or an EHC plan,
    highest total first. *At or above* means total >= threshold; *near* means below it
    by no more than the margin (the argument, else
    ``SchoolSettings.near_threshold_margin``). Pass ``costed`` (an annual map) to reuse it.
    """
    year = _year(session, academic_year)
    if costed is None or costed.term_name is not None:
        costed = cost_map(session, year)
    settings = _settings(session)
    threshold = settings.sen_threshold if settings else DEFAULT_THRESHOLD
    if margin is None:
        margin = settings.near_threshold_margin if settings else DEFAULT_NEAR_MARGIN
    pupils = session.execute(
        select(
            Pupil.id, Pupil.upn, Pupil.forename, Pupil.preferred_name, Pupil.surname, YearGroup.name
        )
        .outerjoin(YearGroup, Pupil.year_group_id == YearGroup.id)
        .where(
            Pupil.archived.is_(False),
            joined_by(year.end_date),  # next year's intake is not on this year's roll
            Pupil.id.in_(costed.by_pupil)
            | Pupil.sen_status.in_((SenStatus.SEN_SUPPORT.value, SenStatus.EHCP.value)),
        )
    )
    rows = []
    for pupil_id, upn, forename, preferred, surname, year_group in pupils:
        total = costed.by_pupil.get(pupil_id, Totals()).planned
        rows.append(
            ThresholdRow(
                pupil_id=pupil_id,
                upn=upn,
                name=f"{preferred or forename} {surname}",
                year_group=year_group or "",
                annual_total=total,
                threshold=threshold,
                at_or_above=total >= threshold,
                near=threshold - margin <= total < threshold,
            )
        )
    rows.sort(key=lambda row: (-row.annual_total, row.name))
    return ThresholdTotals(year.id, threshold, margin, rows)


@dataclass(frozen=True)
class BudgetRow:
    """One funding stream's planned spend against its budget for the year."""

    funding_stream_id: int | None  # None: provision with no funding stream set
    name: str
    kind: str
    budget: Decimal | None  # None: no budget entered for this year
    planned: Decimal
    to_date: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.planned

    @property
    def overspent(self) -> bool:
        return self.budget is not None and self.planned > self.budget


@dataclass
class BudgetTotals:
    academic_year_id: int
    rows: list[BudgetRow]

    @property
    def total_budget(self) -> Decimal:
        return sum((row.budget for row in self.rows if row.budget is not None), ZERO)

    @property
    def total_planned(self) -> Decimal:
        return sum((row.planned for row in self.rows), ZERO)

    @property
    def any_overspent(self) -> bool:
        return any(row.overspent for row in self.rows)


def budget_totals(
    session: Session,
    academic_year: AcademicYear | int,
    *,
    costed: CostedMap | None = None,
) -> BudgetTotals:
    """Planned annual spend per funding stream against its ``FundingBudget`` for the year.

    Every stream is listed by name; spend on provisions with no stream comes last as
    "No funding stream" when there is any. Pass ``costed`` (an annual map) to reuse it.
    """
    year = _year(session, academic_year)
    if costed is None or costed.term_name is not None:
        costed = cost_map(session, year)
    budgets = dict(
        session.execute(
            select(FundingBudget.funding_stream_id, FundingBudget.amount).where(
                FundingBudget.academic_year_id == year.id
            )
        ).all()
    )
    rows = []
    streams = select(FundingStream.id, FundingStream.name, FundingStream.kind)
    for stream_id, name, kind in session.execute(streams.order_by(FundingStream.name)):
        spend = costed.by_funding_stream.get(stream_id, Totals())
        rows.append(
            BudgetRow(stream_id, name, kind, budgets.get(stream_id), spend.planned, spend.to_date)
        )
    unfunded = costed.by_funding_stream.get(None)
    if unfunded is not None and unfunded.planned:
        rows.append(
            BudgetRow(None, "No funding stream", "", None, unfunded.planned, unfunded.to_date)
        )
    return BudgetTotals(year.id, rows)
