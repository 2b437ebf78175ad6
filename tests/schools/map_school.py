"""A small primary school for the provision map, allocation and map PDF tests.

2026/27 has Autumn 07/09/2026-18/12/2026, Spring 04/01/2027-26/03/2027 and Summer
12/04/2027-16/07/2027; 2025/26 is there as history that must not show.

Autumn term, as drawn by the tests:

| Provision (area, wave)          | Year 1 | Year 2 | Year 3                           |
| Talk Boost (CI, 2)              |        |        | Mr Brown: Ava, Cal               |
| Precision Teaching (CL, 2)      |        |        | Mrs Ahmed Tue, Thu 09:10: Ava,   |
|                                 |        |        |   Ben, Cal, Dan (left 30/09)     |
| Old reading scheme (CL, 2, ret) |        | Gus    |                                  |

In Spring, Precision Teaching Year 1 runs with Fay (Mr Brown, Mon 13:15, Wed 14:00),
and Eve joins the Year 3 Precision Teaching group in Spring only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    Staff,
    YearGroup,
)

from . import rows
from .rows import add_group

D = dt.date
AUTUMN = (D(2026, 9, 7), D(2026, 12, 18))
SPRING = (D(2027, 1, 4), D(2027, 3, 26))

__all__ = [
    "AUTUMN",
    "SPRING",
    "MapSchool",
    "add_group",
    "add_pupil",
    "build_school",
    "join",
    "map_school",
    "read_map_school",
]


@dataclass
class MapSchool:
    year: AcademicYear
    last_year: AcademicYear
    year_groups: dict[str, YearGroup]
    classes: dict[str, SchoolClass]
    staff: dict[str, Staff]
    provisions: dict[str, Provision]
    groups: dict[str, ProvisionGroup]
    pupils: dict[str, Pupil] = field(default_factory=dict)


def add_pupil(
    session: Session,
    forename: str,
    surname: str,
    year_group: YearGroup,
    **fields: object,
) -> Pupil:
    """A pupil with a UPN of the 2019 series, as the map tests' pupils have."""
    return rows.add_pupil(
        session, forename, surname, year_group, upn=rows.new_upn(session, 19), **fields
    )


def join(
    session: Session,
    group: ProvisionGroup,
    pupil: Pupil,
    join_date: dt.date | None = None,
    leave_date: dt.date | None = None,
) -> GroupMembership:
    """Put a pupil in a group (``rows.allocate`` under the map tests' word)."""
    return rows.allocate(session, group, pupil, join_date, leave_date)


def _catalogue(session: Session, year_groups: dict[str, YearGroup]) -> dict[str, Provision]:
    """Five provisions, two of them retired (one never used)."""
    add = rows.add_provision
    return {
        "pt": add(
            session,
            "Precision Teaching",
            area="CL",
            wave=2,
            session_minutes=10,
            sessions_per_week=3,
            group_size=4,
            suitable_year_groups=[year_groups[n] for n in ("Year 1", "Year 2", "Year 3")],
        ),
        "talk": add(
            session,
            "Talk Boost",
            area="CI",
            wave=2,
            session_minutes=30,
            sessions_per_week=2,
            group_size=6,
        ),
        "lego": add(session, "Lego therapy", area="CI", wave=3, session_minutes=45, group_size=3),
        "old": add(
            session, "Old reading scheme", area="CL", wave=2, retired=True, session_minutes=20
        ),
        "gone": add(session, "Retired and unused", area="SEMH", wave=2, retired=True),
    }


def _groups(
    session: Session, school_years: tuple[AcademicYear, AcademicYear], s: MapSchool
) -> dict[str, ProvisionGroup]:
    """The six groups of the table above, and one of last year."""
    year, last_year = school_years
    y1, y2, y3 = (s.year_groups[n] for n in ("Year 1", "Year 2", "Year 3"))
    pt, nine_ten = s.provisions["pt"], dt.time(9, 10)
    return {
        "pt_y3": add_group(
            session,
            pt,
            year,
            y3,
            AUTUMN,
            staff=s.staff["Mrs Ahmed"],
            slots=((1, nine_ten), (3, nine_ten)),
            name="Year 3 group 1",
        ),
        "talk_y3": add_group(
            session,
            s.provisions["talk"],
            year,
            y3,
            AUTUMN,
            staff=s.staff["Mr Brown"],
            name="Talkers",
        ),
        "old_y2": add_group(session, s.provisions["old"], year, y2, AUTUMN, name="Readers"),
        "pt_y1_spring": add_group(
            session,
            pt,
            year,
            y1,
            SPRING,
            staff=s.staff["Mr Brown"],
            slots=((0, dt.time(13, 15)), (2, dt.time(14, 0))),
            name="Year 1 group 1",
        ),
        "pt_y3_spring": add_group(session, pt, year, y3, SPRING, name="Year 3 spring"),
        "pt_last_year": add_group(session, pt, last_year, y3, (D(2025, 9, 8), D(2025, 12, 19))),
    }


def _pupils(session: Session, s: MapSchool) -> None:
    """Nine pupils (one archived) and their places, as in the table above."""
    y1, y2, y3 = (s.year_groups[n] for n in ("Year 1", "Year 2", "Year 3"))
    ash, oak = s.classes["Ash"], s.classes["Oak"]
    p, g = s.pupils, s.groups
    p["ava"] = add_pupil(session, "Ava", "Adams", y3, primary="SPLD", school_class=ash)
    p["ben"] = add_pupil(session, "Ben", "Baker", y3, sen="E", primary="MLD", school_class=ash)
    p["cal"] = add_pupil(session, "Cal", "Clark", y3, primary="SLCN", school_class=ash)
    p["dan"] = add_pupil(session, "Dan", "Dean", y3, primary="SEMH", school_class=ash)
    p["eve"] = add_pupil(session, "Eve", "Evans", y3, primary="SPLD", school_class=ash)
    p["fay"] = add_pupil(session, "Fay", "Ford", y1, primary="SPLD", school_class=oak)
    p["gus"] = add_pupil(session, "Gus", "Green", y2, sen="N")
    p["hal"] = add_pupil(session, "Hal", "Hill", y3, primary="SPLD", school_class=ash)
    p["zed"] = add_pupil(session, "Zed", "Young", y3, primary="ASD", archived=True)
    for key in ("ava", "ben", "cal"):
        join(session, g["pt_y3"], p[key])
    join(session, g["pt_y3"], p["dan"], leave_date=D(2026, 9, 30))
    join(session, g["pt_y3"], p["zed"])
    join(session, g["talk_y3"], p["ava"])
    join(session, g["talk_y3"], p["cal"])
    join(session, g["old_y2"], p["gus"])
    join(session, g["pt_y1_spring"], p["fay"])
    join(session, g["pt_y3_spring"], p["eve"])
    join(session, g["pt_last_year"], p["hal"])


def build_school(session: Session) -> MapSchool:
    """Oakfield Primary as the map tests draw it (not committed)."""
    rows.add_settings(session, "Oakfield Primary")
    year = rows.add_year(session, "2026/27", D(2026, 9, 1), D(2027, 8, 31), rows.three_terms(2026))
    last_year = rows.add_year(
        session, "2025/26", D(2025, 9, 1), D(2026, 8, 31), rows.three_terms(2025)
    )
    year_groups = {
        name: rows.add_year_group(session, name, order)
        for name, order in (("Reception", 0), ("Year 1", 1), ("Year 2", 2), ("Year 3", 3))
    }
    classes = {
        "Oak": rows.add_class(session, "Oak", year_groups["Year 1"]),
        "Ash": rows.add_class(session, "Ash", year_groups["Year 3"]),
    }
    role = rows.add_role(session, "Teaching assistant", "18")
    staff = {n: rows.add_staff(session, n, role) for n in ("Mrs Ahmed", "Mr Brown")}
    school = MapSchool(year, last_year, year_groups, classes, staff, {}, {})
    school.provisions = _catalogue(session, year_groups)
    school.groups = _groups(session, (year, last_year), school)
    _pupils(session, school)
    return school


#: The groups' keys in ``MapSchool.groups`` by group name ("" is last year's group).
GROUP_KEYS = {
    "Year 3 group 1": "pt_y3",
    "Talkers": "talk_y3",
    "Readers": "old_y2",
    "Year 1 group 1": "pt_y1_spring",
    "Year 3 spring": "pt_y3_spring",
    "": "pt_last_year",
}
PROVISION_KEYS = {
    "Precision Teaching": "pt",
    "Talk Boost": "talk",
    "Lego therapy": "lego",
    "Old reading scheme": "old",
    "Retired and unused": "gone",
}


def map_school(session: Session) -> MapSchool:
    """The school above, copied from its template into the session's empty database."""
    from .templates import load_into

    load_into(session, "map")
    return read_map_school(session)


def read_map_school(session: Session) -> MapSchool:
    """The ``MapSchool`` of a database that holds the school above (a copy of it)."""
    years = {y.label: y for y in session.scalars(select(AcademicYear))}
    return MapSchool(
        year=years["2026/27"],
        last_year=years["2025/26"],
        year_groups={y.name: y for y in session.scalars(select(YearGroup))},
        classes={c.name: c for c in session.scalars(select(SchoolClass))},
        staff={s.name: s for s in session.scalars(select(Staff))},
        provisions={PROVISION_KEYS[p.name]: p for p in session.scalars(select(Provision))},
        groups={GROUP_KEYS[g.name]: g for g in session.scalars(select(ProvisionGroup))},
        pupils={p.forename.lower(): p for p in session.scalars(select(Pupil).order_by(Pupil.id))},
    )
