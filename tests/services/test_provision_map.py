"""The map snapshot: rows, cells, totals, filters and the flipped layout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.services.flipped_map import flipped_map
from provmap_desktop.services.map_building import build_map
from provmap_desktop.services.provision_map import GroupInfo, MapFilters, slot_text

from ..schools.map_school import MapSchool, add_group, join, map_school


@pytest.fixture
def school(session: Session) -> MapSchool:
    return map_school(session)


def names(groups) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[m.display_name for m in g.members] for g in groups]


def test_rows_are_ordered_by_area_then_wave_then_name(session, school):
    snapshot = build_map(session, school.year.id, "Autumn")
    assert [r.name for r in snapshot.rows] == [
        "Talk Boost",
        "Lego therapy",
        "Old reading scheme",
        "Precision Teaching",
    ]
    sections = snapshot.sections()
    assert [(area, [w for w, _ in waves]) for area, waves in sections] == [
        ("CI", [2, 3]),
        ("CL", [2]),
    ]


def test_retired_provision_shows_only_while_it_has_groups_in_the_period(session, school):
    autumn = build_map(session, school.year.id, "Autumn")
    spring = build_map(session, school.year.id, "Spring")
    assert autumn.row(school.provisions["old"].id) is not None
    assert spring.row(school.provisions["old"].id) is None
    assert autumn.row(school.provisions["gone"].id) is None


def test_columns_are_the_year_groups_in_order(session, school):
    snapshot = build_map(session, school.year.id, "Autumn")
    assert [c.name for c in snapshot.columns] == ["Reception", "Year 1", "Year 2", "Year 3"]


def test_cell_holds_the_groups_members_staff_and_slot(session, school):
    snapshot = build_map(session, school.year.id, "Autumn")
    cell = snapshot.cell(school.provisions["pt"].id, school.year_groups["Year 3"].id)
    assert len(cell) == 1
    group = cell[0]
    assert group.id == school.groups["pt_y3"].id
    assert group.name == "Year 3 group 1"
    assert group.staff_name == "Mrs Ahmed"
    assert group.slot_text == "Tue, Thu 09:10"
    # Dan left on 30/09, inside the term, so he still shows; the archived pupil does not.
    assert names(cell) == [["Ava Adams", "Ben Baker", "Cal Clark", "Dan Dean"]]
    dan = group.members[-1]
    assert dan.leave_date == dt.date(2026, 9, 30)
    assert dan.join_date == dt.date(2026, 9, 7)
    assert snapshot.cell(school.provisions["pt"].id, school.year_groups["Year 1"].id) == []


def test_term_chooses_the_groups_and_members_of_that_term(session, school):
    spring = build_map(session, school.year.id, "Spring")
    pt = school.provisions["pt"].id
    assert names(spring.cell(pt, school.year_groups["Year 1"].id)) == [["Fay Ford"]]
    assert names(spring.cell(pt, school.year_groups["Year 3"].id)) == [["Eve Evans"]]
    assert spring.cell(pt, school.year_groups["Year 1"].id)[0].slot_text == ("Mon 13:15, Wed 14:00")


def test_whole_year_holds_every_group_of_the_year_and_no_other_year(session, school):
    snapshot = build_map(session, school.year.id, None)
    cell = snapshot.cell(school.provisions["pt"].id, school.year_groups["Year 3"].id)
    assert [g.name for g in cell] == ["Year 3 group 1", "Year 3 spring"]
    assert "Hal Hill" not in {p.display_name for p in snapshot.pupils.values()}
    assert snapshot.period_start == dt.date(2026, 9, 1)
    assert snapshot.period_text == "2026/27"


def test_row_header_facts_and_a_cost_slot_for_the_caller(session, school):
    row = build_map(session, school.year.id, "Autumn").row(school.provisions["pt"].id)
    assert row is not None
    assert row.frequency_text == "3×10 min"
    assert row.wave == 2
    assert row.area_label == "Cognition and learning"
    assert row.cost_per_pupil is None
    row.cost_per_pupil = Decimal("27.00")
    assert row.cost_per_pupil == Decimal("27.00")
    assert row.suitable_year_group_ids == {
        school.year_groups[n].id for n in ("Year 1", "Year 2", "Year 3")
    }


def test_totals_count_distinct_pupils_and_adult_hours(session, school):
    snapshot = build_map(session, school.year.id, "Autumn")
    y3 = school.year_groups["Year 3"].id
    # Ava and Cal are in both Year 3 groups: 4 distinct pupils.
    # Hours: Precision Teaching 3×10 = 30 min, Talk Boost 2×30 = 60 min.
    year3 = snapshot.column_totals(y3)
    assert year3.pupils == 4
    assert year3.adult_minutes_per_week == 90
    assert year3.adult_hours_per_week == Decimal("1.5")
    pt_row = snapshot.row(school.provisions["pt"].id)
    assert pt_row is not None
    assert (pt_row.totals.pupils, pt_row.totals.adult_minutes_per_week) == (4, 30)
    assert snapshot.column_totals(school.year_groups["Reception"].id).pupils == 0
    grand = snapshot.grand_totals
    assert grand.pupils == 5  # Ava, Ben, Cal, Dan, Gus
    assert grand.adult_minutes_per_week == 30 + 60 + 20


def test_group_overrides_change_the_adult_hours(session, school):
    school.groups["talk_y3"].sessions_per_week = 5
    session.flush()
    snapshot = build_map(session, school.year.id, "Autumn")
    row = snapshot.row(school.provisions["talk"].id)
    assert row is not None
    assert row.totals.adult_minutes_per_week == 150


def test_filters_by_area_and_wave_choose_rows(session, school):
    by_area = build_map(session, school.year.id, "Autumn", filters=MapFilters(areas=["CI"]))
    assert [r.name for r in by_area.rows] == ["Talk Boost", "Lego therapy"]
    by_wave = build_map(session, school.year.id, "Autumn", filters=MapFilters(waves=[3]))
    assert [r.name for r in by_wave.rows] == ["Lego therapy"]
    assert by_wave.grand_totals.pupils == 0


def test_filter_by_sen_status_keeps_only_those_members(session, school):
    snapshot = build_map(session, school.year.id, "Autumn", filters=MapFilters(sen_statuses=["E"]))
    cell = snapshot.cell(school.provisions["pt"].id, school.year_groups["Year 3"].id)
    assert names(cell) == [["Ben Baker"]]
    # Talk Boost has no EHCP pupil, so its group is hidden.
    assert snapshot.cell(school.provisions["talk"].id, school.year_groups["Year 3"].id) == []
    assert snapshot.grand_totals.pupils == 1


def test_filter_by_class_and_by_staff(session, school):
    oak = build_map(
        session, school.year.id, "Spring", filters=MapFilters(class_ids=[school.classes["Oak"].id])
    )
    assert {p.display_name for p in oak.pupils.values()} == {"Fay Ford"}
    brown = build_map(
        session,
        school.year.id,
        "Autumn",
        filters=MapFilters(staff_ids=[school.staff["Mr Brown"].id]),
    )
    assert [g.name for g in brown.groups.values()] == ["Talkers"]


def test_archived_pupils_show_only_when_asked(session, school):
    snapshot = build_map(
        session, school.year.id, "Autumn", filters=MapFilters(include_archived=True)
    )
    cell = snapshot.cell(school.provisions["pt"].id, school.year_groups["Year 3"].id)
    assert "Zed Young" in names(cell)[0]


def test_a_class_only_group_goes_under_its_classes_year_group(session, school):
    group = add_group(
        session,
        school.provisions["lego"],
        school.year,
        None,
        (dt.date(2026, 9, 7), dt.date(2026, 10, 9)),
    )
    group.class_id = school.classes["Oak"].id
    join(session, group, school.pupils["fay"])
    loose = add_group(
        session,
        school.provisions["lego"],
        school.year,
        None,
        (dt.date(2026, 9, 7), dt.date(2026, 10, 9)),
    )
    join(session, loose, school.pupils["gus"])
    snapshot = build_map(session, school.year.id, "Autumn")
    lego = school.provisions["lego"].id
    assert names(snapshot.cell(lego, school.year_groups["Year 1"].id)) == [["Fay Ford"]]
    assert snapshot.columns[-1].name == "No year group"
    assert names(snapshot.cell(lego, None)) == [["Gus Green"]]


def test_unknown_term_is_refused(session, school):
    with pytest.raises(ValueError, match="no Winter term"):
        build_map(session, school.year.id, "Winter")


def test_slot_text_forms():
    t = dt.time(9, 10)
    assert slot_text([(3, t), (1, t)]) == "Tue, Thu 09:10"
    assert slot_text([(0, None), (4, None)]) == "Mon, Fri"
    assert slot_text([]) == ""


def test_flipped_map_has_pupils_as_columns_and_allocations_in_cells(session, school):
    flipped = flipped_map(session, school.year.id, "Autumn")
    assert [p.display_name for p in flipped.pupils] == [
        "Gus Green",  # Year 2 first
        "Ava Adams",
        "Ben Baker",
        "Cal Clark",
        "Dan Dean",
    ]
    assert [r.name for r in flipped.rows] == [
        "Talk Boost",
        "Old reading scheme",
        "Precision Teaching",
    ]
    ava = school.pupils["ava"].id
    cell = flipped.cell(school.provisions["pt"].id, ava)
    assert cell is not None
    assert [(g.name, m.pupil_id) for g, m in cell.allocations] == [("Year 3 group 1", ava)]
    assert cell.delivery_rate is None
    assert flipped.cell(school.provisions["pt"].id, school.pupils["gus"].id) is None


def test_flipped_map_from_a_snapshot_lists_two_allocations_in_one_cell(session, school):
    join(session, school.groups["pt_y3_spring"], school.pupils["ava"])
    flipped = flipped_map(build_map(session, school.year.id, None))
    cell = flipped.cell(school.provisions["pt"].id, school.pupils["ava"].id)
    assert cell is not None
    assert [g.name for g, _ in cell.allocations] == ["Year 3 group 1", "Year 3 spring"]


def test_a_pupil_who_left_early_is_ended_by_their_leave_date(session, school):
    # Precision Teaching Year 3 runs 07/09/2026-18/12/2026; Dan left on 30/09/2026.
    snapshot = build_map(session, school.year.id, "Autumn")
    group = next(g for g in snapshot.groups.values() if g.name == "Year 3 group 1")
    by_name = {m.display_name: m for m in group.members}
    dan, ava = by_name["Dan Dean"], by_name["Ava Adams"]
    end = snapshot.period_end
    assert group.end_note(dan, end, dt.date(2026, 11, 23)) == "ended 30/09/2026"
    assert group.end_note(dan, end, dt.date(2026, 9, 29)) == "until 30/09/2026"
    assert group.end_note(ava, end, dt.date(2026, 11, 23)) == ""
    assert group.has_ended(dan, end, dt.date(2026, 9, 30))  # his last day
    assert not group.has_ended(dan, end, dt.date(2026, 9, 29))
    current = group.current_members(end, dt.date(2026, 11, 23))
    assert [m.display_name for m in current] == ["Ava Adams", "Ben Baker", "Cal Clark"]
    # Seen from the whole year the group still ends on 18/12/2026, so nothing changes.
    year = build_map(session, school.year.id)
    same = year.groups[group.id]
    assert same.end_note(dan, year.period_end, dt.date(2026, 11, 23)) == "ended 30/09/2026"


def test_a_pupil_who_joined_with_the_group_did_not_join_late(session, school):
    year = build_map(session, school.year.id)
    group = next(g for g in year.groups.values() if g.name == "Year 3 group 1")
    # The group began on 07/09/2026, after the year's first day (01/09/2026).
    assert not any(group.joined_late(m, year.period_start) for m in group.members)
    hal = school.pupils["hal"]
    late = join(session, school.groups["pt_y3"], hal, dt.date(2026, 10, 5))
    session.commit()
    year = build_map(session, school.year.id)
    member = next(m for m in year.groups[group.id].members if m.membership_id == late.id)
    assert year.groups[group.id].joined_late(member, year.period_start)


@pytest.mark.parametrize(
    ("group_name", "column", "label"),
    [
        ("", "Year 4", ""),
        ("Springboard mathematics", "Year 4", ""),
        ("Springboard mathematics – Year 4", "Year 4", ""),
        ("springboard mathematics - year 4", "Year 4", ""),
        ("Springboard 4", "Year 4", "Springboard 4"),
        ("Springboard mathematics – Year 4 B", "Year 4", "Springboard mathematics – Year 4 B"),
        (
            "Springboard mathematics – Years 4-6",
            "No year group",
            "Springboard mathematics – Years 4-6",
        ),
    ],
)
def test_a_group_is_labelled_only_when_its_name_says_more(group_name, column, label):
    group = GroupInfo(
        id=1,
        provision_id=1,
        year_group_id=None,
        class_id=None,
        name=group_name,
        staff_id=None,
        staff_name="",
        slot_text="",
        start_date=dt.date(2026, 9, 7),
        end_date=dt.date(2026, 12, 18),
        sessions_per_week=1,
        session_minutes=30,
        max_size=5,
    )
    assert group.label("Springboard mathematics", column) == label


def _cells(snapshot) -> dict[int, dict[object, list[tuple[int, list[int]]]]]:  # type: ignore[no-untyped-def]
    return {
        r.provision_id: {
            k: [(g.id, [m.membership_id for m in g.members]) for g in v] for k, v in r.cells.items()
        }
        for r in snapshot.rows
    }


@pytest.mark.parametrize(
    ("areas", "waves"), [(["CI"], []), (["CL"], []), ([], [2]), (["CI"], [3]), (["SEMH"], [])]
)
def test_a_map_filtered_by_area_or_wave_is_the_whole_map_cut_down(session, school, areas, waves):
    whole = build_map(session, school.year.id, "Autumn")
    cut = build_map(session, school.year.id, "Autumn", filters=MapFilters(areas=areas, waves=waves))
    kept = {
        r.provision_id
        for r in whole.rows
        if (not areas or r.area in areas) and (not waves or r.wave in waves)
    }
    assert [r.provision_id for r in cut.rows] == [
        r.provision_id for r in whole.rows if r.provision_id in kept
    ]
    assert _cells(cut) == {p: c for p, c in _cells(whole).items() if p in kept}
    shown = {m.pupil_id for g in cut.groups.values() for m in g.members}
    assert set(cut.pupils) == shown
    assert set(cut.groups) == {g for g, info in whole.groups.items() if info.provision_id in kept}
