"""The plan for a year on a small hand-built school (``planning_school``): each gap rule,
projected needs, deployment, clashes, training and cost, with the names worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.domain import pupils
from provmap_desktop.domain.planning import add_planned_need
from provmap_desktop.models import Pupil
from provmap_desktop.services.planning import build_plan
from provmap_desktop.services.projection import next_year_pupils

from ..schools import rows
from .planning_school import TODAY, build


@pytest.fixture
def school(session: Session) -> dict:
    return build(session)


def _names(lines: list) -> dict[str, tuple[str, ...]]:
    return {f"{line.year_group}|{line.area}|{line.text}": line.names for line in lines}


def test_next_year_moves_pupils_up_drops_leavers_and_adds_intake(session, school) -> None:
    projected = {
        session.get(Pupil, p.pupil_id).forename: p
        for p in next_year_pupils(session, "2027/28").pupils
    }
    years = {y.id: y.name for y in school["years"].values()}
    assert {name: years[p.year_group_id] for name, p in projected.items()} == {
        "Ava": "Year 4", "Ben": "Year 4", "Cal": "Year 5", "Dan": "Year 5",
        "Eve": "Year 6", "Gus": "Year 3",
    }  # fmt: skip
    assert projected["Gus"].intake
    assert not projected["Ava"].intake


def test_unmet_needs_this_year_and_next(session, school) -> None:
    now = build_plan(session, "2026/27", TODAY)
    assert _names(now.gaps.unmet) == {
        "Year 3|SEMH|no provision in Social, emotional and mental health": ("Ben Brown",),
        "Year 4|CI|no provision in Communication and interaction": ("Cal Cole",),
        "Year 6|SEMH|no provision in Social, emotional and mental health": ("Fay Ford",),
    }
    later = build_plan(session, "2027/28", TODAY)
    assert later.scope.copied_forward
    assert _names(later.gaps.unmet) == {
        "Year 3|CI|no provision in Communication and interaction": ("Gus Gray",),
        "Year 4|SEMH|no provision in Social, emotional and mental health": ("Ben Brown",),
        "Year 5|CI|no provision in Communication and interaction": ("Cal Cole",),
    }


def test_possible_overuse_overlap_and_unsuitable(session, school) -> None:
    plan = build_plan(session, "2026/27", TODAY)
    assert [(line.text, line.names) for line in plan.gaps.overuse] == [
        ("Lego therapy: no pupil in it has a need in Social, emotional and mental health",
         ("Dan Dale",)),
    ]  # fmt: skip
    assert [(line.names, line.text) for line in plan.gaps.overlap] == [
        (("Eve Evans",),
         "3 provisions in Cognition and learning: Maths catch-up, Phonics, Precision Teaching"),
    ]  # fmt: skip
    assert [(line.text, line.names) for line in plan.gaps.unsuitable] == [
        ("Phonics is for Year 3, Year 4", ("Eve Evans (Year 5)",)),
    ]
    later = build_plan(session, "2027/28", TODAY)
    assert [(line.text, line.names) for line in later.gaps.unsuitable] == [
        ("Phonics is for Year 3, Year 4", ("Cal Cole (Year 5)", "Eve Evans (Year 6)")),
    ]


def test_capacity_counts_places_against_pupils_and_needs_planned_by_hand(session, school) -> None:
    add_planned_need(session, "2027/28", school["years"][3].id, "SEMH", pupils=4, grade="must")
    plan = build_plan(session, "2027/28", TODAY)
    assert [(c.area, c.places, c.needing, c.text) for c in plan.gaps.capacity] == [
        ("CI", 0, 2, "short by 2"),  # Cal, Gus
        ("CL", 12, 3, "9 spare"),  # Ava, Cal, Eve
        ("SEMH", 1, 5, "short by 4"),  # Ben and 4 planned by hand
        ("SP", 0, 0, "just enough"),
    ]


def test_ehcp_section_f_items_not_matched(session, school) -> None:
    plan = build_plan(session, "2027/28", TODAY)
    assert [(line.names, line.text) for line in plan.gaps.ehcp_unmatched] == [
        (("Eve Evans",), "Speech and language therapy (30 min a week)"),
    ]


def test_projected_needs_by_year_group(session, school) -> None:
    add_planned_need(session, "2027/28", school["years"][3].id, "CL", pupils=4, grade="should")
    plan = build_plan(session, "2027/28", TODAY)
    rows = {r.year_group: r for r in plan.needs}
    assert [r.year_group for r in plan.needs] == [
        "Year 3",
        "Year 4",
        "Year 5",
        "Year 6",
        "Whole school",
    ]
    assert (rows["Year 3"].pupils, rows["Year 3"].by_area["CI"], rows["Year 3"].planned_text) == (
        1, 1, "should 4",
    )  # fmt: skip
    assert (rows["Year 5"].pupils, rows["Year 5"].sen_support, rows["Year 5"].types_text) == (
        2, 1, "SLCN 1, SPLD 1",
    )  # fmt: skip
    whole = rows["Whole school"]
    assert (whole.pupils, whole.sen_support, whole.ehc_plans) == (6, 4, 1)
    assert dict(whole.by_area) == {"CL": 3, "SEMH": 1, "CI": 2}


def test_deployment_by_day_against_contracted_hours(session, school) -> None:
    plan = build_plan(session, "2027/28", TODAY)
    people = {d.name: d for d in plan.deployment}
    jones, khan = people["Ms Jones"], people["Mr Khan"]
    assert (jones.by_day, jones.planned, jones.status) == ([20, 0, 10, 0, 10], 40, "over by 10 min")
    assert (khan.by_day, khan.planned, khan.status) == ([0, 60, 0, 0, 0], 60, "under by 1 h")


def test_clashes_for_staff_and_pupils(session, school) -> None:
    plan = build_plan(session, "2026/27", TODAY)
    # Eve is in both of Ms Jones's groups: with her, so one clash, Ms Jones's.
    assert [c.text for c in plan.clashes] == [
        "Mr Khan: Maths catch-up and Lego therapy, Tuesday 10:15-10:30",
        "Ms Jones: Phonics and Precision Teaching, Monday 09:05-09:10",
    ]


def test_groups_led_by_someone_not_trained(session, school) -> None:
    plan = build_plan(session, "2027/28", TODAY)
    assert [(t.staff_name, t.training, t.groups) for t in plan.training] == [
        ("Ms Jones", "Precision Teaching", ("Precision Teaching",)),
    ]


def test_cost_against_budget_of_copied_forward_groups(session, school) -> None:
    plan = build_plan(session, "2027/28", TODAY)
    assert plan.cost.budget_year == "2026/27"  # no budget set for 2027/28 yet
    (row,) = plan.cost.rows
    assert (row.name, row.budget, row.planned) == (
        "Notional SEN", Decimal("1000.00"), Decimal("1140.00"),
    )  # fmt: skip
    assert row.overspent


def test_projected_needs_by_class_where_a_year_group_has_two(session, school) -> None:
    year3 = school["years"][3]
    kestrels = rows.add_class(session, "Kestrels", year3)
    owls = rows.add_class(session, "Owls", year3)
    pupils.update(session, school["pupils"]["ava"].id, "class_id", kestrels.id)
    pupils.update(session, school["pupils"]["ben"].id, "class_id", owls.id)
    add_planned_need(session, "2026/27", year3.id, "CL", pupils=2, grade="could", class_id=owls.id)
    plan = build_plan(session, "2026/27", TODAY)
    table = [(r.year_group, r.pupils, dict(r.by_area), r.planned_text) for r in plan.needs][:3]
    assert table == [
        ("Year 3", 2, {"CL": 1, "SEMH": 1}, "could 2"),
        ("  Kestrels", 1, {"CL": 1}, ""),
        ("  Owls", 1, {"SEMH": 1}, "could 2"),
    ]
