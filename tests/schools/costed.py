"""The hand-worked school for the calendar, costing, delivery and review tests.

The 2026/27 year is laid out so the figures are easy to check by hand: every term
starts on a Monday and ends on a Friday, and each half-term is one whole week.

- Autumn 07/09/2026 - 18/12/2026, half-term 26/10 - 30/10: 14 teaching weeks, 70 days
- Spring 04/01/2027 - 26/03/2027, half-term 15/02 - 19/02: 11 teaching weeks, 55 days
- Summer 12/04/2027 - 16/07/2027, half-term 31/05 - 04/06: 13 teaching weeks, 65 days

That is 190 teaching days, exactly 38 weeks of 5 days, so with the default 38 teaching
weeks a year one teaching week is one calendar week.

``make_costed_school`` adds two costed groups whose every figure is worked by hand:

- **Precision Teaching** (Cognition and learning, wave 2, Notional SEN budget £100.00):
  Ms Jones, a TA at £18.00 an hour, runs 3 sessions of 10 minutes a week for the 12
  teaching weeks 07/09/2026-04/12/2026 for Year 4 pupils Ava Adams, Ben Brown, Cal Cole
  and Dan Dale.
  Session £3.00; 3 x £3.00 x 12 = £108.00; £27.00 a pupil. Two sessions were delivered
  (07/09 and 09/09/2026): £6.00 to date by ``AS_OF``, £1.50 a pupil.
- **Lego therapy** (Social, emotional and mental health, wave 3, 1:1, High needs top-up
  budget £500.00): Ms Jones, 30 minutes once a week through the Spring term (11 teaching
  weeks) for Year 5 pupil Eve Evans, plus £20.00 resources: 11 x £9.00 + £20.00 = £119.00.
- Whole school: £227.00 planned, £6.00 to date. Autumn £108.00, Spring £119.00.
- Threshold £100.00, near margin £80.00: Eve is over by £19.00; Ava, Ben, Cal and Dan
  are £73.00 under, within the margin, so near. Notional SEN is over budget by £8.00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    Staff,
    StaffRole,
    YearGroup,
)

from . import rows

D = dt.date
YEAR_START, YEAR_END = D(2026, 9, 1), D(2027, 8, 31)
# The twelve-week group: Monday 07/09/2026 to Friday 04/12/2026 (the half-term week
# 26/10-30/10 is inside it, so it spans 13 calendar weeks but 12 teaching weeks).
TWELVE_WEEKS = (D(2026, 9, 7), D(2026, 12, 4))
SPRING = (D(2027, 1, 4), D(2027, 3, 26))
AS_OF = D(2026, 9, 10)


def make_year(session: Session, *, weeks_per_year: int = 38) -> AcademicYear:
    """Settings and the 2026/27 year with its three terms and whole-week half-terms."""
    rows.add_settings(session, "Test Primary", teaching_weeks_per_year=weeks_per_year)
    return rows.add_year(
        session,
        "2026/27",
        YEAR_START,
        YEAR_END,
        [
            ("Autumn", D(2026, 9, 7), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
            ("Spring", D(2027, 1, 4), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19)),
            ("Summer", D(2027, 4, 12), D(2027, 7, 16), D(2027, 5, 31), D(2027, 6, 4)),
        ],
    )


def make_year_group(session: Session, name: str = "Year 4", order: int = 4) -> YearGroup:
    """A year group, Year 4 unless named."""
    return rows.add_year_group(session, name, order)


def make_role(session: Session, name: str = "Teaching assistant", rate: str = "18.00") -> StaffRole:
    """A staff role, a teaching assistant at £18.00 an hour unless named."""
    return rows.add_role(session, name, rate)


def make_staff(
    session: Session, role: StaffRole, name: str = "Ms Jones", override: str | None = None
) -> Staff:
    """A member of staff, Ms Jones unless named."""
    return rows.add_staff(session, name, role, override)


def make_provision(session: Session, name: str, **fields: object) -> Provision:
    """A provision: CL wave 2, 3 x 10 minutes a week for 12 weeks, groups of 4, by default."""
    values: dict[str, object] = {
        "area": "CL",
        "wave": 2,
        "session_minutes": 10,
        "sessions_per_week": 3,
        "weeks": 12,
        "group_size": 4,
    }
    values.update(fields)
    return rows.add_provision(session, name, **values)


def make_group(
    session: Session,
    provision: Provision,
    year: AcademicYear,
    dates: tuple[dt.date, dt.date] = TWELVE_WEEKS,
    *,
    staff: Staff | None = None,
    weekdays: tuple[int, ...] = (0, 2, 4),
    year_group: YearGroup | None = None,
    **fields: object,
) -> ProvisionGroup:
    """A group over the twelve weeks, at 09:00 on Monday, Wednesday and Friday by default."""
    slots = [(day, dt.time(9, 0)) for day in weekdays]
    return rows.add_group(
        session, provision, year, year_group, dates, staff=staff, slots=slots, **fields
    )


def make_pupil(
    session: Session, surname: str, year_group: YearGroup | None = None, sen_status: str = "K"
) -> Pupil:
    """A pupil called Test ``surname``."""
    return rows.add_pupil(session, "Test", surname, year_group, sen=sen_status)


def add_member(
    session: Session,
    group: ProvisionGroup,
    pupil: Pupil,
    join: dt.date | None = None,
    leave: dt.date | None = None,
) -> GroupMembership:
    """Put a pupil in a group (``rows.allocate`` under the costing tests' words)."""
    return rows.allocate(session, group, pupil, join, leave)


@dataclass
class School:
    """The year, Year 4, a TA role at £18.00 an hour and one TA with no rate of her own."""

    year: AcademicYear
    year_group: YearGroup
    role: StaffRole
    ta: Staff


def make_school(session: Session) -> School:
    """The 2026/27 year, Year 4 and Ms Jones, a TA at the role's £18.00 an hour."""
    year = make_year(session)
    role = make_role(session)
    return School(year, make_year_group(session), role, make_staff(session, role))


@dataclass
class CostedSchool:
    year: AcademicYear
    year4: YearGroup
    year5: YearGroup
    precision: ProvisionGroup
    lego: ProvisionGroup
    year4_pupils: list[Pupil]
    eve: Pupil


def make_costed_school(session: Session) -> CostedSchool:
    """The school above with its two costed groups and budgets (not committed)."""
    school = make_school(session)
    rows.update_settings(
        session, sen_threshold=Decimal("100.00"), near_threshold_margin=Decimal("80.00")
    )
    year5 = make_year_group(session, "Year 5", 5)
    notional = rows.add_stream(session, "Notional SEN", school.year, "100.00", kind="notional_sen")
    high_needs = rows.add_stream(
        session, "High needs top-up", school.year, "500.00", kind="high_needs"
    )
    precision = make_group(
        session,
        make_provision(session, "Precision Teaching", funding_stream=notional),
        school.year,
        TWELVE_WEEKS,
        staff=school.ta,
        year_group=school.year_group,
        name="PT Year 4",
    )
    year4_pupils = []
    for forename, surname in (("Ava", "Adams"), ("Ben", "Brown"), ("Cal", "Cole"), ("Dan", "Dale")):
        pupil = rows.add_pupil(session, forename, surname, school.year_group)
        year4_pupils.append(pupil)
        rows.allocate(session, precision, pupil)
    for day in (D(2026, 9, 7), D(2026, 9, 9)):
        rows.record_delivered(session, precision, day, school.ta, dt.datetime(2026, 9, 10, 16))
    lego = make_group(
        session,
        make_provision(
            session,
            "Lego therapy",
            area="SEMH",
            wave=3,
            session_minutes=30,
            sessions_per_week=1,
            group_size=1,
            resources_cost=Decimal("20.00"),
            funding_stream=high_needs,
        ),
        school.year,
        SPRING,
        staff=school.ta,
        weekdays=(1,),
        year_group=year5,
        name="Lego Eve",
    )
    eve = rows.add_pupil(session, "Eve", "Evans", year5, sen="E")
    rows.allocate(session, lego, eve)
    return CostedSchool(school.year, school.year_group, year5, precision, lego, year4_pupils, eve)


def costed_school(session: Session) -> CostedSchool:
    """``make_costed_school``'s school, copied from its template into the session's
    empty database (and committed there)."""
    from .templates import load_into

    load_into(session, "costed")
    year_groups = {y.name: y for y in session.scalars(select(YearGroup))}
    groups = {g.name: g for g in session.scalars(select(ProvisionGroup))}
    pupils = {p.forename: p for p in session.scalars(select(Pupil))}
    return CostedSchool(
        session.scalars(select(AcademicYear)).one(),
        year_groups["Year 4"],
        year_groups["Year 5"],
        groups["PT Year 4"],
        groups["Lego Eve"],
        [pupils[name] for name in ("Ava", "Ben", "Cal", "Dan")],
        pupils["Eve"],
    )


def add_group_school(session: Session) -> None:
    """``make_school`` with one Mon/Wed/Fri Precision Teaching group over the twelve
    weeks (07/09-04/12/2026), "PT group A", run by Ms Jones for Ahmed, Brown and Cole."""
    school = make_school(session)
    provision = make_provision(session, "Precision Teaching")
    group = make_group(session, provision, school.year, staff=school.ta, name="PT group A")
    for name in ("Ahmed", "Brown", "Cole"):
        add_member(session, group, make_pupil(session, name, school.year_group))
    session.commit()
