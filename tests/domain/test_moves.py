"""Moving allocations through the domain: history kept, undo and redo exact, refusals.

Each test works on a real database file; ``saved`` reads the rows back in a second
session, so what is checked is what the file holds after a commit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import moves
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import GroupMembership, ProvisionGroup

from ..schools.map_school import AUTUMN, add_group, join
from ._map_file import map_file_fixture  # noqa: F401
from .test_memberships import allocate, membership_of, saved

D = dt.date


def test_a_move_ends_the_old_membership_and_starts_a_new_one(map_file):
    session, school = map_file.session, map_file.school
    ava = school.pupils["ava"]
    old = membership_of(school, "pt_y3", "ava")
    target = add_group(
        session, school.provisions["pt"], school.year, school.year_groups["Year 3"], AUTUMN,
        name="Year 3 group 2",
    )  # fmt: skip
    session.commit()
    moved = moves.move(session, [old.id], target.id, D(2026, 11, 2))
    assert moved.changed.group_ids == {school.groups["pt_y3"].id, target.id}
    assert (ava.id, D(2026, 9, 7), D(2026, 11, 1)) in saved(map_file, school.groups["pt_y3"].id)
    assert saved(map_file, target.id) == [(ava.id, D(2026, 11, 2), None)]
    new_id = moved.new_membership_ids[0]

    moved.undo(session)
    assert (ava.id, D(2026, 9, 7), None) in saved(map_file, school.groups["pt_y3"].id)
    assert saved(map_file, target.id) == []

    moved.redo(session)
    assert saved(map_file, target.id) == [(ava.id, D(2026, 11, 2), None)]
    assert moved.new_membership_ids == [new_id]
    with map_file.fresh() as other:
        assert other.get(GroupMembership, new_id).group_id == target.id


def test_a_move_on_the_join_day_repoints_the_membership(map_file):
    session, school = map_file.session, map_file.school
    fay = school.pupils["fay"]
    made = allocate(map_file, "talk", "Year 1", ["fay"])
    target = add_group(
        session, school.provisions["talk"], school.year, school.year_groups["Year 3"], AUTUMN
    )
    moved = moves.move(session, made.membership_ids, target.id, D(2026, 10, 5))
    assert moved.new_membership_ids == []
    assert saved(map_file, target.id) == [(fay.id, D(2026, 10, 5), None)]
    assert saved(map_file, made.group_id) == []
    moved.undo(session)
    assert saved(map_file, made.group_id) == [(fay.id, D(2026, 10, 5), None)]


def test_a_move_keeps_a_planned_leave_date(map_file):
    session, school = map_file.session, map_file.school
    cal = school.pupils["cal"]
    m = join(session, school.groups["old_y2"], cal, D(2026, 9, 7), D(2026, 12, 1))
    moved = moves.move(session, [m.id], school.groups["talk_y3"].id, D(2026, 10, 1))
    assert moved.moves[0].new_membership["leave_date"] == D(2026, 12, 1)
    moved.undo(session)
    assert (cal.id, D(2026, 9, 7), D(2026, 12, 1)) in saved(map_file, school.groups["old_y2"].id)


def test_moving_an_ended_allocation_is_refused_and_changes_nothing(map_file):
    school = map_file.school
    dan = membership_of(school, "pt_y3", "dan")
    before = saved(map_file, school.groups["talk_y3"].id)
    with pytest.raises(DomainError, match="ended on 30/09/2026"):
        moves.move(map_file.session, [dan.id], school.groups["talk_y3"].id, D(2026, 10, 5))
    map_file.session.rollback()
    assert saved(map_file, school.groups["talk_y3"].id) == before
    with map_file.fresh() as other:
        assert other.get(GroupMembership, dan.id).leave_date == D(2026, 9, 30)


def test_moving_to_the_same_group_is_refused(map_file):
    school = map_file.school
    ava = membership_of(school, "talk_y3", "ava")
    with pytest.raises(DomainError, match="already in that group"):
        moves.move(map_file.session, [ava.id], school.groups["talk_y3"].id, D(2026, 10, 5))


def test_a_move_to_an_empty_cell_makes_its_group_and_undo_takes_both_back(map_file):
    session, school = map_file.session, map_file.school
    ava = membership_of(school, "talk_y3", "ava")
    groups_before = session.scalar(select(func.count(ProvisionGroup.id)))
    change = moves.move_to_cell(
        session, [ava.id], school.provisions["lego"].id, school.year_groups["Year 3"].id,
        D(2026, 10, 5), period=AUTUMN,
    )  # fmt: skip
    new_group = change.steps[0].group_id  # type: ignore[attr-defined]
    assert saved(map_file, new_group) == [(school.pupils["ava"].id, D(2026, 10, 5), None)]
    assert school.groups["talk_y3"].id in change.changed.group_ids
    change.undo(session)
    session.commit()
    assert session.scalar(select(func.count(ProvisionGroup.id))) == groups_before
    assert (school.pupils["ava"].id, D(2026, 9, 7), None) in saved(
        map_file, school.groups["talk_y3"].id
    )
    change.redo(session)
    assert saved(map_file, new_group) == [(school.pupils["ava"].id, D(2026, 10, 5), None)]
