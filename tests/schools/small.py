"""Small schools in real database files: the widget tests' school, the storage tests'
school, and the worked example of Maya's Precision Teaching group.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import AcademicYear, Pupil, Staff, YearGroup
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import Database, open_database

from . import rows

D = dt.date
#: Maya's group: Monday 07/09/2026 to Friday 04/12/2026, twelve teaching weeks.
START, END = D(2026, 9, 7), D(2026, 12, 4)
NAMES = [("Maya", "Adams"), ("Ben", "Brook"), ("Cal", "Cross"), ("Dan", "Dale")]


def add_calendar_school(session: Session) -> None:
    """Test Primary: 2026/27 (Autumn from 03/09), Years 1 to 6 and Mrs Ahmed, a TA."""
    rows.add_settings(session, "Test Primary")
    rows.add_year(
        session,
        "2026/27",
        D(2026, 9, 1),
        D(2027, 8, 31),
        [
            ("Autumn", D(2026, 9, 3), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
            ("Spring", D(2027, 1, 5), D(2027, 3, 26)),
            ("Summer", D(2027, 4, 12), D(2027, 7, 21)),
        ],
    )
    for n in range(1, 7):
        rows.add_year_group(session, f"Year {n}", n)
    rows.add_staff(session, "Mrs Ahmed", rows.add_role(session, "Teaching assistant", "18.00"))
    session.commit()


#: The costs screen's groups run the whole year: exactly the school's 38 teaching weeks.
WHOLE_YEAR = (D(2026, 9, 1), D(2027, 8, 31))


def add_whole_year_costs(session: Session) -> None:
    """The widget tests' school with three groups costed by hand over the whole year.

    - Precision Teaching (CL, wave 2) for Year 4, Mrs Ahmed (TA, £18.00 an hour),
      3 x 10 minutes a week: £3.00 x 3 x 38 = £342.00, £85.50 each for Ava, Ben, Cal
      and Dan.
    - 1:1 TA support (SEMH, wave 3) for Eve in Year 5, Mrs Ahmed, 5 x 2 hours a week:
      £36.00 x 5 x 38 = £6,840.00.
    - Speech therapy (CI, wave 3) for Finn in Year 5, an agency at £150.00 a session
      once a week: £5,700.00.

    Whole year: £12,882.00 for 6 pupils, against a Notional SEN budget of £12,000.00.
    """
    add_calendar_school(session)
    year = session.scalars(select(AcademicYear)).one()
    ahmed = session.scalars(select(Staff)).one()
    year_groups = {y.name: y for y in session.scalars(select(YearGroup))}
    stream = rows.add_stream(session, "Notional SEN", year, "12000.00", kind="notional_sen")
    serial = iter(range(1, 100))

    def pupils(year_group: str, *names: tuple[str, str]) -> list[Pupil]:
        return [
            rows.add_pupil(
                session,
                fore,
                sur,
                year_groups[year_group],
                upn=make_upn("801", "2000", 19, next(serial)),
            )
            for fore, sur in names
        ]

    year4 = pupils("Year 4", ("Ava", "Adams"), ("Ben", "Brown"), ("Cal", "Cole"), ("Dan", "Dale"))
    eve, finn = pupils("Year 5", ("Eve", "Evans"), ("Finn", "Ford"))
    add = rows.add_provision
    for provision, year_group, staff, members in (
        (
            add(session, "Precision Teaching", area="CL", wave=2, session_minutes=10,
                sessions_per_week=3, group_size=4, funding_stream=stream),
            "Year 4", ahmed, year4,
        ),
        (
            add(session, "1:1 TA support", area="SEMH", wave=3, session_minutes=120,
                sessions_per_week=5, group_size=1, funding_stream=stream),
            "Year 5", ahmed, [eve],
        ),
        (
            add(session, "Speech therapy", area="CI", wave=3, session_minutes=30,
                sessions_per_week=1, group_size=1, external_agency="SaLT",
                external_cost_per_session=Decimal("150.00"), funding_stream=stream),
            "Year 5", None, [finn],
        ),
    ):  # fmt: skip
        group = rows.add_group(
            session, provision, year, year_groups[year_group], WHOLE_YEAR, staff=staff
        )
        for pupil in members:
            rows.allocate(session, group, pupil)
    session.commit()


def small_school(db: Database) -> None:
    """The widget tests' school (``add_calendar_school``) written into ``db``."""
    with db.session_factory() as session:
        add_calendar_school(session)


def add_fixture_primary(session: Session) -> None:
    """Fixture Primary: a row in most tables, for the storage tests."""
    rows.add_settings(session, "Fixture Primary", urn="100001", la_number="202")
    year = rows.add_year(
        session,
        "2026/27",
        D(2026, 9, 1),
        D(2027, 7, 21),
        [("Autumn", D(2026, 9, 2), D(2026, 12, 18))],
    )
    y3 = rows.add_year_group(session, "Year 3", 3)
    oak = rows.add_class(session, "3 Oak", y3)
    ta = rows.add_role(session, "Teaching assistant", "18.40")
    staff = rows.add_staff(session, "Ms Reed", ta)
    rows.add_stream(session, "Notional SEN", year, "45000.00")
    provision = rows.add_provision(session, "Precision teaching", area="CL", delivered_by_role=ta)
    group = rows.add_group(
        session, provision, year, y3, (D(2026, 9, 7), D(2026, 12, 11)), staff=staff
    )
    pupils = [
        rows.add_pupil(
            session,
            f"Forename{n}",
            f"Surname{n}",
            y3,
            upn=make_upn("202", "2001", 2019, n),
            school_class=oak,
            sen="K" if n % 2 else "N",
        )
        for n in range(1, 6)
    ]
    rows.allocate(session, group, pupils[0])
    session.commit()


def add_small_school(path: Path) -> None:
    """Fixture Primary in the file at ``path``: a copy of its template for a new file,
    or written through ``open_database`` into a file that is there already."""
    if not path.exists():
        from .templates import copy_school

        copy_school("fixture_primary", path)
        return
    db = open_database(path)
    try:
        with db.session_factory() as session:
            add_fixture_primary(session)
    finally:
        db.close()


def build_maya_school(db: Database) -> dict[str, int]:
    """Add Maya's group to the widget tests' school; return the ids the tests need.

    Maya (8) reads two years below her age. She joins a group of four for Precision
    Teaching, 10 minutes on Monday, Wednesday and Friday at 09:10, from 07/09/2026 to
    04/12/2026 (twelve teaching weeks around the half-term holiday), with Mrs Ahmed.
    """
    with db.session_factory() as s:
        year = s.scalars(select(AcademicYear)).one()
        year4 = s.scalars(select(YearGroup).where(YearGroup.name == "Year 4")).one()
        pupils = [
            rows.add_pupil(
                s,
                forename,
                surname,
                year4,
                upn=make_upn("801", "2000", 18, n),
                primary="SPLD" if forename == "Maya" else "MLD",
                date_of_birth=D(2018, 7, 2),
            )
            for n, (forename, surname) in enumerate(NAMES, start=1)
        ]
        rows.add_profile(
            s,
            pupils[0],
            like_and_admire="Kind, funny and a great storyteller",
            important_to_me="My dog Biscuit and drawing comics",
            how_to_support="Give me time to answer; cream paper; read questions aloud",
            strengths="Verbal reasoning, ideas in discussion",
            needs="Phonological processing, working memory, reading fluency",
            pupil_voice="I like reading when I can choose the book.",
        )
        provision = rows.add_provision(
            s,
            "Precision Teaching",
            area="CL",
            wave=2,
            session_minutes=10,
            sessions_per_week=3,
            weeks=12,
            group_size=4,
        )
        group = rows.add_group(
            s,
            provision,
            year,
            year4,
            (START, END),
            staff=s.scalars(select(Staff)).one(),
            slots=[(day, dt.time(9, 10)) for day in (0, 2, 4)],
            name="PT Year 4",
        )
        memberships = [rows.allocate(s, group, pupil) for pupil in pupils]
        s.commit()
        return {
            "group": group.id,
            "maya": pupils[0].id,
            "maya_membership": memberships[0].id,
            "provision": provision.id,
        }
