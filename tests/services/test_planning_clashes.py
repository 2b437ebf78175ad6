"""Timetable clashes on a small school built by hand: a clash is two different groups at
once that need the same adult, or the same pupil in two places; each pair is one clash.

2026/27, every group all year (07/09/2026-16/07/2027), seen on 23/11/2026:

- Key adult for Kai (1:1): Ms Lee, Monday 09:00-10:00; Kai King.
- Sensory circuits: Ms Lee, Monday 09:30-09:45; Kai King, Lily Lowe.
  Ms Lee is needed in both from 09:30 to 09:45: her clash. Kai is in both, but with
  her, so he is not named again.
- Speech programme for Kai (1:1): Mr Moss, Monday 09:40-09:55; Kai King.
  Kai would be with Mr Moss and Ms Lee at once (09:40-09:55, his own 1:1s both), and
  with Mr Moss and in the circuits (09:40-09:45): two clashes, both Kai's.
- Nurture group: Mrs Park, Monday 10:00-11:00; Kai King, Lily Lowe. It starts as the key
  adult session ends: no clash.
- Maths group: Mr Moss, Tuesday 10:00-10:30; Reading group: Mrs Park, Tuesday
  10:15-10:45; both with Lily Lowe and Max Mann: one clash naming both pupils.
- Lego club (Mr Moss) and Art club (Mrs Park), Wednesday 12:00: no one in both.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from provmap_desktop.services.planning import build_plan

from ..schools import costed, rows

ALL_YEAR = (dt.date(2026, 9, 7), dt.date(2027, 7, 16))
TODAY = dt.date(2026, 11, 23)


def _school(session: Session) -> None:
    year = costed.make_year(session)
    year3, year4 = (
        rows.add_year_group(session, "Year 3", 3),
        rows.add_year_group(session, "Year 4", 4),
    )
    role = costed.make_role(session)
    lee, moss, park = (
        costed.make_staff(session, role, n) for n in ("Ms Lee", "Mr Moss", "Mrs Park")
    )
    kai = rows.add_pupil(session, "Kai", "King", year3, sen="E", primary="ASD")
    lily = rows.add_pupil(session, "Lily", "Lowe", year3, primary="SEMH")
    max_ = rows.add_pupil(session, "Max", "Mann", year4, primary="SPLD")
    t = dt.time

    def group(name: str, minutes: int, size: int, staff, slot, members) -> None:  # type: ignore[no-untyped-def]
        provision = costed.make_provision(
            session, name, session_minutes=minutes, sessions_per_week=1, group_size=size
        )
        made = rows.add_group(
            session, provision, year, None, ALL_YEAR, staff=staff, slots=[slot], name=name
        )
        for pupil in members:
            rows.allocate(session, made, pupil)

    group("Key adult for Kai", 60, 1, lee, (0, t(9, 0)), [kai])
    group("Sensory circuits", 15, 6, lee, (0, t(9, 30)), [kai, lily])
    group("Speech programme for Kai", 15, 1, moss, (0, t(9, 40)), [kai])
    group("Nurture group", 60, 8, park, (0, t(10, 0)), [kai, lily])
    group("Maths group", 30, 4, moss, (1, t(10, 0)), [lily, max_])
    group("Reading group", 30, 4, park, (1, t(10, 15)), [lily, max_])
    group("Lego club", 30, 4, moss, (2, t(12, 0)), [kai])
    group("Art club", 30, 4, park, (2, t(12, 0)), [lily])


def test_each_pair_of_groups_is_one_clash_naming_who_is_needed_twice(session: Session) -> None:
    _school(session)
    plan = build_plan(session, "2026/27", TODAY)
    assert [c.text for c in plan.clashes] == [
        "Ms Lee: Key adult for Kai and Sensory circuits, Monday 09:30-09:45",
        "Kai King: Key adult for Kai and Speech programme for Kai, Monday 09:40-09:55",
        "Kai King: Sensory circuits and Speech programme for Kai, Monday 09:40-09:45",
        "Lily Lowe and Max Mann: Maths group and Reading group, Tuesday 10:15-10:30",
    ]
    assert [c.is_pupil for c in plan.clashes] == [False, True, True, True]
