"""The worked example: Maya, Year 4, Precision Teaching three times a week for 12 weeks.

Maya (8) reads two years below her age. She joins a group of four for Precision
Teaching, 10 minutes on Monday, Wednesday and Friday, from 07/09/2026 to 04/12/2026
(twelve teaching weeks around the half-term holiday), delivered by a teaching assistant.
"""

from __future__ import annotations

import datetime as dt

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    Staff,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn

START, END = dt.date(2026, 9, 7), dt.date(2026, 12, 4)
NAMES = [("Maya", "Adams"), ("Ben", "Brook"), ("Cal", "Cross"), ("Dan", "Dale")]


def build_maya_school(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Add the group to the small school; return the ids the tests need."""
    with db.session_factory() as s:
        year = s.query(AcademicYear).one()
        year4 = s.query(YearGroup).filter_by(name="Year 4").one()
        pupils = [
            Pupil(
                upn=make_upn("801", "2000", 18, n),
                surname=surname,
                forename=forename,
                year_group=year4,
                sen_status="K",
                primary_need="SPLD" if forename == "Maya" else "MLD",
                date_of_birth=dt.date(2018, 7, 2),
            )
            for n, (forename, surname) in enumerate(NAMES, start=1)
        ]
        pupils[0].profile = PupilProfile(
            like_and_admire="Kind, funny and a great storyteller",
            important_to_me="My dog Biscuit and drawing comics",
            how_to_support="Give me time to answer; cream paper; read questions aloud",
            strengths="Verbal reasoning, ideas in discussion",
            needs="Phonological processing, working memory, reading fluency",
            pupil_voice="I like reading when I can choose the book.",
        )
        provision = Provision(
            name="Precision Teaching",
            area="CL",
            wave=2,
            session_minutes=10,
            sessions_per_week=3,
            weeks=12,
            group_size=4,
        )
        group = ProvisionGroup(
            provision=provision,
            academic_year=year,
            year_group=year4,
            name="PT Year 4",
            staff=s.query(Staff).one(),
            start_date=START,
            end_date=END,
            slots=[GroupSlot(weekday=d, start_time=dt.time(9, 10)) for d in (0, 2, 4)],
            memberships=[GroupMembership(pupil=p, join_date=START) for p in pupils],
        )
        s.add(group)
        s.commit()
        return {
            "group": group.id,
            "maya": pupils[0].id,
            "maya_membership": group.memberships[0].id,
            "provision": provision.id,
        }
