"""Setting up a new school: settings, calendar, year groups, roles, funding, catalogue.

``create_school`` is what the first-start wizard and the demo school call; everything a
school needs before its first pupil is entered is made here, in one transaction that
the caller commits.

Default term dates follow the usual English pattern (the school edits them after):

- Autumn: from the first weekday on or after 3 September to the Friday on or before
  20 December; half-term is the week of the last Monday in October.
- Spring: from the first weekday on or after 4 January to the last Friday in March;
  half-term is the week of the Monday on or after 13 February.
- Summer: from the Monday two weeks and three days after spring ends (mid April) to the
  weekday on or before 21 July; half-term is the week of the late-May bank holiday
  (the last Monday in May).

That gives 191-196 teaching days, 38-39 weeks, in every year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import funding, school, staff
from ..domain.school import TermDatesRow, academic_year_label, validate_term_dates
from ..models import (
    AcademicYear,
    SchoolSettings,
)
from ..models.vocab import TERM_NAMES, FundingKind
from .catalogue import load_starter_catalogue

PHASES: tuple[str, ...] = ("primary", "secondary", "all-through")

#: The choices the first-start wizard offers and the year groups each one starts with;
#: the first word of a choice is its phase. ``provmap new-school`` uses the same lists.
PHASE_YEAR_GROUPS: dict[str, list[str]] = {
    "primary": ["Reception", *(f"Year {n}" for n in range(1, 7))],
    "secondary": [f"Year {n}" for n in range(7, 12)],
    "secondary with sixth form": [f"Year {n}" for n in range(7, 14)],
    "all-through": ["Reception", *(f"Year {n}" for n in range(1, 14))],
}

# Hourly costs including on-costs; the school edits them in Settings.
STANDARD_ROLES: tuple[tuple[str, str, bool], ...] = (
    ("Teaching assistant", "18.00", False),
    ("HLTA", "21.00", False),
    ("Learning mentor", "20.00", False),
    ("Teacher", "45.00", False),
    ("SENCO", "50.00", False),
    ("Speech and language therapist", "65.00", True),
    ("Educational psychologist", "110.00", True),
    ("Occupational therapist", "70.00", True),
    ("Specialist teacher (SpLD outreach)", "55.00", True),
)

STANDARD_FUNDING_STREAMS: tuple[tuple[str, FundingKind], ...] = (
    ("Notional SEN budget", FundingKind.NOTIONAL_SEN),
    ("Pupil premium", FundingKind.PUPIL_PREMIUM),
    ("High-needs top-up", FundingKind.HIGH_NEEDS),
    ("Other", FundingKind.OTHER),
)


def academic_year_start_for(day: dt.date) -> int:
    """The calendar year in which the academic year holding ``day`` began (Sept-Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _next(day: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` (0 = Monday) on or after ``day``."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _last(day: dt.date, weekday: int) -> dt.date:
    """The last ``weekday`` on or before ``day``."""
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _week_from(monday: dt.date) -> tuple[dt.date, dt.date]:
    return monday, monday + dt.timedelta(days=4)


def check_autumn_start(autumn_start: dt.date) -> None:
    """Raise ``ValueError`` unless ``autumn_start`` can open a school year.

    The academic year runs from 1 September, and the autumn half-term (the week of the
    last Monday in October) must fall inside the term, so the first day is a weekday
    in September.
    """
    if autumn_start.month != 9:
        raise ValueError(
            f"The autumn term starts in September; {autumn_start:%d/%m/%Y} is not in "
            "September. Choose the first day pupils are in school."
        )
    if autumn_start.weekday() >= 5:
        raise ValueError(
            f"{autumn_start:%d/%m/%Y} is a {autumn_start:%A}. Choose the first weekday "
            "of the autumn term."
        )


def default_term_dates(start_year: int, autumn_start: dt.date | None = None) -> list[TermDatesRow]:
    """Autumn, Spring and Summer of the academic year starting in ``start_year``.

    Each row is ``(name, start, end, half_term_start, half_term_end)``; the half-term
    is a Monday-to-Friday week inside its term. See the module docstring for the rules.
    ``autumn_start`` is the school's own first day of the year, when it has chosen one
    (checked by ``check_autumn_start``, and in September of ``start_year``); the other
    dates keep the usual pattern.
    """
    if autumn_start is not None:
        check_autumn_start(autumn_start)
        if autumn_start.year != start_year:
            raise ValueError(
                f"{autumn_start:%d/%m/%Y} is not in the autumn of "
                f"{academic_year_label(start_year)}."
            )
    spring_year = start_year + 1
    autumn = (
        autumn_start or _weekday_on_or_after(dt.date(start_year, 9, 3)),
        _last(dt.date(start_year, 12, 20), 4),
        *_week_from(_last(dt.date(start_year, 10, 31), 0)),
    )
    spring_end = _last(dt.date(spring_year, 3, 31), 4)
    spring = (
        _weekday_on_or_after(dt.date(spring_year, 1, 4)),
        spring_end,
        *_week_from(_next(dt.date(spring_year, 2, 13), 0)),
    )
    summer = (
        spring_end + dt.timedelta(days=17),
        _weekday_on_or_before(dt.date(spring_year, 7, 21)),
        *_week_from(_last(dt.date(spring_year, 5, 31), 0)),
    )
    return [
        (name, *dates) for name, dates in zip(TERM_NAMES, (autumn, spring, summer), strict=True)
    ]


def nc_year(year_group_name: str) -> int:
    """The National Curriculum year of a year group: Nursery -1, Reception 0, Year n n.

    Raises ``ValueError`` for a name that is none of those.
    """
    text = " ".join(year_group_name.split()).casefold()
    if text == "nursery":
        return -1
    if text == "reception":
        return 0
    number = text.removeprefix("year ").strip()
    if text.startswith("year ") and number.isdigit() and 1 <= int(number) <= 13:
        return int(number)
    raise ValueError(f"'{year_group_name}' is not a year group (Nursery, Reception, Year 1-13).")


def year_group_name(nc: int) -> str:
    """The inverse of ``nc_year``: ``-1`` -> ``'Nursery'``, ``4`` -> ``'Year 4'``."""
    return {-1: "Nursery", 0: "Reception"}.get(nc, f"Year {nc}")


def default_year_groups(phase: str) -> list[str]:
    """The usual year groups of a phase: primary Reception-Year 6, secondary Years 7-11,
    all-through Reception-Year 13 (as ``PHASE_YEAR_GROUPS``)."""
    return list(PHASE_YEAR_GROUPS[_clean_phase(phase)])


def _clean_phase(phase: str) -> str:
    text = phase.strip().casefold()
    if text not in PHASES:
        raise ValueError(f"'{phase}' is not a school phase (primary, secondary or all-through).")
    return text


def _add_year(
    session: Session, start_year: int, term_dates: Sequence[TermDatesRow] | None
) -> AcademicYear:
    """Add the academic year ``start_year`` with ``term_dates`` (or the usual terms)."""
    rows = list(term_dates) if term_dates is not None else default_term_dates(start_year)
    year: AcademicYear = school.add_academic_year(session, start_year, rows).rows[0]
    return year


def ensure_academic_year(
    session: Session, start_year: int, term_dates: Sequence[TermDatesRow] | None = None
) -> AcademicYear:
    """The academic year starting in ``start_year``, created with default terms if absent.

    An existing year is returned unchanged (its terms are the school's own).
    """
    existing = session.scalar(
        select(AcademicYear).where(AcademicYear.label == academic_year_label(start_year))
    )
    if existing is not None:
        return existing
    year = _add_year(session, start_year, term_dates)
    session.flush()
    return year


def create_school(
    session: Session,
    *,
    name: str,
    phase: str,
    year_group_names: Sequence[str],
    start_year: int,
    term_dates: Sequence[TermDatesRow] | None = None,
    la_number: str = "",
    urn: str = "",
    with_catalogue: bool = True,
) -> SchoolSettings:
    """Create everything a new school starts with, flushed but not committed.

    Makes the settings row, the academic year ``start_year`` with its three terms
    (``term_dates`` or the defaults), the year groups (an empty list means the phase's
    usual ones), the standard staff roles with hourly costs, the standard funding
    streams and (unless ``with_catalogue`` is false) the starter catalogue. Raises
    ``ValueError`` for a blank name, an unknown phase or year group, bad term dates, or
    a database that already has a school.
    """
    if session.get(SchoolSettings, 1) is not None:
        raise ValueError("This database already holds a school.")
    if not name.strip():
        raise ValueError("The school needs a name.")
    clean_phase = _clean_phase(phase)
    names = list(year_group_names) or default_year_groups(clean_phase)
    orders = {nc_year(n): year_group_name(nc_year(n)) for n in names}
    rows = list(term_dates) if term_dates is not None else default_term_dates(start_year)
    validate_term_dates(start_year, rows)  # before anything is written

    school.add_school(session, name, clean_phase, la_number=la_number, urn=urn)
    _add_year(session, start_year, rows)
    for order, year_group in sorted(orders.items()):
        school.add_year_group(session, year_group, order)
    for role, cost, external in STANDARD_ROLES:
        staff.add_role(session, role, Decimal(cost), external)
    for stream, kind in STANDARD_FUNDING_STREAMS:
        funding.add_stream(session, stream, kind)
    session.flush()
    settings = session.get(SchoolSettings, 1)
    assert settings is not None
    if with_catalogue:
        # The catalogue looks up the roles, streams and year groups made above by name.
        load_starter_catalogue(session)
    return settings
