"""Dates in queries: ISO text read back as dates, and which rows fall in a period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import GroupMembership, ProvisionGroup
from provmap_desktop.services.dates import (
    from_iso,
    from_iso_or_none,
    groups_in_period,
    iso_text,
    memberships_in_period,
)

from ..schools.costed import add_member, make_group, make_provision, make_pupil, make_year

D = dt.date


def test_a_date_column_read_as_text_parses_back_to_the_same_date(session: Session) -> None:
    year = make_year(session)
    group = make_group(session, make_provision(session, "Reading"), year)
    text = session.scalar(select(iso_text(ProvisionGroup.start_date)))
    assert text == "2026-09-07"
    assert from_iso(text) == group.start_date
    assert from_iso_or_none(None) is None
    assert from_iso_or_none("2027-07-16") == D(2027, 7, 16)


def test_groups_and_memberships_in_a_period_overlap_it_by_at_least_a_day(
    session: Session,
) -> None:
    year = make_year(session)
    provision = make_provision(session, "Reading")
    autumn = make_group(session, provision, year, (D(2026, 9, 7), D(2026, 12, 4)))
    spring = make_group(session, provision, year, (D(2027, 1, 4), D(2027, 3, 26)))
    stays, leaves, joins_late = (make_pupil(session, name) for name in ("A", "B", "C"))
    add_member(session, autumn, stays)
    add_member(session, autumn, leaves, leave=D(2026, 10, 2))
    add_member(session, autumn, joins_late, join=D(2026, 11, 2))

    def groups(first: dt.date, last: dt.date) -> set[int]:
        clauses = groups_in_period(year.id, first, last)
        return set(session.scalars(select(ProvisionGroup.id).where(*clauses)))

    def members(first: dt.date, last: dt.date) -> set[int]:
        query = select(GroupMembership.pupil_id).where(memberships_in_period(first, last))
        return set(session.scalars(query))

    assert groups(D(2026, 12, 4), D(2027, 1, 4)) == {autumn.id, spring.id}  # both end days
    assert groups(D(2026, 12, 5), D(2027, 1, 3)) == set()
    other_year = select(ProvisionGroup.id).where(
        *groups_in_period(year.id + 1, D(2026, 9, 1), D(2027, 8, 31))
    )
    assert session.scalars(other_year).all() == []
    assert members(D(2026, 10, 2), D(2026, 10, 2)) == {stays.id, leaves.id}  # leave day counts
    assert members(D(2026, 10, 5), D(2026, 11, 1)) == {stays.id}
    assert members(D(2026, 11, 2), D(2026, 11, 2)) == {stays.id, joins_late.id}
