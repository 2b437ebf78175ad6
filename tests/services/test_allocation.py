"""Allocation warnings: what the map says about a drop, none of which blocks it.

The allocations themselves are tested with the domain, in tests/domain/test_memberships.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.services.allocation import allocation_warnings, group_choice

from ..schools.map_school import AUTUMN, MapSchool, add_group, add_pupil, map_school

D = dt.date


@pytest.fixture
def school(session: Session) -> MapSchool:
    return map_school(session)


def test_a_group_choice_counts_its_current_pupils_and_names_its_staff(session, school):
    choice = group_choice(session, school.groups["pt_y3"])
    # Ava, Ben, Cal and Zed have not left; Dan left on 30/09/2026.
    assert (choice.name, choice.staff_name, choice.members) == ("Year 3 group 1", "Mrs Ahmed", 4)
    assert (choice.start_date, choice.end_date) == AUTUMN


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
