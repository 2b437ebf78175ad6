"""A small costed school whose every figure is worked out by hand (see ``_school``).

The year has 190 teaching days = 38 weeks, so one teaching week is one calendar week.

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

from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    DeliverySession,
    FundingBudget,
    FundingStream,
    ProvisionGroup,
    Pupil,
    SchoolSettings,
    YearGroup,
)

from ._school import (
    TWELVE_WEEKS,
    add_member,
    make_group,
    make_provision,
    make_pupil,
    make_school,
    make_year_group,
)

D = dt.date
AS_OF = D(2026, 9, 10)
SPRING = (D(2027, 1, 4), D(2027, 3, 26))


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
    school = make_school(session)
    settings = session.get(SchoolSettings, 1)
    assert settings is not None
    settings.sen_threshold = Decimal("100.00")
    settings.near_threshold_margin = Decimal("80.00")
    year5 = make_year_group(session, "Year 5", 5)
    notional = FundingStream(name="Notional SEN", kind="notional_sen")
    high_needs = FundingStream(name="High needs top-up", kind="high_needs")
    session.add_all([notional, high_needs])
    session.flush()
    session.add_all(
        [
            FundingBudget(stream=notional, academic_year=school.year, amount=Decimal("100.00")),
            FundingBudget(stream=high_needs, academic_year=school.year, amount=Decimal("500.00")),
        ]
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
        pupil = make_pupil(session, surname, school.year_group)
        pupil.forename = forename
        year4_pupils.append(pupil)
        add_member(session, precision, pupil)
    for day in (D(2026, 9, 7), D(2026, 9, 9)):
        session.add(
            DeliverySession(
                group=precision,
                session_date=day,
                status="delivered",
                staff_id=school.ta.id,
                recorded_at=dt.datetime(2026, 9, 10, 16, 0),
            )
        )
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
    eve = make_pupil(session, "Evans", year5, sen_status="E")
    eve.forename = "Eve"
    add_member(session, lego, eve)
    session.flush()
    return CostedSchool(school.year, school.year_group, year5, precision, lego, year4_pupils, eve)
