"""Setting up a new school: term dates, year labels, and what create_school makes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    FundingStream,
    Provision,
    SchoolSettings,
    StaffRole,
    YearGroup,
)
from provmap_desktop.services.calendar import SchoolCalendar
from provmap_desktop.services.school_setup import (
    academic_year_label,
    academic_year_start_for,
    create_school,
    default_term_dates,
    ensure_academic_year,
    nc_year,
)

D = dt.date


def _calendar(start_year: int) -> SchoolCalendar:
    return SchoolCalendar([row[1:] for row in default_term_dates(start_year)])  # type: ignore[misc]


def test_academic_year_label_and_start() -> None:
    assert academic_year_label(2026) == "2026/27"
    assert academic_year_label(2099) == "2099/00"
    assert academic_year_start_for(D(2026, 9, 1)) == 2026
    assert academic_year_start_for(D(2027, 8, 31)) == 2026
    assert academic_year_start_for(D(2027, 1, 15)) == 2026


@pytest.mark.parametrize("start_year", range(2020, 2040))
def test_default_terms_are_ordered_with_half_terms_inside(start_year: int) -> None:
    rows = default_term_dates(start_year)
    assert [r[0] for r in rows] == ["Autumn", "Spring", "Summer"]
    for _name, start, end, half_start, half_end in rows:
        assert start.weekday() < 5
        assert end.weekday() < 5
        assert start < half_start <= half_end < end
        assert half_start.weekday() == 0
        assert half_end.weekday() == 4
    assert rows[0][2] < rows[1][1]
    assert rows[1][2] < rows[2][1]
    assert D(start_year, 9, 1) <= rows[0][1] <= D(start_year, 9, 7)
    assert rows[1][1].month == 1
    assert rows[2][1].month == 4
    assert rows[2][2].month == 7


@pytest.mark.parametrize("start_year", range(2020, 2040))
def test_default_terms_give_38_to_39_teaching_weeks(start_year: int) -> None:
    days = _calendar(start_year).total_days
    assert 38 * 5 <= days <= 39 * 5 + 1


def test_2026_terms_match_the_usual_english_pattern() -> None:
    autumn, spring, summer = default_term_dates(2026)
    assert autumn[1:] == (D(2026, 9, 3), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30))
    assert spring[1:] == (D(2027, 1, 4), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19))
    assert summer[1:3] == (D(2027, 4, 12), D(2027, 7, 21))
    assert summer[3] == D(2027, 5, 31)  # the late-May bank holiday week


def test_the_schools_own_autumn_start_opens_the_year() -> None:
    # Thursday 10/09/2026; everything after it keeps the usual 2026/27 pattern above.
    autumn, spring, summer = default_term_dates(2026, D(2026, 9, 10))
    assert autumn[1:] == (D(2026, 9, 10), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30))
    assert spring[1:3] == (D(2027, 1, 4), D(2027, 3, 26))
    assert summer[1:3] == (D(2027, 4, 12), D(2027, 7, 21))


@pytest.mark.parametrize(
    ("start_year", "day", "reason"),
    [
        (2026, D(2026, 8, 27), "not in September"),
        (2026, D(2026, 10, 1), "not in September"),
        (2026, D(2026, 9, 12), "Saturday"),
        (2026, D(2025, 9, 3), "not in the autumn of 2026/27"),
    ],
)
def test_an_autumn_start_that_cannot_open_the_year_is_refused(
    start_year: int, day: dt.date, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        default_term_dates(start_year, day)


def test_nc_year() -> None:
    assert [nc_year(n) for n in ("Nursery", "Reception", "Year 1", "year 13")] == [-1, 0, 1, 13]
    with pytest.raises(ValueError, match=r"'Year 14' is not a year group"):
        nc_year("Year 14")
    with pytest.raises(ValueError, match=r"'Sixth form' is not a year group"):
        nc_year("Sixth form")


def _make(session: Session, **overrides: object) -> SchoolSettings:
    values: dict[str, object] = {
        "name": "Hillside Primary",
        "phase": "primary",
        "year_group_names": ["Year 2", "Reception", "Year 1", "Nursery"],
        "start_year": 2026,
        "la_number": "801",
        "urn": "123456",
    }
    values.update(overrides)
    return create_school(session, **values)  # type: ignore[arg-type]


def test_create_school_makes_settings_year_terms_and_year_groups(session: Session) -> None:
    settings = _make(session)
    session.commit()
    assert (settings.name, settings.phase, settings.la_number, settings.urn) == (
        "Hillside Primary",
        "primary",
        "801",
        "123456",
    )
    year = session.scalars(select(AcademicYear)).one()
    assert (year.label, year.start_date, year.end_date) == (
        "2026/27",
        D(2026, 9, 1),
        D(2027, 8, 31),
    )
    assert [t.name for t in year.terms] == ["Autumn", "Spring", "Summer"]
    groups = session.scalars(select(YearGroup).order_by(YearGroup.sort_order)).all()
    assert [(g.name, g.sort_order) for g in groups] == [
        ("Nursery", -1),
        ("Reception", 0),
        ("Year 1", 1),
        ("Year 2", 2),
    ]


def test_create_school_makes_roles_streams_and_catalogue(session: Session) -> None:
    _make(session)
    roles = {r.name: r for r in session.scalars(select(StaffRole))}
    assert roles["Teaching assistant"].hourly_cost == Decimal("18.00")
    assert roles["HLTA"].hourly_cost == Decimal("21.00")
    assert roles["Teacher"].hourly_cost == Decimal("45.00")
    assert roles["SENCO"].hourly_cost == Decimal("50.00")
    external = {name for name, role in roles.items() if role.external}
    assert {"Speech and language therapist", "Educational psychologist"} <= external
    assert "Occupational therapist" in external
    assert "Teacher" not in external
    streams = set(session.scalars(select(FundingStream.name)))
    assert streams == {"Notional SEN budget", "Pupil premium", "High-needs top-up", "Other"}
    assert session.scalar(select(func.count(Provision.id))) >= 25


def test_create_school_uses_given_terms_and_phase_defaults(session: Session) -> None:
    terms = [
        ("Autumn", D(2026, 9, 7), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
        ("Spring", D(2027, 1, 4), D(2027, 3, 26), None, None),
        ("Summer", D(2027, 4, 12), D(2027, 7, 16), D(2027, 5, 31), D(2027, 6, 4)),
    ]
    _make(session, phase="Secondary", year_group_names=[], term_dates=terms)
    year = session.scalars(select(AcademicYear)).one()
    assert [(t.start_date, t.half_term_start) for t in year.terms] == [
        (D(2026, 9, 7), D(2026, 10, 26)),
        (D(2027, 1, 4), None),
        (D(2027, 4, 12), D(2027, 5, 31)),
    ]
    names = session.scalars(select(YearGroup.name).order_by(YearGroup.sort_order)).all()
    assert names == ["Year 7", "Year 8", "Year 9", "Year 10", "Year 11"]
    # A secondary school is not given provisions only suitable for younger pupils.
    assert session.scalar(select(Provision).where(Provision.name == "Phonics catch-up")) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"phase": "nursery"}, "not a school phase"),
        ({"year_group_names": ["Year 15"]}, "not a year group"),
        (
            {"term_dates": [("Autumn", D(2026, 9, 7), D(2026, 9, 1), None, None)]},
            "ends before it starts",
        ),
        (
            {
                "term_dates": [
                    ("Autumn", D(2026, 9, 7), D(2026, 12, 18), None, None),
                    ("Spring", D(2026, 12, 1), D(2027, 3, 26), None, None),
                ]
            },
            "overlaps",
        ),
        (
            {
                "term_dates": [
                    ("Autumn", D(2026, 9, 7), D(2026, 12, 18), D(2027, 1, 4), D(2027, 1, 8))
                ]
            },
            "inside the term",
        ),
        ({"term_dates": [("Autumn", D(2026, 8, 20), D(2026, 12, 18), None, None)]}, "outside"),
    ],
)
def test_create_school_refuses_bad_input(
    session: Session, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _make(session, **overrides)


def test_create_school_refuses_a_second_school(session: Session) -> None:
    _make(session)
    session.commit()
    with pytest.raises(ValueError, match="already holds a school"):
        _make(session, name="Another")


def test_ensure_academic_year_adds_once(session: Session) -> None:
    _make(session)
    later = ensure_academic_year(session, 2027)
    assert later.label == "2027/28"
    assert [t.start_date for t in later.terms] == [r[1] for r in default_term_dates(2027)]
    assert ensure_academic_year(session, 2027) is later
    assert ensure_academic_year(session, 2026).label == "2026/27"
    assert session.scalar(select(func.count(AcademicYear.id))) == 2


def test_each_phase_has_the_year_groups_the_wizard_offers() -> None:
    from provmap_desktop.services.school_setup import PHASE_YEAR_GROUPS, default_year_groups

    assert default_year_groups("primary") == ["Reception", *(f"Year {n}" for n in range(1, 7))]
    assert default_year_groups("secondary") == [f"Year {n}" for n in range(7, 12)]
    assert default_year_groups("all-through") == [
        "Reception",
        *(f"Year {n}" for n in range(1, 14)),
    ]
    assert PHASE_YEAR_GROUPS["secondary with sixth form"] == [f"Year {n}" for n in range(7, 14)]


def test_create_school_without_the_catalogue(session: Session) -> None:
    create_school(
        session,
        name="Bare Primary",
        phase="primary",
        year_group_names=[],
        start_year=2026,
        with_catalogue=False,
    )
    assert session.scalar(select(func.count()).select_from(Provision)) == 0
    assert session.scalar(select(func.count()).select_from(StaffRole)) == 9
