"""The new year's terms at the rollover: the school's own, or this year's moved on.

When the school has already set up the new year, its terms are used as they are.
Otherwise this year's terms (with their half-terms) move on by the whole weeks from
this year's autumn start to the new one (rounded down), so each falls on the same
weekday a year later, and the autumn term starts on the day the school confirms:
by default this year's autumn start plus 52 weeks, a week later when that is still
in August.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, Term
from ..services.formatting import format_date
from ..services.projection import parse_year_label
from .change import DomainError
from .school import validate_term_dates

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class TermPlan:
    name: str
    start: dt.date
    end: dt.date
    half_term_start: dt.date | None
    half_term_end: dt.date | None

    def describe(self) -> str:
        text = f"{self.name}: {format_date(self.start)} to {format_date(self.end)}"
        if self.half_term_start and self.half_term_end:
            text += (
                f", half-term {format_date(self.half_term_start)} to "
                f"{format_date(self.half_term_end)}"
            )
        return text

    def as_row(self) -> tuple[str, dt.date, dt.date, dt.date | None, dt.date | None]:
        return (self.name, self.start, self.end, self.half_term_start, self.half_term_end)


def _plan(term: Term) -> TermPlan:
    return TermPlan(
        term.name, term.start_date, term.end_date, term.half_term_start, term.half_term_end
    )


def default_autumn_start(year: AcademicYear) -> dt.date:
    """This year's autumn start plus 52 weeks (a week later when that is in August)."""
    first = year.terms[0].start_date if year.terms else year.start_date
    day = first + 52 * WEEK
    return day + WEEK if day.month < 9 else day


def _moved(day: dt.date | None, weeks: int) -> dt.date | None:
    return None if day is None else day + weeks * WEEK


def plan_terms(
    session: Session, year: AcademicYear, to_label: str, autumn_start: dt.date | None
) -> tuple[list[TermPlan], bool, dt.date]:
    """The new year's terms, whether they were already set up, and its autumn start."""
    target = session.scalar(select(AcademicYear).where(AcademicYear.label == to_label))
    if target is not None and target.terms:
        return [_plan(t) for t in target.terms], True, target.terms[0].start_date
    autumn = autumn_start or default_autumn_start(year)
    first_year = parse_year_label(to_label)
    if autumn.year != first_year or autumn.month != 9 or autumn.weekday() >= 5:
        raise DomainError(
            f"The autumn term of {to_label} starts on a weekday in September {first_year}; "
            f"{format_date(autumn)} is not one."
        )
    if not year.terms:
        end = dt.date(first_year + 1, 7, 20)
        plans = [TermPlan("Autumn", autumn, end, None, None)]
    else:
        old_first = year.terms[0].start_date
        weeks = (autumn - old_first).days // 7
        plans = [
            TermPlan(
                t.name,
                autumn if i == 0 else t.start_date + weeks * WEEK,
                t.end_date + weeks * WEEK,
                _moved(t.half_term_start, weeks),
                _moved(t.half_term_end, weeks),
            )
            for i, t in enumerate(year.terms)
        ]
    validate_term_dates(first_year, [p.as_row() for p in plans])
    return plans, False, autumn
