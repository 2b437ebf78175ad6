"""A small school built by hand for the calendar and costing tests.

The 2026/27 year is laid out so the figures are easy to check by hand: every term
starts on a Monday and ends on a Friday, and each half-term is one whole week.

- Autumn 07/09/2026 - 18/12/2026, half-term 26/10 - 30/10: 14 teaching weeks, 70 days
- Spring 04/01/2027 - 26/03/2027, half-term 15/02 - 19/02: 11 teaching weeks, 55 days
- Summer 12/04/2027 - 16/07/2027, half-term 31/05 - 04/06: 13 teaching weeks, 65 days

That is 190 teaching days, exactly 38 weeks of 5 days, so with the default 38 teaching
weeks a year one teaching week is one calendar week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn

D = dt.date
YEAR_START, YEAR_END = D(2026, 9, 1), D(2027, 8, 31)
# The twelve-week group: Monday 07/09/2026 to Friday 04/12/2026 (the half-term week
# 26/10-30/10 is inside it, so it spans 13 calendar weeks but 12 teaching weeks).
TWELVE_WEEKS = (D(2026, 9, 7), D(2026, 12, 4))
_serial = count(1)


def make_year(session: Session, *, weeks_per_year: int = 38) -> AcademicYear:
    """Settings and the 2026/27 year with its three terms."""
    session.add(SchoolSettings(name="Test Primary", teaching_weeks_per_year=weeks_per_year))
    year = AcademicYear(
        label="2026/27",
        start_date=YEAR_START,
        end_date=YEAR_END,
        terms=[
            Term(
                name="Autumn",
                start_date=D(2026, 9, 7),
                end_date=D(2026, 12, 18),
                half_term_start=D(2026, 10, 26),
                half_term_end=D(2026, 10, 30),
            ),
            Term(
                name="Spring",
                start_date=D(2027, 1, 4),
                end_date=D(2027, 3, 26),
                half_term_start=D(2027, 2, 15),
                half_term_end=D(2027, 2, 19),
            ),
            Term(
                name="Summer",
                start_date=D(2027, 4, 12),
                end_date=D(2027, 7, 16),
                half_term_start=D(2027, 5, 31),
                half_term_end=D(2027, 6, 4),
            ),
        ],
    )
    session.add(year)
    session.flush()
    return year


def make_year_group(session: Session, name: str = "Year 4", order: int = 4) -> YearGroup:
    year_group = YearGroup(name=name, sort_order=order)
    session.add(year_group)
    session.flush()
    return year_group


def make_role(session: Session, name: str = "Teaching assistant", rate: str = "18.00") -> StaffRole:
    role = StaffRole(name=name, hourly_cost=Decimal(rate))
    session.add(role)
    session.flush()
    return role


def make_staff(
    session: Session, role: StaffRole, name: str = "Ms Jones", override: str | None = None
) -> Staff:
    staff = Staff(
        name=name,
        role=role,
        hourly_cost_override=Decimal(override) if override is not None else None,
    )
    session.add(staff)
    session.flush()
    return staff


def make_provision(session: Session, name: str, **fields: object) -> Provision:
    values: dict[str, object] = {
        "area": "CL",
        "wave": 2,
        "session_minutes": 10,
        "sessions_per_week": 3,
        "weeks": 12,
        "group_size": 4,
    }
    values.update(fields)
    provision = Provision(name=name, **values)
    session.add(provision)
    session.flush()
    return provision


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
    group = ProvisionGroup(
        provision=provision,
        academic_year=year,
        start_date=dates[0],
        end_date=dates[1],
        staff=staff,
        year_group=year_group,
        slots=[GroupSlot(weekday=w, start_time=dt.time(9, 0)) for w in weekdays],
        **fields,
    )
    session.add(group)
    session.flush()
    return group


def make_pupil(
    session: Session, surname: str, year_group: YearGroup | None = None, sen_status: str = "K"
) -> Pupil:
    pupil = Pupil(
        upn=make_upn("801", "2000", 20, next(_serial)),
        surname=surname,
        forename="Test",
        year_group=year_group,
        sen_status=sen_status,
    )
    session.add(pupil)
    session.flush()
    return pupil


def add_member(
    session: Session,
    group: ProvisionGroup,
    pupil: Pupil,
    join: dt.date | None = None,
    leave: dt.date | None = None,
) -> GroupMembership:
    membership = GroupMembership(
        group=group, pupil=pupil, join_date=join or group.start_date, leave_date=leave
    )
    session.add(membership)
    session.flush()
    return membership


@dataclass
class School:
    """The year, Year 4, a TA role at £18.00 an hour and one TA with no rate of her own."""

    year: AcademicYear
    year_group: YearGroup
    role: StaffRole
    ta: Staff


def make_school(session: Session) -> School:
    year = make_year(session)
    role = make_role(session)
    return School(year, make_year_group(session), role, make_staff(session, role))
