"""Group costs kept between costings: only a group whose inputs changed is costed again.

The figures are the hand-worked ones of ``test_costing``: a TA at £18.00 an hour, 3
sessions of 10 minutes a week for 12 weeks, £108.00 a group.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from provmap_desktop.models import ProvisionGroup, StaffRole
from provmap_desktop.services import costing
from provmap_desktop.services.costing import cost_map

from ..schools.costed import add_member, make_group, make_provision, make_pupil, make_school

BEFORE_TERM = dt.date(2026, 9, 1)


def test_an_edit_made_elsewhere_costs_only_the_groups_it_touched_again(session: Session) -> None:
    school = make_school(session)
    reading = make_group(session, make_provision(session, "Reading"), school.year, staff=school.ta)
    maths = make_group(session, make_provision(session, "Maths"), school.year, staff=school.ta)
    pupils = [make_pupil(session, f"Pupil{n}") for n in range(4)]
    for pupil in pupils[:2]:
        add_member(session, reading, pupil)
    for pupil in pupils[2:]:
        add_member(session, maths, pupil)
    session.commit()

    first = cost_map(session, school.year, as_of=BEFORE_TERM)
    again = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert again.by_group[reading.id] is first.by_group[reading.id]
    assert again.by_group[maths.id] is first.by_group[maths.id]

    # Twice the sessions for Maths, written as plain SQL (as another person's change
    # arrives: nothing tells this session what changed).
    session.execute(
        update(ProvisionGroup).where(ProvisionGroup.id == maths.id).values(sessions_per_week=6)
    )
    session.commit()
    changed = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert changed.by_group[reading.id] is first.by_group[reading.id]
    assert changed.by_group[maths.id] is not first.by_group[maths.id]
    # £3.00 a session x 6 a week x 12 weeks = £216.00, £108.00 for each of its two pupils.
    assert changed.by_group[maths.id].planned == Decimal(216)
    assert changed.by_pupil[pupils[2].id].planned == Decimal(108)
    assert changed.by_pupil[pupils[0].id].planned == Decimal(54)
    assert changed.total.planned == Decimal(324)

    # A new rate for the role reaches every group: both are costed again.
    session.execute(
        update(StaffRole).where(StaffRole.id == school.role.id).values(hourly_cost=Decimal(24))
    )
    session.commit()
    dearer = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert dearer.by_group[reading.id] is not first.by_group[reading.id]
    # £24.00 x 10/60 h = £4.00 a session: £144.00 for Reading, £288.00 for Maths.
    assert dearer.by_group[reading.id].planned == Decimal(144)
    assert dearer.total.planned == Decimal(432)

    # Nothing kept: the same figures worked out from nothing.
    session.info.pop(costing.KEPT_COSTS)
    fresh = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert fresh.by_pupil == dearer.by_pupil
    assert fresh.by_provision == dearer.by_provision
    assert fresh.total == dearer.total


def test_only_the_most_recent_costings_are_kept(session: Session) -> None:
    school = make_school(session)
    make_group(session, make_provision(session, "Reading"), school.year, staff=school.ta)
    session.commit()
    days = [BEFORE_TERM + dt.timedelta(days=n) for n in range(costing.CONTEXTS_KEPT + 3)]
    for day in days:
        cost_map(session, school.year, as_of=day)
    kept = session.info[costing.KEPT_COSTS]
    assert len(kept) == costing.CONTEXTS_KEPT
    # The oldest days were let go; the latest is kept.
    assert [key[4] for key in kept] == days[-costing.CONTEXTS_KEPT :]
