"""The school's settings and term dates: each write saved, undone and redone in the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from provmap_desktop.domain import DomainError, Kind
from provmap_desktop.domain.school import update_school, update_term
from provmap_desktop.models import SchoolSettings, Term
from provmap_desktop.storage import Database

from ._school_db import fresh, make_school, read


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = make_school(tmp_path / "school.provmap")
    yield database
    database.close()


def test_name_is_saved_undone_and_redone(db: Database) -> None:
    with fresh(db) as s:
        change = update_school(s, "name", "  Brook Lane Primary ")
        s.commit()
        assert change.changed.touches(Kind.SETTINGS)
        assert read(db, SchoolSettings, 1, "name") == "Brook Lane Primary"
        change.undo(s)
        s.commit()
        assert read(db, SchoolSettings, 1, "name") == "Oak Lane Primary"
        change.redo(s)
        s.commit()
    assert read(db, SchoolSettings, 1, "name") == "Brook Lane Primary"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "The school needs a name."),
        ("la_number", "12345", "The LA number is at most 3 characters."),
        ("sen_threshold", Decimal("-1"), "The SEN cost threshold cannot be negative."),
        ("sen_threshold", Decimal("6000.005"), "Money is kept to the penny"),
        ("sen_threshold", 6000.5, "must be an exact amount of money"),
        ("teaching_weeks_per_year", 53, "The number of teaching weeks must be from 1 to 52."),
        ("rag_green", 101, "The green threshold must be from 1 to 100."),
        ("rag_green", 70, "amber must not be above green"),
        ("rag_amber", 95, "amber must not be above green"),
        ("currency", "EUR", "Currency cannot be changed here."),
    ],
)
def test_refused_values_leave_the_settings_as_they_were(
    db: Database, field: str, value: object, message: str
) -> None:
    with fresh(db) as s:
        before = getattr(s.get(SchoolSettings, 1), field)
        with pytest.raises(DomainError) as refused:
            update_school(s, field, value)
        s.commit()
    assert message in str(refused.value)
    assert read(db, SchoolSettings, 1, field) == before


def test_money_is_kept_to_the_penny_as_decimal(db: Database) -> None:
    with fresh(db) as s:
        update_school(s, "sen_threshold", "6,250.5")
        s.commit()
    saved = read(db, SchoolSettings, 1, "sen_threshold")
    assert saved == Decimal("6250.50")
    assert isinstance(saved, Decimal)


def test_rag_thresholds_move_in_order(db: Database) -> None:
    with fresh(db) as s:
        update_school(s, "rag_amber", 60)
        update_school(s, "rag_green", 65)
        s.commit()
    assert read(db, SchoolSettings, 1, "rag_green") == 65
    assert read(db, SchoolSettings, 1, "rag_amber") == 60


def test_the_same_value_is_no_change(db: Database) -> None:
    with fresh(db) as s:
        assert update_school(s, "name", "Oak Lane Primary").is_noop


def _autumn(s) -> Term:  # type: ignore[no-untyped-def]
    return s.scalars(select(Term).where(Term.name == "Autumn")).one()


def test_term_end_moves_and_undoes(db: Database) -> None:
    with fresh(db) as s:
        autumn = _autumn(s)
        term_id, old_end = autumn.id, autumn.end_date
        change = update_term(s, term_id, "end_date", dt.date(2026, 12, 16))
        s.commit()
        assert read(db, Term, term_id, "end_date") == dt.date(2026, 12, 16)
        change.undo(s)
        s.commit()
    assert read(db, Term, term_id, "end_date") == old_end


@pytest.mark.parametrize(
    ("field", "day", "message"),
    [
        ("end_date", dt.date(2026, 9, 1), "The Autumn term ends before it starts."),
        ("start_date", dt.date(2026, 8, 28), "The Autumn term is outside 2026/27"),
        ("end_date", dt.date(2027, 1, 6), "The Spring term overlaps the term before it."),
        ("half_term_start", dt.date(2026, 12, 21), "The Autumn half-term must lie inside"),
    ],
)
def test_term_dates_keep_the_calendars_rules(
    db: Database, field: str, day: dt.date, message: str
) -> None:
    with fresh(db) as s:
        autumn = _autumn(s)
        term_id, before = autumn.id, getattr(autumn, field)
        with pytest.raises(DomainError) as refused:
            update_term(s, term_id, field, day)
        s.commit()
    assert message in str(refused.value)
    assert read(db, Term, term_id, field) == before


def test_a_half_term_can_be_typed_one_end_at_a_time(db: Database) -> None:
    with fresh(db) as s:
        spring = s.scalars(select(Term).where(Term.name == "Spring")).one()
        update_term(s, spring.id, "half_term_start", None)
        update_term(s, spring.id, "half_term_end", None)
        update_term(s, spring.id, "half_term_end", dt.date(2027, 2, 19))
        update_term(s, spring.id, "half_term_start", dt.date(2027, 2, 15))
        s.commit()
        spring_id = spring.id
    assert read(db, Term, spring_id, "half_term_start") == dt.date(2027, 2, 15)
    assert read(db, Term, spring_id, "half_term_end") == dt.date(2027, 2, 19)


def test_add_school_makes_the_one_settings_row_and_undo_removes_it(
    new_database: Path | str,
) -> None:
    from provmap_desktop.domain.school import add_school
    from provmap_desktop.storage import open_database

    db = open_database(new_database, create=True)
    try:
        with fresh(db) as s:
            with pytest.raises(DomainError, match="The URN is at most 10 characters"):
                add_school(s, "Brook Lane Primary", "primary", urn="12345678901")
            s.rollback()
            assert read(db, SchoolSettings, 1, "name") is None
            change = add_school(s, "  Brook Lane Primary ", "primary", la_number="330")
            s.commit()
            assert read(db, SchoolSettings, 1, "name") == "Brook Lane Primary"
            assert read(db, SchoolSettings, 1, "la_number") == "330"
            with pytest.raises(DomainError, match="This database already holds a school"):
                add_school(s, "Another", "primary")
            change.undo(s)
            s.commit()
        assert read(db, SchoolSettings, 1, "name") is None
    finally:
        db.close()


def test_a_new_academic_year_with_its_terms_and_its_undo(db: Database) -> None:
    from provmap_desktop.domain.school import add_academic_year
    from provmap_desktop.models import AcademicYear

    terms = [
        ("Autumn", dt.date(2027, 9, 2), dt.date(2027, 12, 17), None, None),
        ("Spring", dt.date(2028, 1, 4), dt.date(2028, 3, 31), None, None),
        ("Summer", dt.date(2028, 4, 18), dt.date(2028, 7, 21), None, None),
    ]
    with fresh(db) as s:
        change = add_academic_year(s, 2027, terms)
        s.commit()
        year_id = change.rows[0].id
        with fresh(db) as other:
            year = other.get(AcademicYear, year_id)
            assert year is not None
            assert year.label == "2027/28"
            assert [t.name for t in year.terms] == ["Autumn", "Spring", "Summer"]
        change.undo(s)
        s.commit()
        assert read(db, AcademicYear, year_id, "label") is None
        change.redo(s)
        s.commit()
    assert read(db, AcademicYear, year_id, "label") == "2027/28"


def test_a_year_that_exists_or_terms_out_of_order_are_refused(db: Database) -> None:
    from provmap_desktop.domain.school import add_academic_year, add_year_group

    overlapping = [
        ("Autumn", dt.date(2027, 9, 2), dt.date(2028, 1, 10), None, None),
        ("Spring", dt.date(2028, 1, 4), dt.date(2028, 3, 31), None, None),
    ]
    with fresh(db) as s:
        with pytest.raises(DomainError, match=r"The Spring term overlaps the term before it\."):
            add_academic_year(s, 2027, overlapping)
        assert s.scalar(select(Term.id).limit(1)) is not None  # the school's own year stays
        with pytest.raises(DomainError, match="already has a year group called Year 3"):
            add_year_group(s, "Year 3", 3)
        with pytest.raises(DomainError, match=r"A year group needs a name\."):
            add_year_group(s, "  ", 3)


def test_a_class_is_added_with_its_teacher_undone_and_redone(db: Database) -> None:
    from provmap_desktop.domain.school import add_class
    from provmap_desktop.models import SchoolClass, YearGroup

    with fresh(db) as s:
        year_group = s.scalars(select(YearGroup).order_by(YearGroup.sort_order)).first()
        assert year_group is not None
        change = add_class(s, " Robins ", year_group.id, teacher="  Mrs Lucy Hartley ")
        s.commit()
        class_id = change.rows[0].id
        assert read(db, SchoolClass, class_id, "teacher") == "Mrs Lucy Hartley"
        assert read(db, SchoolClass, class_id, "name") == "Robins"
        change.undo(s)
        s.commit()
        assert read(db, SchoolClass, class_id, "name") is None
        change.redo(s)
        s.commit()
        assert read(db, SchoolClass, class_id, "teacher") == "Mrs Lucy Hartley"
        with pytest.raises(DomainError, match="at most 100"):
            add_class(s, "Wrens", year_group.id, teacher="x" * 101)
        s.rollback()
    with fresh(db) as s:
        assert s.scalars(select(SchoolClass.name)).all() == ["Robins"]
