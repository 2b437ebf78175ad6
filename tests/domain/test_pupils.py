"""The pupil domain: adding, editing, archiving and erasing.

Every write is checked against what a second session reads from the file, so a test
proves what was saved; a refused value must leave the row exactly as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import pupils
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import GroupMembership, Pupil, PupilProfile, Review, YearGroup
from provmap_desktop.rules.upn import is_valid_upn, make_upn
from provmap_desktop.services.pupils import TO_COMPLETE, add_pupil_to_complete

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]

NEW_UPN = make_upn("801", "2000", 16, 99)
WRONG_LETTER = ("B" if NEW_UPN[0] != "B" else "C") + NEW_UPN[1:]
TODAY = dt.date(2026, 11, 16)


def saved(school: School, pupil_id: int) -> Pupil | None:
    with school.fresh() as s:
        return s.get(Pupil, pupil_id)


def pupil_count(school: School) -> int:
    with school.fresh() as s:
        return s.scalar(select(func.count(Pupil.id))) or 0


def _add_eve(school: School, **overrides: object) -> pupils.PupilAdded:
    values: dict[str, object] = {
        "upn": NEW_UPN,
        "forename": "Eve",
        "surname": "Evans",
        "date_of_birth": dt.date(2018, 2, 14),
        "gender": "F",
        "on_roll_date": TODAY,
    }
    values.update(overrides)
    return pupils.add(school.session, **values)  # type: ignore[arg-type]


# -- adding ---------------------------------------------------------------------------


def test_add_then_undo_then_redo_keeps_the_pupils_id(school: School) -> None:
    change = _add_eve(school, upn=NEW_UPN.lower())
    school.session.commit()
    eve_id = change.pupil_id
    eve = saved(school, eve_id)
    assert eve is not None
    assert (eve.upn, eve.forename, eve.on_roll_date) == (NEW_UPN, "Eve", TODAY)

    change.undo(school.session)
    school.session.commit()
    assert saved(school, eve_id) is None

    change.redo(school.session)
    school.session.commit()
    back = saved(school, eve_id)
    assert back is not None
    assert back.upn == NEW_UPN
    assert back.surname == "Evans"


def test_add_refuses_a_wrong_check_letter_and_adds_nothing(school: School) -> None:
    with pytest.raises(DomainError, match="wrong check letter"):
        _add_eve(school, upn=WRONG_LETTER)
    school.session.commit()
    assert pupil_count(school) == 4


def test_add_refuses_a_upn_another_pupil_has(school: School) -> None:
    with pytest.raises(DomainError, match="already belongs to Ava Archer"):
        _add_eve(school, upn=make_upn("801", "2000", 16, 1))
    school.session.commit()
    assert pupil_count(school) == 4


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"surname": ""}, "forename and the surname"),
        ({"forename": "E" * 101}, "at most 100"),
        ({"date_of_birth": dt.date(1990, 1, 1)}, "more than 25 years ago"),
        ({"gender": "Q"}, "not a gender"),
        ({"year_group_id": 9999}, "year group is no longer"),
        ({"sen_status": "Z"}, "not a SEN status"),
    ],
)
def test_add_refuses_each_wrong_value(
    school: School, overrides: dict[str, object], words: str
) -> None:
    with pytest.raises(DomainError, match=words):
        _add_eve(school, **overrides)
    school.session.commit()
    assert pupil_count(school) == 4


def test_a_pupil_to_complete_gets_an_unused_temporary_upn_and_may_have_one_name(
    school: School,
) -> None:
    pupil = add_pupil_to_complete(
        school.session,
        forename="Wiliam",
        surname="",
        year_group_id=None,
        why="Named on the map.",
        today=TODAY,
    )
    school.session.commit()
    stored = saved(school, pupil.id)
    assert stored is not None
    assert is_valid_upn(stored.upn)
    assert stored.upn[1:8] == "8012000"
    assert stored.upn[-1].isalpha()
    assert (stored.forename, stored.surname) == ("Wiliam", "")
    assert stored.sen_notes.startswith(f"{TO_COMPLETE} Named on the map.")
    second = pupils.add(school.session, forename="Two", surname="Too", on_roll_date=TODAY)
    assert school.session.get(Pupil, second.pupil_id).upn != stored.upn  # type: ignore[union-attr]


# -- one field at a time --------------------------------------------------------------


def test_update_refuses_a_wrong_check_letter_and_keeps_the_upn(school: School) -> None:
    ava = school.ids["Ava"]
    before = saved(school, ava)
    assert before is not None
    with pytest.raises(DomainError, match="wrong check letter"):
        pupils.update(school.session, ava, "upn", WRONG_LETTER)
    school.session.commit()
    after = saved(school, ava)
    assert after is not None
    assert after.upn == before.upn


def test_update_refuses_another_pupils_upn(school: School) -> None:
    ben_upn = saved(school, school.ids["Ben"]).upn  # type: ignore[union-attr]
    with pytest.raises(DomainError, match="already belongs to Ben Brown"):
        pupils.update(school.session, school.ids["Ava"], "upn", ben_upn)
    school.session.commit()
    assert saved(school, school.ids["Ava"]).upn != ben_upn  # type: ignore[union-attr]


def test_update_accepts_the_pupils_own_upn_typed_in_lower_case(school: School) -> None:
    ava = school.ids["Ava"]
    own = saved(school, ava).upn  # type: ignore[union-attr]
    assert pupils.update(school.session, ava, "upn", own.lower()).is_noop


@pytest.mark.parametrize("field", ["archived", "leaving_date", "id", "nickname"])
def test_update_refuses_a_field_it_does_not_offer(school: School, field: str) -> None:
    with pytest.raises(DomainError, match="cannot be changed here"):
        pupils.update(school.session, school.ids["Cal"], field, True)
    school.session.commit()
    cal = saved(school, school.ids["Cal"])
    assert cal is not None
    assert cal.archived is False


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("surname", "  ", "Surname cannot be blank"),
        ("forename", "F" * 101, "at most 100"),
        ("date_of_birth", dt.date.today() + dt.timedelta(days=1), "in the future"),
        ("gender", "Y", "not a gender"),
        ("sen_status", "Q", "not a SEN status"),
        ("primary_need", "XYZ", "not a type of need"),
        ("class_id", 9999, "class is no longer"),
    ],
)
def test_update_refuses_a_wrong_value_and_leaves_the_row(
    school: School, field: str, value: object, words: str
) -> None:
    ava = school.ids["Ava"]
    before = getattr(saved(school, ava), field)
    with pytest.raises(DomainError, match=words):
        pupils.update(school.session, ava, field, value)
    school.session.commit()
    assert getattr(saved(school, ava), field) == before


def test_secondary_need_must_differ_from_the_primary(school: School) -> None:
    dee = school.ids["Dee"]
    pupils.update(school.session, dee, "primary_need", "SEMH")
    school.session.commit()
    with pytest.raises(DomainError, match="differ from the primary"):
        pupils.update(school.session, dee, "secondary_need", "SEMH")
    pupils.update(school.session, dee, "secondary_need", "SLCN")
    school.session.commit()
    stored = saved(school, dee)
    assert stored is not None
    assert (stored.primary_need, stored.secondary_need) == ("SEMH", "SLCN")


def test_a_field_edit_is_trimmed_saved_undone_and_redone(school: School) -> None:
    cal = school.ids["Cal"]
    with school.fresh() as s:
        year_3 = s.scalars(select(YearGroup.id).where(YearGroup.name == "Year 3")).one()
    rename = pupils.update(school.session, cal, "forename", "  Callum ")
    move = pupils.update(school.session, cal, "year_group_id", None)
    school.session.commit()
    stored = saved(school, cal)
    assert stored is not None
    assert (stored.forename, stored.year_group_id) == ("Callum", None)
    move.undo(school.session)
    rename.undo(school.session)
    school.session.commit()
    stored = saved(school, cal)
    assert stored is not None
    assert (stored.forename, stored.year_group_id) == ("Cal", year_3)
    rename.redo(school.session)
    school.session.commit()
    assert saved(school, cal).forename == "Callum"  # type: ignore[union-attr]


# -- leaving and coming back ----------------------------------------------------------


def test_archive_and_restore_each_undo_and_redo(school: School) -> None:
    cal = school.ids["Cal"]
    left = dt.date(2026, 11, 20)
    archived = pupils.archive(school.session, cal, left)
    school.session.commit()
    stored = saved(school, cal)
    assert stored is not None
    assert (stored.archived, stored.leaving_date) == (True, left)

    restored = pupils.restore(school.session, cal)
    school.session.commit()
    stored = saved(school, cal)
    assert stored is not None
    assert (stored.archived, stored.leaving_date) == (False, None)

    restored.undo(school.session)
    school.session.commit()
    assert saved(school, cal).leaving_date == left  # type: ignore[union-attr]
    archived.undo(school.session)
    school.session.commit()
    stored = saved(school, cal)
    assert stored is not None
    assert (stored.archived, stored.leaving_date) == (False, None)
    archived.redo(school.session)
    school.session.commit()
    assert saved(school, cal).archived is True  # type: ignore[union-attr]


def test_a_leaving_date_before_joining_is_refused(school: School) -> None:
    cal = school.ids["Cal"]
    # The joining date is set directly: no write offers it.
    school.session.get(Pupil, cal).on_roll_date = dt.date(2026, 9, 1)  # type: ignore[union-attr]
    school.session.commit()
    with pytest.raises(DomainError, match="before the date Cal Clark joined"):
        pupils.archive(school.session, cal, dt.date(2026, 8, 31))
    school.session.commit()
    assert saved(school, cal).archived is False  # type: ignore[union-attr]


# -- erasing --------------------------------------------------------------------------


def test_erase_removes_the_pupil_and_every_row_about_them_and_cannot_be_undone(
    school: School,
) -> None:
    ava = school.ids["Ava"]
    change = pupils.erase(school.session, ava)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(Pupil, ava) is None
        assert s.get(PupilProfile, ava) is None
        assert s.scalars(select(GroupMembership).where(GroupMembership.pupil_id == ava)).all() == []
        assert s.scalars(select(Review).where(Review.pupil_id == ava)).all() == []
        assert s.get(Pupil, school.ids["Ben"]) is not None
    with pytest.raises(DomainError, match="cannot be undone"):
        change.undo(school.session)
