"""Provision groups through the domain: make, change, move the start, split and end.

Each test works on a real database file and reads the result back in a second
session after a commit; a refused value leaves the group as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import groups
from provmap_desktop.domain.change import DomainError, Kind
from provmap_desktop.models import GroupMembership, ProvisionGroup

from ..schools.map_school import AUTUMN, join
from ._map_file import MapFile, map_file_fixture  # noqa: F401

D = dt.date
T = dt.time


def stored(map_file: MapFile, group_id: int) -> dict[str, object] | None:
    """The group's columns, slots and memberships as the file holds them."""
    map_file.session.commit()
    with map_file.fresh() as other:
        group = other.get(ProvisionGroup, group_id)
        if group is None:
            return None
        values = {c: getattr(group, c) for c in groups.GROUP_COLUMNS}
        values["slots"] = sorted((s.weekday, s.start_time) for s in group.slots)
        values["members"] = sorted(
            (m.id, m.pupil_id, m.join_date, m.leave_date) for m in group.memberships
        )
        return values


def group_count(map_file: MapFile) -> int:
    return map_file.session.scalar(select(func.count(ProvisionGroup.id))) or 0


# -- making a group ---------------------------------------------------------------------


def test_a_group_is_made_in_the_year_holding_its_start_and_named_after_its_year_group(map_file):
    school = map_file.school
    made = groups.create(
        map_file.session, school.provisions["lego"].id, school.year_groups["Year 1"].id,
        D(2027, 1, 4), D(2027, 3, 26),
    )  # fmt: skip
    assert made.changed.kinds == {Kind.GROUPS}
    assert made.changed.group_ids == {made.group_id}
    saved = stored(map_file, made.group_id)
    assert saved is not None
    assert saved["academic_year_id"] == school.year.id
    assert saved["name"] == "Year 1 group 1"
    assert (saved["start_date"], saved["end_date"]) == (D(2027, 1, 4), D(2027, 3, 26))
    made.undo(map_file.session)
    assert stored(map_file, made.group_id) is None
    made.redo(map_file.session)
    assert stored(map_file, made.group_id) == saved


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (D(2027, 3, 1), D(2027, 2, 1), "before the first"),
        (D(2027, 6, 1), D(2027, 9, 30), "2026/27 ends on 31/08/2027"),
        (D(2024, 1, 8), D(2024, 2, 1), "No academic year holds 08/01/2024"),
    ],
)
def test_a_group_with_impossible_dates_is_refused(map_file, start, end, message):
    school = map_file.school
    before = group_count(map_file)
    with pytest.raises(DomainError, match=message):
        groups.create(
            map_file.session, school.provisions["lego"].id, school.year_groups["Year 1"].id,
            start, end,
        )  # fmt: skip
    assert group_count(map_file) == before


# -- one field at a time ----------------------------------------------------------------


def test_name_staff_size_last_day_and_class_are_set_undone_and_redone(map_file):
    session, school = map_file.session, map_file.school
    group_id = school.groups["talk_y3"].id
    class_id = next(iter(school.classes.values())).id
    before = stored(map_file, group_id)
    assert before is not None
    assert before["class_id"] != class_id
    changes = [
        groups.update(session, group_id, "name", "  Talk   Boost A "),
        groups.update(session, group_id, "staff_id", school.staff["Mrs Ahmed"].id),
        groups.update(session, group_id, "max_size", 3),
        groups.update(session, group_id, "end_date", D(2026, 11, 27)),
        groups.update(session, group_id, "class_id", class_id),
    ]
    after = stored(map_file, group_id)
    assert after is not None
    assert after["name"] == "Talk Boost A"
    assert after["staff_id"] == school.staff["Mrs Ahmed"].id
    assert (after["max_size"], after["end_date"]) == (3, D(2026, 11, 27))
    assert after["class_id"] == class_id
    assert all(c.changed.group_ids == {group_id} for c in changes)
    for change in reversed(changes):
        change.undo(session)
    assert stored(map_file, group_id) == before
    for change in changes:
        change.redo(session)
    assert stored(map_file, group_id) == after


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end_date", D(2026, 9, 1), "before the first day, 07/09/2026"),
        ("max_size", 0, "The group size must be a whole number of 1 or more"),
        ("staff_id", 9999, "member of staff no longer exists"),
        ("class_id", 9999, "class no longer exists"),
        ("name", "x" * 61, "at most 60 characters"),
        ("start_date", D(2026, 9, 14), "Start date cannot be changed here"),
        ("provision_id", 1, "Provision id cannot be changed here"),
    ],
)
def test_a_refused_value_leaves_the_group_as_it_was(map_file, field, value, message):
    group_id = map_file.school.groups["talk_y3"].id
    before = stored(map_file, group_id)
    with pytest.raises(DomainError, match=message):
        groups.update(map_file.session, group_id, field, value)
    assert stored(map_file, group_id) == before


def test_the_days_a_group_meets_are_replaced_and_undo_puts_them_back(map_file):
    session = map_file.session
    group_id = map_file.school.groups["pt_y3"].id
    change = groups.set_days(session, group_id, [0, 2, 4], T(13, 15))
    assert stored(map_file, group_id)["slots"] == [(0, T(13, 15)), (2, T(13, 15)), (4, T(13, 15))]
    change.undo(session)
    assert stored(map_file, group_id)["slots"] == [(1, T(9, 10)), (3, T(9, 10))]
    change.redo(session)
    assert [d for d, _ in stored(map_file, group_id)["slots"]] == [0, 2, 4]
    with pytest.raises(DomainError, match="weekday"):
        groups.set_days(session, group_id, [7], None)
    assert [d for d, _ in stored(map_file, group_id)["slots"]] == [0, 2, 4]


# -- moving the first day ---------------------------------------------------------------


def members(map_file: MapFile, group_id: int) -> list[tuple[int, dt.date, dt.date | None]]:
    saved = stored(map_file, group_id)
    assert saved is not None
    return sorted((p, j, leave) for _i, p, j, leave in saved["members"])  # type: ignore[attr-defined]


def test_moving_a_groups_start_moves_those_who_joined_on_it(map_file):
    session, school = map_file.session, map_file.school
    group = school.groups["pt_y3"]
    ava, ben, cal, dan, zed = (school.pupils[k] for k in ("ava", "ben", "cal", "dan", "zed"))
    late = join(session, group, school.pupils["hal"], D(2026, 10, 5))
    before = members(map_file, group.id)

    change = groups.move_start(session, group.id, D(2026, 9, 14))
    assert stored(map_file, group.id)["start_date"] == D(2026, 9, 14)
    assert members(map_file, group.id) == sorted(
        [
            (ava.id, D(2026, 9, 14), None),
            (ben.id, D(2026, 9, 14), None),
            (cal.id, D(2026, 9, 14), None),
            (dan.id, D(2026, 9, 14), D(2026, 9, 30)),
            (zed.id, D(2026, 9, 14), None),
            (school.pupils["hal"].id, late.join_date, None),  # joined later: kept
        ]
    )
    change.undo(session)
    assert stored(map_file, group.id)["start_date"] == AUTUMN[0]
    assert members(map_file, group.id) == before
    change.redo(session)
    assert stored(map_file, group.id)["start_date"] == D(2026, 9, 14)
    assert (ava.id, D(2026, 9, 14), None) in members(map_file, group.id)


def test_moving_a_groups_start_earlier_moves_its_first_members_too(map_file):
    group = map_file.school.groups["talk_y3"]
    groups.move_start(map_file.session, group.id, D(2026, 9, 1))
    assert {j for _, j, _ in members(map_file, group.id)} == {D(2026, 9, 1)}


@pytest.mark.parametrize(
    ("group", "day", "message"),
    [
        ("pt_y3", D(2026, 10, 5), "Dan Dean left on 30/09/2026"),
        ("talk_y3", D(2027, 1, 4), "after its last day"),
        ("talk_y3", D(2026, 8, 28), "before 2026/27 starts on 01/09/2026"),
    ],
)
def test_a_start_after_a_member_left_or_the_end_or_before_the_year_is_refused(
    map_file, group, day, message
):
    group_id = map_file.school.groups[group].id
    before = stored(map_file, group_id)
    with pytest.raises(DomainError, match=message):
        groups.move_start(map_file.session, group_id, day)
    assert stored(map_file, group_id) == before


# -- splitting and ending ---------------------------------------------------------------


def test_a_split_makes_a_group_like_this_one_and_moves_the_chosen_pupils(map_file):
    session, school = map_file.session, map_file.school
    source = school.groups["pt_y3"]
    ava = next(m for m in source.memberships if m.pupil_id == school.pupils["ava"].id)
    before = stored(map_file, source.id)
    groups_before = group_count(map_file)

    change = groups.split(session, source.id, [ava.id], D(2026, 11, 2))
    new_id = change.steps[0].group_id  # type: ignore[attr-defined]
    new = stored(map_file, new_id)
    # Precision Teaching already has two Year 3 groups this year (Autumn and Spring).
    assert new is not None
    assert new["name"] == "Group C"
    for column in ("provision_id", "year_group_id", "staff_id", "start_date", "end_date"):
        assert new[column] == before[column]
    assert new["slots"] == before["slots"]
    assert [(p, j, leave) for _i, p, j, leave in new["members"]] == [
        (school.pupils["ava"].id, D(2026, 11, 2), None)
    ]
    assert (school.pupils["ava"].id, D(2026, 9, 7), D(2026, 11, 1)) in members(map_file, source.id)
    assert change.changed.group_ids == {source.id, new_id}

    change.undo(session)
    assert stored(map_file, new_id) is None
    assert stored(map_file, source.id) == before
    assert group_count(map_file) == groups_before
    change.redo(session)
    assert stored(map_file, new_id) == new  # the same ids, slots and members


def test_a_split_with_nobody_chosen_is_refused(map_file):
    before = group_count(map_file)
    with pytest.raises(DomainError, match="at least one pupil"):
        groups.split(map_file.session, map_file.school.groups["pt_y3"].id, [], D(2026, 11, 2))
    assert group_count(map_file) == before


def test_ending_a_group_ends_it_and_every_member_still_in_it(map_file):
    session, school = map_file.session, map_file.school
    group = school.groups["pt_y3"]
    before = stored(map_file, group.id)
    change = groups.end(session, group.id, D(2026, 11, 20))
    after = stored(map_file, group.id)
    assert after["end_date"] == D(2026, 11, 20)
    leaves = {p: leave for p, _j, leave in members(map_file, group.id)}
    assert leaves[school.pupils["ava"].id] == D(2026, 11, 20)
    assert leaves[school.pupils["dan"].id] == D(2026, 9, 30)  # left before: kept
    change.undo(session)
    assert stored(map_file, group.id) == before
    change.redo(session)
    assert stored(map_file, group.id) == after


def test_ending_a_group_before_a_member_joins_or_before_it_starts_is_refused(map_file):
    session, school = map_file.session, map_file.school
    group = school.groups["talk_y3"]
    join(session, group, school.pupils["eve"], D(2026, 11, 2))
    before = stored(map_file, group.id)
    with pytest.raises(DomainError, match="Eve Evans joins on 02/11/2026"):
        groups.end(session, group.id, D(2026, 10, 30))
    with pytest.raises(DomainError, match="cannot end before then"):
        groups.end(session, group.id, D(2026, 9, 1))
    assert stored(map_file, group.id) == before
    assert session.scalar(select(func.count(GroupMembership.id)).where(
        GroupMembership.group_id == group.id, GroupMembership.leave_date.is_not(None)
    )) == 0  # fmt: skip
