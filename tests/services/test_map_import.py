"""Importing a school's own provision map: the exemplar as a workbook and a Word table,
a long list as CSV, and the rules underneath (headings, frequencies, names)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    YearGroup,
)
from provmap_desktop.rules.upn import is_valid_upn
from provmap_desktop.services.map_import import MapFileError, apply_plan, preview_map
from provmap_desktop.services.map_import.grid import Grid
from provmap_desktop.services.map_import.layout import read_layout
from provmap_desktop.services.map_import.names import split_cell
from provmap_desktop.services.map_import.plan import _people, school_of
from provmap_desktop.services.map_import.words import Frequency, frequency, year_heading
from provmap_desktop.services.pupils import TO_COMPLETE

from ..schools.exemplar import (
    CATALOGUE,
    EXPECTED,
    EXPECTED_ALLOCATIONS,
    exemplar_school,
    full_name,
    write_docx,
    write_xlsx,
)

DATA = Path(__file__).resolve().parents[1] / "data"
AUTUMN = (dt.date(2026, 9, 7), dt.date(2026, 12, 18))
TODAY = dt.date(2026, 9, 20)


@pytest.fixture
def school(session: Session) -> Session:
    exemplar_school(session)
    return session


def year_2026(session: Session) -> AcademicYear:
    year = session.scalar(select(AcademicYear).where(AcademicYear.label == "2026/27"))
    assert year is not None
    return year


def allocations(
    session: Session, ends: dict[str, dt.date] | None = None
) -> dict[str, dict[str, tuple[str, list[str]]]]:
    """provision -> year group -> (group name, pupils' full names) read from the database.

    Every imported group starts with the term; it ends with it, or on the day ``ends``
    gives for a provision whose row stated its weeks.
    """
    found: dict[str, dict[str, tuple[str, list[str]]]] = {}
    groups = session.scalars(select(ProvisionGroup).order_by(ProvisionGroup.id))
    for group in groups:
        members = session.scalars(
            select(GroupMembership).where(GroupMembership.group_id == group.id)
        ).all()
        assert {m.join_date for m in members} <= {AUTUMN[0]}
        end = (ends or {}).get(group.provision.name, AUTUMN[1])
        assert (group.start_date, group.end_date) == (AUTUMN[0], end)
        names = sorted(f"{m.pupil.forename} {m.pupil.surname}" for m in members)
        assert group.year_group is not None
        found.setdefault(group.provision.name, {})[group.year_group.name] = (group.name, names)
    return found


def expected_in_full() -> dict[str, dict[str, tuple[str, list[str]]]]:
    return {
        provision: {
            year: (label, sorted(full_name(year, n) for n in names))
            for year, (label, names) in years.items()
        }
        for provision, years in EXPECTED.items()
    }


def check_exemplar(session: Session, path: Path) -> None:
    plan = preview_map(session, path, year_2026(session), "Autumn")
    # Nothing is written by the preview.
    assert session.scalar(select(GroupMembership.id)) is None
    assert len(plan.provisions) == 17
    assert sorted(p.name for p in plan.provisions if not p.is_new) == sorted(CATALOGUE)
    assert plan.allocation_count == EXPECTED_ALLOCATIONS
    assert [(p.name, p.year_group, p.candidates) for p in plan.unmatched] == [
        ("Wiliam", "Year 4", ["William Paris (Year 4)"])
    ]
    assert [(p.name, p.year_group, p.candidates) for p in plan.ambiguous] == [
        ("Mohammed", "Year 5", ["Mohammed Patel (Year 5)", "Mohammed Rahman (Year 5)"])
    ]
    assert plan.unread == []

    counts = apply_plan(session, plan, create_unmatched=False, today=TODAY)
    session.commit()
    # 17 provisions less the 2 in the catalogue; 42 groups, one per year group in
    # EXPECTED: 1+1+1+3+4+1+3+4+1+3+7+1+1+2+2+3+4.
    assert counts == (15, 42, EXPECTED_ALLOCATIONS, 0)

    found = allocations(session)
    wanted = expected_in_full()
    for provision, years in found.items():
        for year, (name, names) in years.items():
            label, expected_names = wanted[provision][year]
            assert names == expected_names, (provision, year)
            if label:
                assert name == label
    assert {p: set(y) for p, y in found.items()} == {p: set(y) for p, y in wanted.items()}

    # New catalogue entries carry what the row and its section heading say.
    booster = session.scalar(select(Provision).where(Provision.name == "Booster literacy"))
    assert booster is not None
    assert (booster.area, booster.wave, booster.sessions_per_week, booster.session_minutes) == (
        "CL",
        2,
        5,
        20,
    )
    counselling = session.scalar(
        select(Provision).where(Provision.name == "One-to-one counselling")
    )
    assert counselling is not None
    assert (counselling.area, counselling.wave, counselling.group_size) == ("SEMH", 3, 1)
    assert (counselling.sessions_per_week, counselling.session_minutes) == (1, 60)
    coordination = session.scalar(
        select(Provision).where(Provision.name == "Coordination programme")
    )
    assert coordination is not None
    assert (coordination.area, coordination.wave) == ("SP", 3)
    # "TA" is the Teaching assistant role; "Mrs Ahmed" a member of staff.
    els_new = session.scalar(select(Provision).where(Provision.name == "In-class SEMH support"))
    assert els_new is not None
    assert els_new.delivered_by_role is not None
    assert els_new.delivered_by_role.name == "Teaching assistant"
    springboard = session.scalars(
        select(ProvisionGroup).join(Provision).where(Provision.name == "Springboard mathematics")
    ).all()
    assert {g.staff.name for g in springboard if g.staff} == {"Mrs Ahmed"}
    # An existing catalogue entry keeps its own settings; the map's frequency is the group's.
    talking = session.scalar(
        select(ProvisionGroup).join(Provision).where(Provision.name == "Talking Partners")
    )
    assert talking is not None
    assert (talking.sessions_per_week, talking.session_minutes) == (3, 15)
    assert talking.provision.group_size == 6


def test_the_exemplar_workbook_imports_every_allocation_exactly(
    school: Session, tmp_path: Path
) -> None:
    check_exemplar(school, write_xlsx(tmp_path / "map.xlsx"))


def test_the_same_map_as_a_word_table_imports_the_same(school: Session, tmp_path: Path) -> None:
    check_exemplar(school, write_docx(tmp_path / "map.docx"))


def test_importing_the_map_twice_adds_nothing_the_second_time(
    school: Session, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    first = preview_map(school, path, year_2026(school), "Autumn")
    apply_plan(school, first, create_unmatched=False, today=TODAY)
    school.commit()
    again = preview_map(school, path, year_2026(school), "Autumn")
    assert again.allocation_count == 0
    assert not again.new_provisions
    assert apply_plan(school, again, create_unmatched=False, today=TODAY) == (0, 0, 0, 0)


def test_unmatched_names_become_pupils_to_complete_when_chosen(
    school: Session, tmp_path: Path
) -> None:
    plan = preview_map(school, write_xlsx(tmp_path / "map.xlsx"), year_2026(school), "Autumn")
    counts = apply_plan(school, plan, create_unmatched=True, today=TODAY)
    school.commit()
    assert counts[2:] == (EXPECTED_ALLOCATIONS + 1, 1)
    (added,) = school.scalars(select(Pupil).where(Pupil.forename == "Wiliam")).all()
    assert added.year_group is not None
    assert added.year_group.name == "Year 4"
    assert added.surname == ""
    # A temporary UPN: the school's LA and establishment, a 2-digit serial and a letter.
    assert is_valid_upn(added.upn)
    assert added.upn[-1].isalpha()
    assert added.upn[1:10] == "801200026"
    assert added.sen_notes.startswith(TO_COMPLETE)
    assert "row 25, column H" in added.sen_notes
    lunch = school.scalar(
        select(ProvisionGroup)
        .join(Provision)
        .join(YearGroup)
        .where(Provision.name == "Lunchtime social skills club", YearGroup.name == "Year 4")
    )
    assert lunch is not None
    assert added.id in {m.pupil_id for m in lunch.memberships}


def test_the_long_list_csv_imports_with_its_optional_columns(school: Session) -> None:
    plan = preview_map(school, DATA / "map_long_list.csv", year_2026(school), "Autumn")
    assert [(p.name, p.is_new) for p in plan.provisions] == [
        ("Reading Recovery", True),
        ("Lego therapy", True),
        ("Talking Partners", False),
    ]
    assert [(p.name, str(p.place), p.candidates) for p in plan.ambiguous] == [
        (
            "Mohammed",
            "map_long_list.csv, row 7, column A",
            ["Mohammed Patel (Year 5)", "Mohammed Rahman (Year 5)"],
        )
    ]
    assert [(p.name, p.year_group, str(p.place)) for p in plan.unmatched] == [
        ("Tommy", "Year 4", "map_long_list.csv, row 8, column A")
    ]
    assert [(str(u.place), u.text) for u in plan.unread] == [
        ("map_long_list.csv, row 4, column G", "fortnightly"),
        ("map_long_list.csv, row 12, column B", "Year 9"),
        ("map_long_list.csv, row 13, column C", "Freya Lamb"),
    ]
    apply_plan(school, plan, create_unmatched=False, today=TODAY)
    school.commit()
    # Rows that state weeks run that many teaching weeks from Monday 07/09/2026: Autumn
    # has 7 weeks before half term (26-30/10) and 7 after, to Friday 18/12. Reading
    # Recovery's 20 weeks take 6 of Spring (from 04/01, half term 15/02): Friday 12/02/2027.
    # Lego therapy's 10 weeks are 7, then 02/11, 09/11, 16/11: Friday 20/11/2026.
    ends = {"Reading Recovery": dt.date(2027, 2, 12), "Lego therapy": dt.date(2026, 11, 20)}
    assert allocations(school, ends) == {
        "Reading Recovery": {
            "Year 1": ("Year 1 group 1", ["Hannah Cole", "Isla Ward", "Paul Baker"])
        },
        "Lego therapy": {"Year 5": ("Lego Tuesday", ["Mohammed Patel", "Mohammed Rahman"])},
        "Talking Partners": {
            "Reception": ("Reception group 1", ["Jamila Osei"]),
            "Year 2": ("Year 2 group 1", ["Sedef Yilmaz"]),
            "Year 3": ("Year 3 group 1", ["Jamila Begum"]),
        },
    }
    recovery = school.scalar(select(Provision).where(Provision.name == "Reading Recovery"))
    assert recovery is not None
    # Cognition and learning, wave 3, daily 30 min, 20 weeks, £1,250.00, 3 in the group.
    assert (recovery.area, recovery.wave, recovery.sessions_per_week) == ("CL", 3, 5)
    assert (recovery.session_minutes, recovery.weeks) == (30, 20)
    assert recovery.resources_cost == Decimal("1250.00")
    assert recovery.group_size == 3
    lego = school.scalar(select(Provision).where(Provision.name == "Lego therapy"))
    assert lego is not None
    assert (lego.area, lego.wave, lego.sessions_per_week, lego.session_minutes) == ("CI", 2, 1, 45)
    assert (lego.weeks, lego.resources_cost) == (10, Decimal("120.00"))
    assert lego.delivered_by_role is not None
    assert lego.delivered_by_role.name == "Teaching assistant"
    (recovery_group,) = recovery.groups
    assert recovery_group.staff is not None
    assert recovery_group.staff.name == "Mrs Ahmed"


# -- the rules underneath ---------------------------------------------------------------


def test_year_group_headings_in_the_forms_schools_write(school: Session) -> None:
    years = {yg.sort_order: yg.id for yg in school.scalars(select(YearGroup))}
    reception, year1 = years[0], years[1]
    for text in ("Rec", "Reception", "YR", "R"):
        assert year_heading(text, years) == reception, text
    for text in ("Y1", "Year 1", "Yr 1", "year1", "NC Year 1"):
        assert year_heading(text, years) == year1, text
    assert year_heading("Year 9", years) is None
    assert year_heading("Provision", years) is None


def test_frequencies_in_the_forms_schools_write() -> None:
    assert frequency("3 x 10 min") == Frequency(3, 10)
    assert frequency("3x weekly 10 mins") == Frequency(3, 10)
    assert frequency("daily 20 min") == Frequency(5, 20)
    assert frequency("weekly 1 hour") == Frequency(1, 60)
    assert frequency("2 sessions of 45 minutes") == Frequency(2, 45)
    assert frequency("twice a week, 30 mins") == Frequency(2, 30)
    assert frequency("fortnightly") is None
    assert frequency("20 min") is None


def test_a_cell_splits_into_its_group_label_and_names() -> None:
    cell = split_cell("Springboard 4: Ali Harper, Jamia Bennett")
    assert (cell.label, cell.names) == ("Springboard 4", ["Ali Harper", "Jamia Bennett"])
    cell = split_cell("Sam, Daniel,\nAston; Sian\n\nJoanna?")
    assert (cell.label, cell.names) == ("", ["Sam", "Daniel", "Aston", "Sian", "Joanna"])
    cell = split_cell("Year 3 – 3 children. Billy, Peter")
    assert cell.names == ["Peter"]
    assert cell.unreadable == ["Year 3 – 3 children. Billy"]


def test_names_are_matched_full_name_first_then_initials_then_forename_alone(
    school: Session,
) -> None:
    year5 = school.scalar(select(YearGroup).where(YearGroup.name == "Year 5"))
    assert year5 is not None
    index = _people(school)
    rahman = school.scalar(
        select(Pupil).where(Pupil.surname == "Rahman", Pupil.forename == "Mohammed")
    )
    patel = school.scalar(
        select(Pupil).where(Pupil.surname == "Patel", Pupil.forename == "Mohammed")
    )
    assert rahman is not None
    assert patel is not None
    assert index.match("mohammed rahman", year5.id).pupil_id == rahman.id
    assert index.match("Mohammed R.", year5.id).pupil_id == rahman.id
    assert index.match("M. Patel", year5.id).pupil_id == patel.id
    assert index.match("Mohammed", year5.id).is_ambiguous
    # Accents and case are ignored.
    emma = index.match("ÉMMA", year5.id)
    assert emma.pupil_id is not None
    assert emma.candidates[0].label == "Emma Watts (Year 5)"
    # Only the year group's pupils are considered: Kalam is in Reception and Year 4.
    assert index.match("Kalam", year5.id).pupil_id is None
    assert index.match("Nobody", year5.id).pupil_id is None


def test_the_flipped_layout_reads_year_groups_down_the_side(school: Session) -> None:
    grid = Grid(
        "Sheet1",
        [
            ["Our provision map"],
            [],
            ["Year group", "Talking partners", "Lego club"],
            ["Year 1", "Hannah, Paul", ""],
            ["Year 5", "", "Chris; Katie"],
        ],
    )
    reading = read_layout([grid], school_of(school))
    assert reading.layouts == ["Sheet1: year groups down the side, provisions across"]
    assert [(a.provision.name, str(a.place), a.names) for a in reading.assignments] == [
        ("Talking partners", "Sheet1, row 4, column B", ["Hannah", "Paul"]),
        ("Lego club", "Sheet1, row 5, column C", ["Chris", "Katie"]),
    ]


def test_a_file_with_no_map_is_refused_in_plain_words(school: Session, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Some notes\nabout nothing\n", encoding="utf-8")
    with pytest.raises(MapFileError, match="no provision map was found"):
        preview_map(school, path, year_2026(school), None)
    with pytest.raises(MapFileError, match=r"\.xlsx, \.csv or \.docx"):
        preview_map(school, tmp_path / "map.pdf", year_2026(school), None)


def test_a_failure_half_way_writes_nothing_at_all(
    school: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from provmap_desktop.services.map_import import apply as applying
    from provmap_desktop.services.map_import import import_map

    plan = preview_map(school, write_xlsx(tmp_path / "map.xlsx"), year_2026(school), "Autumn")
    school.rollback()
    real = applying.allocate
    calls = []

    def fail_on_the_tenth(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 10:
            raise ValueError("the disk went away")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(applying, "allocate", fail_on_the_tenth)
    provisions = len(school.scalars(select(Provision)).all())
    pupils = len(school.scalars(select(Pupil)).all())
    with pytest.raises(ValueError, match="the disk went away"):
        import_map(school, None, plan, create_unmatched=True, today=TODAY)
    assert school.scalar(select(GroupMembership.id)) is None
    assert school.scalar(select(ProvisionGroup.id)) is None
    assert len(school.scalars(select(Provision)).all()) == provisions
    assert len(school.scalars(select(Pupil)).all()) == pupils


def test_classes_as_columns_and_forename_surname_columns(school: Session, tmp_path: Path) -> None:
    year4 = school.scalar(select(YearGroup).where(YearGroup.name == "Year 4"))
    year5 = school.scalar(select(YearGroup).where(YearGroup.name == "Year 5"))
    school.add_all(
        [SchoolClass(name="Oak", year_group=year4), SchoolClass(name="Ash", year_group=year5)]
    )
    school.commit()
    by_class = tmp_path / "classes.csv"
    by_class.write_text('Intervention,Oak,Ash\nLego club,"Jordan, Mary",Chris\n', encoding="utf-8")
    plan = preview_map(school, by_class, year_2026(school), None)
    apply_plan(school, plan, create_unmatched=False, today=TODAY)
    school.commit()
    groups = school.scalars(select(ProvisionGroup).order_by(ProvisionGroup.id)).all()
    found = [
        (
            g.school_class.name if g.school_class else None,
            g.year_group.name if g.year_group else None,
            sorted(m.pupil.surname for m in g.memberships),
        )
        for g in groups
    ]
    assert found == [("Oak", "Year 4", ["Blake", "O'Brien"]), ("Ash", "Year 5", ["Parker"])]
    # A list with forename and surname columns and no year column: each pupil's own year.
    listed = tmp_path / "list.csv"
    listed.write_text(
        "Forename,Surname,Provision\nKatie,Bond,Nurture group\nJenny,Walsh,Nurture group\n",
        encoding="utf-8",
    )
    plan = preview_map(school, listed, year_2026(school), None)
    assert [(g.year_group, g.pupil_names) for g in plan.groups] == [
        ("Year 5", ["Katie Bond (Year 5)"]),
        ("Reception", ["Jenny Walsh (Reception)"]),
    ]
