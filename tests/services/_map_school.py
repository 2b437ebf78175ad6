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
from itertools import count

from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn

D = dt.date
_serial = count(1)
AUTUMN = (D(2026, 9, 7), D(2026, 12, 18))
SPRING = (D(2027, 1, 4), D(2027, 3, 26))


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


def _terms(y: int) -> list[Term]:
    return [
        Term(name="Autumn", start_date=D(y, 9, 7), end_date=D(y, 12, 18)),
        Term(name="Spring", start_date=D(y + 1, 1, 4), end_date=D(y + 1, 3, 26)),
        Term(name="Summer", start_date=D(y + 1, 4, 12), end_date=D(y + 1, 7, 16)),
    ]


def add_pupil(
    session: Session,
    forename: str,
    surname: str,
    year_group: YearGroup,
    *,
    sen: str = "K",
    primary: str | None = None,
    secondary: str | None = None,
    school_class: SchoolClass | None = None,
    archived: bool = False,
) -> Pupil:
    pupil = Pupil(
        upn=make_upn("801", "2000", 19, next(_serial)),
        forename=forename,
        surname=surname,
        year_group=year_group,
        school_class=school_class,
        sen_status=sen,
        primary_need=primary,
        secondary_need=secondary,
        archived=archived,
    )
    session.add(pupil)
    session.flush()
    return pupil


def add_group(
    session: Session,
    provision: Provision,
    year: AcademicYear,
    year_group: YearGroup | None,
    dates: tuple[dt.date, dt.date],
    *,
    staff: Staff | None = None,
    slots: tuple[tuple[int, dt.time | None], ...] = (),
    name: str = "",
    **fields: object,
) -> ProvisionGroup:
    group = ProvisionGroup(
        provision=provision,
        academic_year=year,
        year_group=year_group,
        start_date=dates[0],
        end_date=dates[1],
        staff=staff,
        name=name,
        slots=[GroupSlot(weekday=d, start_time=t) for d, t in slots],
        **fields,
    )
    session.add(group)
    session.flush()
    return group


def join(
    session: Session,
    group: ProvisionGroup,
    pupil: Pupil,
    join_date: dt.date | None = None,
    leave_date: dt.date | None = None,
) -> GroupMembership:
    membership = GroupMembership(
        group=group, pupil=pupil, join_date=join_date or group.start_date, leave_date=leave_date
    )
    session.add(membership)
    session.flush()
    return membership


def build_school(session: Session) -> MapSchool:
    session.add(SchoolSettings(name="Oakfield Primary"))
    year = AcademicYear(
        label="2026/27", start_date=D(2026, 9, 1), end_date=D(2027, 8, 31), terms=_terms(2026)
    )
    last_year = AcademicYear(
        label="2025/26", start_date=D(2025, 9, 1), end_date=D(2026, 8, 31), terms=_terms(2025)
    )
    session.add_all([year, last_year])
    year_groups = {
        name: YearGroup(name=name, sort_order=order)
        for name, order in (("Reception", 0), ("Year 1", 1), ("Year 2", 2), ("Year 3", 3))
    }
    session.add_all(year_groups.values())
    classes = {
        "Oak": SchoolClass(name="Oak", year_group=year_groups["Year 1"]),
        "Ash": SchoolClass(name="Ash", year_group=year_groups["Year 3"]),
    }
    session.add_all(classes.values())
    role = StaffRole(name="Teaching assistant", hourly_cost=18)
    staff = {n: Staff(name=n, role=role) for n in ("Mrs Ahmed", "Mr Brown")}
    session.add_all(staff.values())
    session.flush()

    def provision(name: str, area: str, wave: int, **fields: object) -> Provision:
        p = Provision(name=name, area=area, wave=wave, **fields)
        session.add(p)
        return p

    provisions = {
        "pt": provision(
            "Precision Teaching",
            "CL",
            2,
            session_minutes=10,
            sessions_per_week=3,
            group_size=4,
            suitable_year_groups=[year_groups[n] for n in ("Year 1", "Year 2", "Year 3")],
        ),
        "talk": provision(
            "Talk Boost", "CI", 2, session_minutes=30, sessions_per_week=2, group_size=6
        ),
        "lego": provision("Lego therapy", "CI", 3, session_minutes=45, group_size=3),
        "old": provision("Old reading scheme", "CL", 2, retired=True, session_minutes=20),
        "gone": provision("Retired and unused", "SEMH", 2, retired=True),
    }
    session.flush()
    y1, y2, y3 = (year_groups[n] for n in ("Year 1", "Year 2", "Year 3"))
    nine_ten = dt.time(9, 10)
    groups = {
        "pt_y3": add_group(
            session,
            provisions["pt"],
            year,
            y3,
            AUTUMN,
            staff=staff["Mrs Ahmed"],
            slots=((1, nine_ten), (3, nine_ten)),
            name="Year 3 group 1",
        ),
        "talk_y3": add_group(
            session, provisions["talk"], year, y3, AUTUMN, staff=staff["Mr Brown"], name="Talkers"
        ),
        "old_y2": add_group(session, provisions["old"], year, y2, AUTUMN, name="Readers"),
        "pt_y1_spring": add_group(
            session,
            provisions["pt"],
            year,
            y1,
            SPRING,
            staff=staff["Mr Brown"],
            slots=((0, dt.time(13, 15)), (2, dt.time(14, 0))),
            name="Year 1 group 1",
        ),
        "pt_y3_spring": add_group(
            session, provisions["pt"], year, y3, SPRING, name="Year 3 spring"
        ),
        "pt_last_year": add_group(
            session, provisions["pt"], last_year, y3, (D(2025, 9, 8), D(2025, 12, 19))
        ),
    }
    school = MapSchool(year, last_year, year_groups, classes, staff, provisions, groups)
    ash, oak = classes["Ash"], classes["Oak"]
    p = school.pupils
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
        join(session, groups["pt_y3"], p[key])
    join(session, groups["pt_y3"], p["dan"], leave_date=D(2026, 9, 30))
    join(session, groups["pt_y3"], p["zed"])
    join(session, groups["talk_y3"], p["ava"])
    join(session, groups["talk_y3"], p["cal"])
    join(session, groups["old_y2"], p["gus"])
    join(session, groups["pt_y1_spring"], p["fay"])
    join(session, groups["pt_y3_spring"], p["eve"])
    join(session, groups["pt_last_year"], p["hal"])
    session.flush()
    return school
