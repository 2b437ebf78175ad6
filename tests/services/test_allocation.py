"""Allocation rules: allocate, move, end, their undo and redo, and the warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import GroupMembership, ProvisionGroup
from provmap_desktop.services.allocation import (
    GroupChoiceNeeded,
    allocate_pupils,
    allocation_warnings,
    end_membership,
    move_group_start,
    move_membership,
    redo_allocation,
    redo_end,
    redo_group_start,
    redo_move,
    undo_allocation,
    undo_end,
    undo_group_start,
    undo_move,
)

from ..schools.map_school import AUTUMN, SPRING, MapSchool, add_group, add_pupil, join, map_school

D = dt.date


@pytest.fixture
def school(session: Session) -> MapSchool:
    return map_school(session)


def memberships(session: Session, group_id: int) -> list[tuple[int, dt.date, dt.date | None]]:
    """(pupil id, join, leave) of every membership of the group, as stored."""
    session.expire_all()
    return sorted(
        (m.pupil_id, m.join_date, m.leave_date)
        for m in session.scalars(
            select(GroupMembership).where(GroupMembership.group_id == group_id)
        )
    )


def allocate(session: Session, school: MapSchool, provision: str, year_group: str, **kw):  # type: ignore[no-untyped-def]
    values = {
        "provision_id": school.provisions[provision].id,
        "year_group_id": school.year_groups[year_group].id,
        "academic_year_id": school.year.id,
        "period_start": AUTUMN[0],
        "period_end": AUTUMN[1],
        "join_date": D(2026, 10, 5),
    }
    values.update(kw)
    return allocate_pupils(session, **values)


def test_allocating_joins_the_one_running_group(session, school):
    eve, hal = school.pupils["eve"], school.pupils["hal"]
    result = allocate(session, school, "talk", "Year 3", pupil_ids=[eve.id, hal.id])
    session.commit()
    group = school.groups["talk_y3"]
    assert result.group_id == group.id
    assert result.created_group is None
    assert (eve.id, D(2026, 10, 5), None) in memberships(session, group.id)
    assert (hal.id, D(2026, 10, 5), None) in memberships(session, group.id)
    assert len(result.membership_ids) == 2


def test_current_members_are_skipped(session, school):
    ava, eve = school.pupils["ava"], school.pupils["eve"]
    result = allocate(session, school, "talk", "Year 3", pupil_ids=[ava.id, eve.id])
    assert result.skipped_pupil_ids == [ava.id]
    assert [m["pupil_id"] for m in result.created_memberships] == [eve.id]
    pupils = [p for p, _, _ in memberships(session, school.groups["talk_y3"].id)]
    assert pupils.count(ava.id) == 1


def test_a_group_is_created_with_the_provisions_defaults_when_none_runs(session, school):
    fay = school.pupils["fay"]
    result = allocate(session, school, "talk", "Year 1", pupil_ids=[fay.id])
    session.commit()
    assert result.created_group is not None
    group = session.get(ProvisionGroup, result.group_id)
    assert group is not None
    assert group.provision_id == school.provisions["talk"].id
    assert group.year_group_id == school.year_groups["Year 1"].id
    assert group.academic_year_id == school.year.id
    # From the join date for the provision's 12 teaching weeks (60 days): 55 days to
    # the end of Autumn on 18/12/2026, then 04/01-08/01/2027 after the Christmas
    # holiday; sessions and size as the provision.
    assert (group.start_date, group.end_date) == (D(2026, 10, 5), D(2027, 1, 8))
    assert group.sessions_per_week is None and group.max_size is None
    assert group.effective_session_minutes == 30
    assert group.name == "Year 1 group 1"
    assert memberships(session, group.id) == [(fay.id, D(2026, 10, 5), None)]


def test_undo_of_an_allocation_that_made_a_group_removes_both_and_redo_restores_them(
    session, school
):
    fay = school.pupils["fay"]
    result = allocate(session, school, "talk", "Year 1", pupil_ids=[fay.id])
    session.commit()
    group_id, membership_id = result.group_id, result.membership_ids[0]
    undo_allocation(session, result)
    session.commit()
    assert session.get(ProvisionGroup, group_id) is None
    assert session.get(GroupMembership, membership_id) is None
    redo_allocation(session, result)
    session.commit()
    session.expire_all()
    group = session.get(ProvisionGroup, group_id)
    assert group is not None and group.name == "Year 1 group 1"
    assert memberships(session, group_id) == [(fay.id, D(2026, 10, 5), None)]
    assert session.get(GroupMembership, membership_id) is not None


def test_undo_of_joining_an_existing_group_keeps_the_group_and_other_members(session, school):
    group = school.groups["talk_y3"]
    before = memberships(session, group.id)
    result = allocate(session, school, "talk", "Year 3", pupil_ids=[school.pupils["eve"].id])
    session.commit()
    undo_allocation(session, result)
    session.commit()
    assert session.get(ProvisionGroup, group.id) is not None
    assert memberships(session, group.id) == before


def test_several_groups_without_a_choice_is_an_error_that_lists_them(session, school):
    second = add_group(
        session, school.provisions["talk"], school.year, school.year_groups["Year 3"], AUTUMN,
        name="Talkers 2",
    )  # fmt: skip
    session.commit()
    count_before = len(session.scalars(select(GroupMembership)).all())
    with pytest.raises(GroupChoiceNeeded, match="Talk Boost has 2 groups for Year 3") as raised:
        allocate(session, school, "talk", "Year 3", pupil_ids=[school.pupils["eve"].id])
    choices = raised.value.choices
    assert [c.name for c in choices] == ["Talkers", "Talkers 2"]
    assert choices[0].staff_name == "Mr Brown"
    assert choices[0].members == 2
    assert isinstance(raised.value, ValueError)  # callers that catch ValueError see it
    assert len(session.scalars(select(GroupMembership)).all()) == count_before
    chosen = allocate(
        session, school, "talk", "Year 3", pupil_ids=[school.pupils["eve"].id], group_id=second.id
    )
    assert chosen.group_id == second.id
    assert memberships(session, second.id) == [(school.pupils["eve"].id, D(2026, 10, 5), None)]


def test_a_group_of_another_provision_is_refused(session, school):
    with pytest.raises(ValueError, match="not a group of Talk Boost"):
        allocate(
            session,
            school,
            "talk",
            "Year 3",
            pupil_ids=[school.pupils["eve"].id],
            group_id=school.groups["pt_y3"].id,
        )


def test_joining_before_the_group_starts_joins_on_its_first_day(session, school):
    result = allocate(
        session,
        school,
        "pt",
        "Year 1",
        pupil_ids=[school.pupils["fay"].id],
        period_start=SPRING[0],
        period_end=SPRING[1],
        group_id=school.groups["pt_y1_spring"].id,
        join_date=D(2026, 12, 1),
    )
    assert result.created_memberships == []  # Fay is already in it
    result = allocate(
        session,
        school,
        "pt",
        "Year 1",
        pupil_ids=[school.pupils["gus"].id],
        period_start=SPRING[0],
        period_end=SPRING[1],
        join_date=D(2026, 12, 1),
    )
    assert result.created_memberships[0]["join_date"] == SPRING[0]


def test_move_ends_the_old_membership_and_starts_a_new_one(session, school):
    ava = school.pupils["ava"]
    old = session.scalars(
        select(GroupMembership).where(
            GroupMembership.group_id == school.groups["pt_y3"].id,
            GroupMembership.pupil_id == ava.id,
        )
    ).one()
    target = add_group(
        session, school.provisions["pt"], school.year, school.year_groups["Year 3"], AUTUMN,
        name="Year 3 group 2",
    )  # fmt: skip
    session.commit()
    result = move_membership(session, old.id, target.id, D(2026, 11, 2))
    session.commit()
    assert (ava.id, D(2026, 9, 7), D(2026, 11, 1)) in memberships(
        session, school.groups["pt_y3"].id
    )
    assert memberships(session, target.id) == [(ava.id, D(2026, 11, 2), None)]

    undo_move(session, result)
    session.commit()
    assert (ava.id, D(2026, 9, 7), None) in memberships(session, school.groups["pt_y3"].id)
    assert memberships(session, target.id) == []

    redo_move(session, result)
    session.commit()
    assert memberships(session, target.id) == [(ava.id, D(2026, 11, 2), None)]
    assert session.get(GroupMembership, result.new_membership["id"]) is not None


def test_move_on_the_join_day_repoints_the_membership(session, school):
    fay = school.pupils["fay"]
    result = allocate(session, school, "talk", "Year 1", pupil_ids=[fay.id])
    target = add_group(
        session, school.provisions["talk"], school.year, school.year_groups["Year 3"], AUTUMN
    )
    session.commit()
    moved = move_membership(session, result.membership_ids[0], target.id, D(2026, 10, 5))
    session.commit()
    assert moved.new_membership is None
    assert memberships(session, target.id) == [(fay.id, D(2026, 10, 5), None)]
    assert memberships(session, result.group_id) == []
    undo_move(session, moved)
    session.commit()
    assert memberships(session, result.group_id) == [(fay.id, D(2026, 10, 5), None)]


def test_move_keeps_a_planned_leave_date(session, school):
    cal = school.pupils["cal"]
    m = join(session, school.groups["old_y2"], cal, D(2026, 9, 7), D(2026, 12, 1))
    session.commit()
    result = move_membership(session, m.id, school.groups["talk_y3"].id, D(2026, 10, 1))
    assert result.new_membership is not None
    assert result.new_membership["leave_date"] == D(2026, 12, 1)
    undo_move(session, result)
    session.commit()
    assert (cal.id, D(2026, 9, 7), D(2026, 12, 1)) in memberships(
        session, school.groups["old_y2"].id
    )


def test_moving_an_ended_allocation_is_refused(session, school):
    dan = next(
        m for m in school.groups["pt_y3"].memberships if m.pupil_id == school.pupils["dan"].id
    )
    with pytest.raises(ValueError, match="ended on 30/09/2026"):
        move_membership(session, dan.id, school.groups["talk_y3"].id, D(2026, 10, 5))


def test_end_records_the_leave_date_and_undo_clears_it(session, school):
    group = school.groups["talk_y3"]
    ava = next(m for m in group.memberships if m.pupil_id == school.pupils["ava"].id)
    result = end_membership(session, ava.id, D(2026, 11, 20))
    session.commit()
    assert (school.pupils["ava"].id, D(2026, 9, 7), D(2026, 11, 20)) in memberships(
        session, group.id
    )
    undo_end(session, result)
    session.commit()
    assert (school.pupils["ava"].id, D(2026, 9, 7), None) in memberships(session, group.id)
    redo_end(session, result)
    session.commit()
    assert session.get(GroupMembership, ava.id).leave_date == D(2026, 11, 20)


def test_undo_of_an_end_restores_an_earlier_leave_date(session, school):
    dan = next(
        m for m in school.groups["pt_y3"].memberships if m.pupil_id == school.pupils["dan"].id
    )
    result = end_membership(session, dan.id, D(2026, 9, 20))
    undo_end(session, result)
    session.commit()
    assert session.get(GroupMembership, dan.id).leave_date == D(2026, 9, 30)


def test_ending_before_the_join_date_is_refused(session, school):
    m = school.groups["talk_y3"].memberships[0]
    with pytest.raises(ValueError, match="starts on 07/09/2026"):
        end_membership(session, m.id, D(2026, 9, 1))


# -- warnings --------------------------------------------------------------------------


def test_warning_when_the_group_grows_past_its_size(session, school):
    # Precision Teaching Year 3: a group of 4 with Ava, Ben, Cal (Dan left 30/09, and
    # Zed has left the school: archived pupils do not take a place).
    group = school.groups["pt_y3"]
    new = [school.pupils["eve"], school.pupils["hal"]]
    warnings = allocation_warnings(
        session, school.provisions["pt"], group, new, on_date=D(2026, 10, 5)
    )
    assert "Group of 4: now 5 pupils" in warnings
    one = allocation_warnings(
        session, school.provisions["pt"], group, new[:1], on_date=D(2026, 10, 5)
    )
    assert not any(w.startswith("Group of") for w in one)


def test_allocation_returns_the_size_warning(session, school):
    result = allocate(
        session,
        school,
        "pt",
        "Year 3",
        pupil_ids=[school.pupils["eve"].id, school.pupils["hal"].id],
    )
    assert "Group of 4: now 5 pupils" in result.warnings
    assert len(result.created_memberships) == 2  # warnings never block


def test_warning_when_the_provision_is_not_suitable_for_the_year_group(session, school):
    rec = add_pupil(session, "Ivy", "Irwin", school.year_groups["Reception"], primary="SPLD")
    warnings = allocation_warnings(session, school.provisions["pt"], school.groups["pt_y3"], [rec])
    assert (
        "Ivy Irwin is in Reception: Precision Teaching is not marked as suitable "
        "for that year group." in warnings
    )
    # Talk Boost lists no year groups, so it suits everyone.
    assert not any(
        "suitable" in w
        for w in allocation_warnings(
            session, school.provisions["talk"], school.groups["talk_y3"], [rec]
        )
    )


def test_warning_when_the_pupil_already_has_the_provision_in_the_period(session, school):
    second = add_group(
        session, school.provisions["pt"], school.year, school.year_groups["Year 3"], AUTUMN,
        name="Year 3 group 2",
    )  # fmt: skip
    warnings = allocation_warnings(session, school.provisions["pt"], second, [school.pupils["ben"]])
    assert "Ben Baker already has Precision Teaching in this period (Year 3 group 1)." in warnings
    # Eve's Precision Teaching is in Spring, not in this Autumn group's dates.
    assert not any(
        "already" in w
        for w in allocation_warnings(
            session, school.provisions["pt"], second, [school.pupils["eve"]]
        )
    )


def test_warning_when_the_area_matches_none_of_the_pupils_needs(session, school):
    # Dan's need is SEMH; Talk Boost is communication and interaction.
    warnings = allocation_warnings(
        session, school.provisions["talk"], school.groups["talk_y3"], [school.pupils["dan"]]
    )
    assert (
        "Dan Dean's needs (SEMH) are not in communication and interaction, "
        "the area of Talk Boost." in warnings
    )
    eve = school.pupils["eve"]  # SPLD, and now SLCN: one of them fits
    eve.secondary_need = "SLCN"
    assert allocation_warnings(session, school.provisions["talk"], None, [eve], period=AUTUMN) == []
    # A pupil with no need recorded is not flagged.
    assert not any(
        "needs" in w
        for w in allocation_warnings(
            session, school.provisions["talk"], school.groups["talk_y3"], [school.pupils["gus"]]
        )
    )


def test_no_warnings_for_a_good_fit(session, school):
    assert (
        allocation_warnings(
            session,
            school.provisions["pt"],
            school.groups["pt_y3"],
            [school.pupils["eve"]],
            on_date=D(2026, 10, 5),
        )
        == []
    )


# -- a new group's dates ---------------------------------------------------------------


def test_a_new_group_runs_for_the_provisions_weeks_from_the_first_day_of_term(session, school):
    # Dropped on 01/09/2026, before the Autumn term: the group starts on its first
    # day, Monday 07/09, and runs 12 teaching weeks to Friday 27/11/2026 (this
    # school's Autumn has no half-term), not to the end of the year.
    result = allocate(
        session,
        school,
        "talk",
        "Year 1",
        pupil_ids=[school.pupils["fay"].id],
        period_start=school.year.start_date,
        period_end=school.year.end_date,
        join_date=D(2026, 9, 1),
    )
    group = session.get(ProvisionGroup, result.group_id)
    assert (group.start_date, group.end_date) == (D(2026, 9, 7), D(2026, 11, 27))
    assert result.created_memberships[0]["join_date"] == D(2026, 9, 7)


def test_a_new_group_in_a_term_not_yet_started_starts_on_its_first_day(session, school):
    result = allocate(
        session,
        school,
        "lego",
        "Year 3",
        pupil_ids=[school.pupils["hal"].id],
        period_start=SPRING[0],
        period_end=SPRING[1],
        join_date=D(2026, 12, 1),
    )
    group = session.get(ProvisionGroup, result.group_id)
    # Spring 04/01-26/03/2027 is 12 weeks: the 12 weeks end on its last day.
    assert (group.start_date, group.end_date) == (SPRING[0], SPRING[1])


def test_a_new_group_stops_at_the_end_of_the_academic_year(session, school):
    # From Monday 05/07/2027 only 10 teaching days are left (to 16/07).
    result = allocate(
        session,
        school,
        "talk",
        "Year 1",
        pupil_ids=[school.pupils["fay"].id],
        period_start=D(2027, 4, 12),
        period_end=D(2027, 7, 16),
        join_date=D(2027, 7, 5),
    )
    group = session.get(ProvisionGroup, result.group_id)
    assert (group.start_date, group.end_date) == (D(2027, 7, 5), school.year.end_date)


def test_a_twelve_week_group_made_by_a_drop_costs_twelve_weeks(session, school):
    from decimal import Decimal

    from provmap_desktop.services.costing import cost_map

    pupils = [school.pupils[k] for k in ("ava", "ben", "cal", "hal")]
    result = allocate(
        session,
        school,
        "pt",
        "Year 2",
        pupil_ids=[p.id for p in pupils],
        period_start=school.year.start_date,
        period_end=school.year.end_date,
        join_date=D(2026, 9, 1),
    )
    school.groups["pt_y2"] = group = session.get(ProvisionGroup, result.group_id)
    group.staff = school.staff["Mrs Ahmed"]
    session.flush()
    cost = cost_map(session, school.year, as_of=D(2026, 9, 1)).by_group[group.id]
    # 3 x 10 minutes a week at £18.00 an hour for 12 weeks: £3.00 x 3 x 12 = £108.00,
    # £27.00 a pupil (to the end of the year it was 38 weeks, £342.00).
    assert cost.teaching_weeks == 12
    assert cost.planned == Decimal(108)
    assert {share.planned for share in cost.pupil_shares.values()} == {Decimal(27)}


# -- refusals and warnings for a chosen group ----------------------------------------


def test_a_group_of_another_academic_year_is_refused(session, school):
    with pytest.raises(ValueError, match="is a group of 2025/26, not 2026/27"):
        allocate(
            session,
            school,
            "pt",
            "Year 3",
            pupil_ids=[school.pupils["eve"].id],
            group_id=school.groups["pt_last_year"].id,
        )
    assert memberships(session, school.groups["pt_last_year"].id) == [
        (school.pupils["hal"].id, D(2025, 9, 8), None)
    ]


def test_a_group_of_another_year_group_is_refused(session, school):
    with pytest.raises(ValueError, match="is a Year 3 group, not Year 1"):
        allocate(
            session,
            school,
            "pt",
            "Year 1",
            pupil_ids=[school.pupils["fay"].id],
            group_id=school.groups["pt_y3"].id,
        )


def test_a_pupil_from_another_year_group_is_warned_about(session, school):
    fay = school.pupils["fay"]  # Year 1
    chosen = allocate(
        session,
        school,
        "talk",
        "Year 3",
        pupil_ids=[fay.id],
        group_id=school.groups["talk_y3"].id,
    )
    assert "Fay Ford is in Year 1, not Year 3 like this group." in chosen.warnings
    assert len(chosen.created_memberships) == 1  # a warning, not a refusal
    # The same warning when the pupil is dropped on the cell with no group chosen.
    dropped = allocate(session, school, "lego", "Year 3", pupil_ids=[fay.id])
    assert "Fay Ford is in Year 1, not Year 3 like this group." in dropped.warnings


# -- moving a group's first day --------------------------------------------------------


def test_moving_a_groups_start_moves_those_who_joined_on_it(session, school):
    group = school.groups["pt_y3"]
    ava, ben, cal, dan, zed = (school.pupils[k] for k in ("ava", "ben", "cal", "dan", "zed"))
    late = join(session, group, school.pupils["hal"], D(2026, 10, 5))
    session.commit()
    before = memberships(session, group.id)

    result = move_group_start(session, group.id, D(2026, 9, 14))
    session.commit()
    assert session.get(ProvisionGroup, group.id).start_date == D(2026, 9, 14)
    assert memberships(session, group.id) == sorted(
        [
            (ava.id, D(2026, 9, 14), None),
            (ben.id, D(2026, 9, 14), None),
            (cal.id, D(2026, 9, 14), None),
            (dan.id, D(2026, 9, 14), D(2026, 9, 30)),
            (zed.id, D(2026, 9, 14), None),
            (school.pupils["hal"].id, late.join_date, None),  # joined later: kept
        ]
    )
    undo_group_start(session, result)
    session.commit()
    assert session.get(ProvisionGroup, group.id).start_date == AUTUMN[0]
    assert memberships(session, group.id) == before
    redo_group_start(session, result)
    session.commit()
    assert session.get(ProvisionGroup, group.id).start_date == D(2026, 9, 14)
    assert (ava.id, D(2026, 9, 14), None) in memberships(session, group.id)


def test_moving_a_groups_start_earlier_moves_its_first_members_too(session, school):
    group = school.groups["talk_y3"]
    move_group_start(session, group.id, D(2026, 9, 1))
    session.commit()
    assert {j for _, j, _ in memberships(session, group.id)} == {D(2026, 9, 1)}


def test_a_start_after_a_member_left_or_after_the_end_is_refused(session, school):
    group = school.groups["pt_y3"]
    with pytest.raises(ValueError, match="Dan Dean left on 30/09/2026"):
        move_group_start(session, group.id, D(2026, 10, 5))
    with pytest.raises(ValueError, match="after its last day"):
        move_group_start(session, school.groups["talk_y3"].id, D(2027, 1, 4))
    # A group stays inside its academic year (2026/27 starts on 01/09/2026).
    with pytest.raises(ValueError, match="before 2026/27 starts on 01/09/2026"):
        move_group_start(session, school.groups["talk_y3"].id, D(2026, 8, 28))
