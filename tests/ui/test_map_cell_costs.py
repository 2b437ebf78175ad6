"""The map's cell costs and cost per pupil, against figures worked by hand.

A TA at £18.00 an hour, 3 sessions of 10 minutes a week for 12 weeks: £3.00 a session,
£108.00 a group.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from provmap_desktop.services.costing import cost_map
from provmap_desktop.services.map_building import build_map
from provmap_desktop.views.map.cell_costs import cell_costs, group_rates

from ..schools.costed import add_member, make_group, make_provision, make_pupil, make_school

BEFORE_TERM = dt.date(2026, 9, 1)


def test_a_cell_costs_its_groups_and_a_provision_shares_them_among_its_pupils(
    session: Session,
) -> None:
    school = make_school(session)
    reading = make_provision(session, "Reading")
    # Two Reading groups in Year 4 (two pupils and one), and one Maths group of four.
    year_4 = school.year_group
    first = make_group(session, reading, school.year, staff=school.ta, year_group=year_4)
    second = make_group(session, reading, school.year, staff=school.ta, year_group=year_4)
    maths_provision = make_provision(session, "Maths")
    maths = make_group(session, maths_provision, school.year, staff=school.ta, year_group=year_4)
    pupils = [make_pupil(session, f"Pupil{n}", year_4) for n in range(7)]
    for pupil in pupils[:2]:
        add_member(session, first, pupil)
    add_member(session, second, pupils[2])
    for pupil in pupils[3:]:
        add_member(session, maths, pupil)
    session.commit()

    snapshot = build_map(session, school.year.id)
    cells, per_pupil = cell_costs(snapshot, cost_map(session, school.year, as_of=BEFORE_TERM))

    # £108.00 + £108.00 in Reading's Year 4 cell, shared by its 3 pupils: £72.00 each.
    assert cells[(reading.id, year_4.id)] == Decimal("216.00")
    assert per_pupil[reading.id] == Decimal("72.00")
    # One Maths group of 4 pupils: £27.00 each.
    assert cells[(maths_provision.id, year_4.id)] == Decimal("108.00")
    assert per_pupil[maths_provision.id] == Decimal("27.00")
    # Before the year starts no session was due, so no group shows a delivery rate.
    assert group_rates(session, snapshot, BEFORE_TERM) == {}
    # A week in, with no session recorded as delivered: every group is at 0 %, red,
    # shown by a symbol and a word as well as a colour.
    in_week_two = dt.date(2026, 9, 14)
    shown = group_rates(session, snapshot, in_week_two)
    assert shown == {group.id: "0% ■ Red" for group in (first, second, maths)}
