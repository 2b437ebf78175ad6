"""Allocations through the domain: allocate, end, their undo and redo, refusals.

Each test works on a real database file; ``saved`` reads the rows back in a second
session, so what is checked is what the file holds after a commit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.domain import memberships
from provmap_desktop.domain.change import DomainError, Kind
from provmap_desktop.domain.memberships import GroupChoiceNeeded
from provmap_desktop.models import GroupMembership, ProvisionGroup

from ..schools.map_school import AUTUMN, SPRING, MapSchool, add_group, join
from ._map_file import MapFile, map_file_fixture  # noqa: F401

D = dt.date


def saved(map_file: MapFile, group_id: int) -> list[tuple[int, dt.date, dt.date | None]]:
    """(pupil id, join, leave) of every membership of the group, as the file holds them."""
    map_file.session.commit()
    with map_file.fresh() as other:
        return sorted(
            (m.pupil_id, m.join_date, m.leave_date)
            for m in other.scalars(
                select(GroupMembership).where(GroupMembership.group_id == group_id)
            )
        )


def membership_count(session: Session) -> int:
    return session.scalar(select(func.count(GroupMembership.id))) or 0


def allocate(map_file: MapFile, provision: str, year_group: str, pupils: list[str], **kw):  # type: ignore[no-untyped-def]
    school = map_file.school
    return memberships.allocate(
        map_file.session,
        school.provisions[provision].id,
        school.year_groups[year_group].id,
        [school.pupils[p].id for p in pupils],
        kw.pop("join_date", D(2026, 10, 5)),
        kw.pop("group_id", None),
        period=kw.pop("period", AUTUMN),
        **kw,
    )


def membership_of(school: MapSchool, group: str, pupil: str) -> GroupMembership:
    return next(
        m for m in school.groups[group].memberships if m.pupil_id == school.pupils[pupil].id
    )


# -- allocating -------------------------------------------------------------------------


def test_allocating_joins_the_one_running_group_and_names_it(map_file):
    school = map_file.school
    made = allocate(map_file, "talk", "Year 3", ["eve", "hal"])
    group = school.groups["talk_y3"]
    assert made.group_id == group.id
    assert made.group_added is None
    assert made.changed.kinds == {Kind.GROUPS}
    assert made.changed.group_ids == {group.id}
    rows = saved(map_file, group.id)
    assert (school.pupils["eve"].id, D(2026, 10, 5), None) in rows
    assert (school.pupils["hal"].id, D(2026, 10, 5), None) in rows
    assert len(made.membership_ids) == 2


def test_current_members_are_skipped(map_file):
    school = map_file.school
    made = allocate(map_file, "talk", "Year 3", ["ava", "eve"])
    assert made.skipped_pupil_ids == [school.pupils["ava"].id]
    assert [m["pupil_id"] for m in made.memberships] == [school.pupils["eve"].id]
    pupils = [p for p, _, _ in saved(map_file, school.groups["talk_y3"].id)]
    assert pupils.count(school.pupils["ava"].id) == 1


def test_a_group_is_made_with_the_provisions_defaults_when_none_runs(map_file):
    school = map_file.school
    made = allocate(map_file, "talk", "Year 1", ["fay"])
    assert made.group_added is not None
    map_file.session.commit()
    with map_file.fresh() as other:
        group = other.get(ProvisionGroup, made.group_id)
        assert group is not None
        assert group.provision_id == school.provisions["talk"].id
        assert group.year_group_id == school.year_groups["Year 1"].id
        assert group.academic_year_id == school.year.id
        # 12 teaching weeks from the join date: 55 days to the end of Autumn on
        # 18/12/2026, then 04/01-08/01/2027 after the Christmas holiday.
        assert (group.start_date, group.end_date) == (D(2026, 10, 5), D(2027, 1, 8))
        assert group.sessions_per_week is None
        assert group.max_size is None
        assert group.effective_session_minutes == 30
        assert group.name == "Year 1 group 1"
    assert saved(map_file, made.group_id) == [(school.pupils["fay"].id, D(2026, 10, 5), None)]


def test_undo_removes_the_group_it_made_and_redo_brings_both_back_with_their_ids(map_file):
    session, school = map_file.session, map_file.school
    made = allocate(map_file, "talk", "Year 1", ["fay"])
    session.commit()
    group_id, membership_id = made.group_id, made.membership_ids[0]
    made.undo(session)
    session.commit()
    with map_file.fresh() as other:
        assert other.get(ProvisionGroup, group_id) is None
        assert other.get(GroupMembership, membership_id) is None
    made.redo(session)
    session.commit()
    with map_file.fresh() as other:
        group = other.get(ProvisionGroup, group_id)
        assert group is not None
        assert group.name == "Year 1 group 1"
        assert other.get(GroupMembership, membership_id) is not None
    assert saved(map_file, group_id) == [(school.pupils["fay"].id, D(2026, 10, 5), None)]
    # and once more: the ids still hold after a second undo and redo
    made.undo(session)
    made.redo(session)
    assert saved(map_file, group_id) == [(school.pupils["fay"].id, D(2026, 10, 5), None)]


def test_undo_of_joining_a_running_group_keeps_the_group_and_its_members(map_file):
    group = map_file.school.groups["talk_y3"]
    before = saved(map_file, group.id)
    made = allocate(map_file, "talk", "Year 3", ["eve"])
    assert saved(map_file, group.id) != before
    made.undo(map_file.session)
    assert saved(map_file, group.id) == before
    with map_file.fresh() as other:
        assert other.get(ProvisionGroup, group.id) is not None


def test_several_running_groups_need_a_choice_and_nothing_changes(map_file):
    session, school = map_file.session, map_file.school
    second = add_group(
        session, school.provisions["talk"], school.year, school.year_groups["Year 3"], AUTUMN,
        name="Talkers 2",
    )  # fmt: skip
    session.commit()
    count = membership_count(session)
    with pytest.raises(GroupChoiceNeeded, match="Talk Boost has 2 groups for Year 3") as raised:
        allocate(map_file, "talk", "Year 3", ["eve"])
    choices = raised.value.choices
    assert [c.name for c in choices] == ["Talkers", "Talkers 2"]
    assert choices[0].staff_name == "Mr Brown"
    assert choices[0].members == 2
    assert isinstance(raised.value, DomainError)
    assert membership_count(session) == count
    chosen = allocate(map_file, "talk", "Year 3", ["eve"], group_id=second.id)
    assert chosen.group_id == second.id
    assert saved(map_file, second.id) == [(school.pupils["eve"].id, D(2026, 10, 5), None)]


@pytest.mark.parametrize(
    ("provision", "year_group", "group", "message"),
    [
        ("talk", "Year 3", "pt_y3", "Year 3 group 1 is not a group of Talk Boost"),
        ("pt", "Year 3", "pt_last_year", "is a group of 2025/26, not 2026/27"),
        ("pt", "Year 1", "pt_y3", "Year 3 group 1 is a Year 3 group, not Year 1"),
    ],
)
def test_a_group_that_does_not_fit_the_cell_is_refused(
    map_file, provision, year_group, group, message
):
    school = map_file.school
    target = school.groups[group]
    before = saved(map_file, target.id)
    count = membership_count(map_file.session)
    with pytest.raises(DomainError, match=message):
        allocate(map_file, provision, year_group, ["fay"], group_id=target.id)
    assert membership_count(map_file.session) == count
    assert saved(map_file, target.id) == before


def test_an_unknown_pupil_or_provision_is_refused_and_nothing_is_added(map_file):
    session, school = map_file.session, map_file.school
    count = membership_count(session)
    with pytest.raises(DomainError, match="No pupil with id 9999"):
        memberships.allocate(
            session, school.provisions["talk"].id, school.year_groups["Year 3"].id,
            [school.pupils["eve"].id, 9999], D(2026, 10, 5), period=AUTUMN,
        )  # fmt: skip
    with pytest.raises(DomainError, match="no longer exists"):
        memberships.allocate(
            session, 9999, school.year_groups["Year 3"].id, [school.pupils["eve"].id],
            D(2026, 10, 5), period=AUTUMN,
        )  # fmt: skip
    assert membership_count(session) == count


def test_joining_before_the_group_starts_joins_on_its_first_day(map_file):
    school = map_file.school
    kept = allocate(
        map_file, "pt", "Year 1", ["fay"], period=SPRING, join_date=D(2026, 12, 1),
        group_id=school.groups["pt_y1_spring"].id,
    )  # fmt: skip
    assert kept.memberships == []
    assert kept.is_noop
    made = allocate(map_file, "pt", "Year 1", ["gus"], period=SPRING, join_date=D(2026, 12, 1))
    assert made.memberships[0]["join_date"] == SPRING[0]


def test_a_pupil_from_another_year_group_is_warned_about_not_refused(map_file):
    school = map_file.school
    chosen = allocate(map_file, "talk", "Year 3", ["fay"], group_id=school.groups["talk_y3"].id)
    assert "Fay Ford is in Year 1, not Year 3 like this group." in chosen.warnings
    assert len(chosen.memberships) == 1
    dropped = allocate(map_file, "lego", "Year 3", ["fay"])
    assert "Fay Ford is in Year 1, not Year 3 like this group." in dropped.warnings


def test_allocation_returns_the_size_warning_and_still_allocates(map_file):
    made = allocate(map_file, "pt", "Year 3", ["eve", "hal"])
    assert "Group of 4: now 5 pupils" in made.warnings
    assert len(made.memberships) == 2


def test_a_new_group_runs_for_the_provisions_weeks_from_the_first_day_of_term(map_file):
    school = map_file.school
    # Dropped on 01/09/2026, before the Autumn term: the group starts on Monday 07/09
    # and runs 12 teaching weeks to Friday 27/11/2026, not to the end of the year.
    made = allocate(
        map_file, "talk", "Year 1", ["fay"], join_date=D(2026, 9, 1),
        period=(school.year.start_date, school.year.end_date),
    )  # fmt: skip
    group = map_file.session.get(ProvisionGroup, made.group_id)
    assert (group.start_date, group.end_date) == (D(2026, 9, 7), D(2026, 11, 27))
    assert made.memberships[0]["join_date"] == D(2026, 9, 7)


def test_a_new_group_in_a_term_not_yet_started_starts_on_its_first_day(map_file):
    made = allocate(map_file, "lego", "Year 3", ["hal"], period=SPRING, join_date=D(2026, 12, 1))
    group = map_file.session.get(ProvisionGroup, made.group_id)
    assert (group.start_date, group.end_date) == (SPRING[0], SPRING[1])


def test_a_new_group_stops_at_the_end_of_the_academic_year(map_file):
    made = allocate(
        map_file, "talk", "Year 1", ["fay"], join_date=D(2027, 7, 5),
        period=(D(2027, 4, 12), D(2027, 7, 16)),
    )  # fmt: skip
    group = map_file.session.get(ProvisionGroup, made.group_id)
    assert (group.start_date, group.end_date) == (D(2027, 7, 5), map_file.school.year.end_date)


def test_a_twelve_week_group_made_by_a_drop_costs_twelve_weeks(map_file):
    from decimal import Decimal

    from provmap_desktop.services.costing import cost_map

    session, school = map_file.session, map_file.school
    made = allocate(
        map_file, "pt", "Year 2", ["ava", "ben", "cal", "hal"], join_date=D(2026, 9, 1),
        period=(school.year.start_date, school.year.end_date),
    )  # fmt: skip
    group = session.get(ProvisionGroup, made.group_id)
    group.staff = school.staff["Mrs Ahmed"]
    session.flush()
    cost = cost_map(session, school.year, as_of=D(2026, 9, 1)).by_group[group.id]
    # 3 x 10 minutes a week at £18.00 an hour for 12 weeks: £3.00 x 3 x 12 = £108.00.
    assert cost.teaching_weeks == 12
    assert cost.planned == Decimal(108)
    assert {share.planned for share in cost.pupil_shares.values()} == {Decimal(27)}


# -- ending and dates -------------------------------------------------------------------


def test_end_records_the_leave_date_and_undo_clears_it(map_file):
    session, school = map_file.session, map_file.school
    group = school.groups["talk_y3"]
    ava = membership_of(school, "talk_y3", "ava")
    ended = memberships.end(session, [ava.id], D(2026, 11, 20))
    assert ended.changed.group_ids == {group.id}
    assert (school.pupils["ava"].id, D(2026, 9, 7), D(2026, 11, 20)) in saved(map_file, group.id)
    ended.undo(session)
    assert (school.pupils["ava"].id, D(2026, 9, 7), None) in saved(map_file, group.id)
    ended.redo(session)
    assert (school.pupils["ava"].id, D(2026, 9, 7), D(2026, 11, 20)) in saved(map_file, group.id)


def test_undo_of_an_end_restores_an_earlier_leave_date(map_file):
    dan = membership_of(map_file.school, "pt_y3", "dan")
    ended = memberships.end(map_file.session, [dan.id], D(2026, 9, 20))
    ended.undo(map_file.session)
    map_file.session.commit()
    with map_file.fresh() as other:
        assert other.get(GroupMembership, dan.id).leave_date == D(2026, 9, 30)


def test_ending_before_the_join_date_is_refused_for_all_of_them(map_file):
    school = map_file.school
    ava = membership_of(school, "talk_y3", "ava")
    late = join(map_file.session, school.groups["talk_y3"], school.pupils["eve"], D(2026, 10, 5))
    map_file.session.commit()
    before = saved(map_file, school.groups["talk_y3"].id)
    with pytest.raises(DomainError, match="starts on 05/10/2026"):
        memberships.end(map_file.session, [ava.id, late.id], D(2026, 10, 1))
    assert saved(map_file, school.groups["talk_y3"].id) == before


def test_a_join_or_leave_date_is_set_through_its_rule(map_file):
    session, school = map_file.session, map_file.school
    ava = membership_of(school, "talk_y3", "ava")
    change = memberships.update(session, ava.id, "leave_date", D(2026, 12, 1))
    assert change.changed.group_ids == {school.groups["talk_y3"].id}
    assert (school.pupils["ava"].id, D(2026, 9, 7), D(2026, 12, 1)) in saved(
        map_file, school.groups["talk_y3"].id
    )
    with pytest.raises(DomainError, match="before the join date"):
        memberships.update(session, ava.id, "leave_date", D(2026, 9, 1))
    with pytest.raises(DomainError, match="after the leave date"):
        memberships.update(session, ava.id, "join_date", D(2026, 12, 2))
    with pytest.raises(DomainError, match="cannot be changed here"):
        memberships.update(session, ava.id, "pupil_id", school.pupils["eve"].id)
    assert (school.pupils["ava"].id, D(2026, 9, 7), D(2026, 12, 1)) in saved(
        map_file, school.groups["talk_y3"].id
    )
    change.undo(session)
    assert (school.pupils["ava"].id, D(2026, 9, 7), None) in saved(
        map_file, school.groups["talk_y3"].id
    )


def test_next_years_starter_is_refused_a_place_in_this_years_group(map_file):
    """Gus, recorded ahead as joining on 01/09/2027, cannot join a 2026/27 group."""
    from provmap_desktop.domain import pupils

    session, school = map_file.session, map_file.school
    pupils.update(session, school.pupils["gus"].id, "on_roll_date", D(2027, 9, 1))
    count = membership_count(session)
    with pytest.raises(DomainError, match=r"joins the school on 01/09/2027, after .* ends"):
        allocate(map_file, "pt", "Year 1", ["gus"], period=SPRING, join_date=D(2026, 12, 1))
    session.rollback()
    assert membership_count(session) == count
