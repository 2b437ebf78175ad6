"""A whole school built through the domain writes alone, then costed.

Nothing here makes an ORM object or calls ``session.add``: settings, calendar, year
group, class, staff, funding, a provision, pupils, an EHC plan, a group, an allocation,
a delivered session and a review all come from ``provmap_desktop.domain``. The costs are
worked by hand from the rules in the domain notes (staff cost per session = hourly
rate x session hours; group cost = that x sessions a week x weeks + resources; shared
equally by the pupils in the group).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from provmap_desktop.domain import (
    delivery,
    ehcp,
    funding,
    groups,
    memberships,
    provisions,
    pupils,
    reviews,
    school,
    staff,
)
from provmap_desktop.models import AuditEntry, GroupMembership, Pupil, Review
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.services.costing import cost_map
from provmap_desktop.storage import open_database

TERMS = [
    (
        "Autumn",
        dt.date(2026, 9, 3),
        dt.date(2026, 12, 18),
        dt.date(2026, 10, 26),
        dt.date(2026, 10, 30),
    ),
    (
        "Spring",
        dt.date(2027, 1, 5),
        dt.date(2027, 3, 26),
        dt.date(2027, 2, 15),
        dt.date(2027, 2, 19),
    ),
    (
        "Summer",
        dt.date(2027, 4, 12),
        dt.date(2027, 7, 21),
        dt.date(2027, 5, 31),
        dt.date(2027, 6, 4),
    ),
]


def test_a_script_builds_and_costs_a_school_through_the_domain_alone(
    new_database: Path | str,
) -> None:
    db = open_database(new_database, create=True)
    with db.session_factory() as s:
        school.add_school(s, "Brook Lane Primary", "primary", la_number="873")
        year = school.add_academic_year(s, 2026, TERMS).rows[0]
        year_3 = school.add_year_group(s, "Year 3", 3).rows[0]
        school.add_class(s, "Kestrels", year_3.id)
        ta = staff.add_role(s, "Teaching assistant", Decimal("20.00")).rows[0]
        lee = staff.add_staff(s, "Ms Lee", ta.id).rows[0]
        stream = funding.add_stream(s, "Notional SEN budget", "notional_sen").rows[0]
        funding.set_budget(s, stream.id, year.id, Decimal("12000"))
        provision_id = provisions.add(
            s,
            "Precision teaching",
            area="CL",
            suitable_year_group_ids=[year_3.id],
            delivered_by_role_id=ta.id,
            session_minutes=30,
            sessions_per_week=3,
            weeks=6,
            group_size=4,
            resources_cost=Decimal("60.00"),
            funding_stream_id=stream.id,
        ).provision_id
        ava = pupils.add(
            s,
            forename="Ava",
            surname="Khan",
            upn=make_upn("873", "2001", 2019, 1),
            date_of_birth=dt.date(2018, 11, 2),
            gender="F",
            year_group_id=year_3.id,
            sen_status="K",
        ).pupil_id
        ben = pupils.add(
            s,
            forename="Ben",
            surname="Ode",
            upn=make_upn("873", "2001", 2019, 2),
            date_of_birth=dt.date(2019, 1, 20),
            gender="M",
            year_group_id=year_3.id,
            sen_status="E",
        ).pupil_id
        pupils.update(s, ava, "primary_need", "SPLD")
        plan = ehcp.add_plan(s, ben, "EHC/873/1").rows[0]
        ehcp.add_item(s, plan.id, "Precision teaching 3 x 30 min", 90, provision_id)
        # Monday 7 September to Friday 16 October: six whole teaching weeks, 30 days,
        # before the half-term.
        group = groups.create(
            s, provision_id, year_3.id, dt.date(2026, 9, 7), dt.date(2026, 10, 16)
        )
        group_id = group.group_id
        groups.update(s, group_id, "staff_id", lee.id)
        groups.set_days(s, group_id, [0, 2, 4], dt.time(9, 0))  # Mon, Wed, Fri
        allocation = memberships.allocate(
            s, provision_id, year_3.id, [ava, ben], dt.date(2026, 9, 7), group_id=group_id
        )
        delivery.mark_delivered(s, group_id, dt.date(2026, 9, 7), today=dt.date(2026, 9, 7))
        reviews.start_cycle(s, allocation.membership_ids[0], today=dt.date(2026, 9, 7))
        s.commit()

    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Pupil)) == 2
        assert s.scalar(select(func.count()).select_from(GroupMembership)) == 2
        assert s.scalar(select(func.count()).select_from(Review)) == 1
        # Every write was audited: the domain writes go through the database's session.
        assert s.scalar(select(func.count()).select_from(AuditEntry)) > 10
        costs = cost_map(s, year.id, as_of=dt.date(2026, 12, 18))
        # Staff: £20 an hour x 0.5 h x 3 a week x 6 weeks = £180; resources £60.
        assert costs.by_group[group_id].staff_cost == Decimal("180")
        assert costs.total.planned == Decimal("240")
        # Two pupils share the group equally: £120 each.
        assert costs.by_pupil[ava].planned == Decimal("120")
        assert costs.by_pupil[ben].planned == Decimal("120")
        assert costs.by_funding_stream[stream.id].planned == Decimal("240")
    db.close()
