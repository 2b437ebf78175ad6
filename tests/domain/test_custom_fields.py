"""Custom pupil fields: defining, renaming and removing them, and each pupil's values."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from provmap_desktop.domain import custom_fields
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import CustomField, CustomFieldValue, FieldKind

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]


def _values(school: School, field_id: int) -> dict[int, str]:
    with school.fresh() as s:
        rows = s.scalars(select(CustomFieldValue).where(CustomFieldValue.field_id == field_id))
        return {row.pupil_id: row.value for row in rows}


def test_each_kind_stores_what_the_senco_typed_in_one_form(school: School) -> None:
    s, ava = school.session, school.ids["Ava"]
    made = {
        kind: custom_fields.add_field(s, f"Field {kind.value}", kind, "Red\nGreen").row_id
        for kind in FieldKind
    }
    custom_fields.set_value(s, ava, made[FieldKind.DATE], "03/02/2026")
    custom_fields.set_value(s, ava, made[FieldKind.YES_NO], "Y")
    custom_fields.set_value(s, ava, made[FieldKind.CHOICE], "green")
    custom_fields.set_value(s, ava, made[FieldKind.TEXT], "  Dr  Rao  ")
    custom_fields.set_value(s, ava, made[FieldKind.LONG_TEXT], "Line one\nLine two")
    s.commit()
    with school.fresh() as fresh:
        stored = custom_fields.values_of(fresh, ava)
    assert stored[made[FieldKind.DATE]] == "2026-02-03"  # 3 February, as dd/mm/yyyy says
    assert stored[made[FieldKind.YES_NO]] == "yes"
    assert stored[made[FieldKind.CHOICE]] == "Green"  # the list's own spelling
    assert stored[made[FieldKind.TEXT]] == "Dr Rao"
    assert stored[made[FieldKind.LONG_TEXT]] == "Line one\nLine two"
    field = s.get(CustomField, made[FieldKind.DATE])
    assert field is not None
    assert custom_fields.shown_value(field, stored[made[FieldKind.DATE]]) == "03/02/2026"


def test_a_value_that_does_not_fit_is_refused_and_nothing_is_stored(school: School) -> None:
    s, ava = school.session, school.ids["Ava"]
    date_id = custom_fields.add_field(s, "Hearing test", FieldKind.DATE).row_id
    choice_id = custom_fields.add_field(s, "Passport", "choice", "In place\nNot needed").row_id
    s.commit()
    with pytest.raises(DomainError, match="is a date"):
        custom_fields.set_value(s, ava, date_id, "next Tuesday")
    with pytest.raises(DomainError, match="not on the list"):
        custom_fields.set_value(s, ava, choice_id, "Lost")
    with pytest.raises(DomainError, match="already a custom field"):
        custom_fields.add_field(s, "hearing TEST", FieldKind.TEXT)
    with pytest.raises(DomainError, match="needs its choices"):
        custom_fields.add_field(s, "Empty list", FieldKind.CHOICE, "")
    assert _values(school, date_id) == {}
    assert _values(school, choice_id) == {}


def test_setting_changing_and_clearing_a_value_undoes(school: School) -> None:
    s, ava = school.session, school.ids["Ava"]
    field_id = custom_fields.add_field(s, "Keyworker", FieldKind.TEXT).row_id
    s.commit()
    added = custom_fields.set_value(s, ava, field_id, "Mr Hill")
    changed = custom_fields.set_value(s, ava, field_id, "Ms Lee")
    cleared = custom_fields.set_value(s, ava, field_id, "")
    s.commit()
    assert _values(school, field_id) == {}
    cleared.undo(s)
    s.commit()
    assert _values(school, field_id) == {ava: "Ms Lee"}
    changed.undo(s)
    s.commit()
    assert _values(school, field_id) == {ava: "Mr Hill"}
    added.undo(s)
    s.commit()
    assert _values(school, field_id) == {}
    assert custom_fields.set_value(s, ava, field_id, "").is_noop


def test_renaming_and_removing_a_field_with_values_undo(school: School) -> None:
    s = school.session
    field_id = custom_fields.add_field(s, "Medical alert", FieldKind.YES_NO).row_id
    custom_fields.set_value(s, school.ids["Ava"], field_id, True)
    custom_fields.set_value(s, school.ids["Ben"], field_id, False)
    s.commit()
    assert custom_fields.values_held(s, field_id) == 2
    renamed = custom_fields.rename_field(s, field_id, "Medical needs")
    s.commit()
    removed = custom_fields.remove_field(s, field_id)
    s.commit()
    with school.fresh() as fresh:
        assert fresh.scalars(select(CustomField)).all() == []
        assert fresh.scalars(select(CustomFieldValue)).all() == []
    removed.undo(s)
    s.commit()
    assert _values(school, field_id) == {school.ids["Ava"]: "yes", school.ids["Ben"]: "no"}
    with school.fresh() as fresh:
        assert fresh.get(CustomField, field_id).name == "Medical needs"  # type: ignore[union-attr]
    renamed.undo(s)
    s.commit()
    with school.fresh() as fresh:
        assert fresh.get(CustomField, field_id).name == "Medical alert"  # type: ignore[union-attr]


def test_a_kind_or_a_choice_in_use_cannot_change_under_the_values(school: School) -> None:
    s = school.session
    field_id = custom_fields.add_field(s, "Passport", "choice", "In place\nNot needed").row_id
    custom_fields.set_value(s, school.ids["Ava"], field_id, "In place")
    s.commit()
    with pytest.raises(DomainError, match="cannot change"):
        custom_fields.update_field(s, field_id, "kind", FieldKind.TEXT)
    with pytest.raises(DomainError, match="keep it in the list"):
        custom_fields.update_field(s, field_id, "choices", "Not needed\nBeing written")
    custom_fields.update_field(s, field_id, "choices", "In place\nBeing written")
    s.commit()
    with school.fresh() as fresh:
        field = fresh.get(CustomField, field_id)
        assert field is not None
        assert field.choice_list == ["In place", "Being written"]


def test_a_pupils_values_go_when_the_pupil_is_erased(school: School) -> None:
    from provmap_desktop.services.data_protection import erase_pupil

    s = school.session
    field_id = custom_fields.add_field(s, "Keyworker", FieldKind.TEXT).row_id
    custom_fields.set_value(s, school.ids["Ava"], field_id, "Mr Hill")
    custom_fields.set_value(s, school.ids["Ben"], field_id, "Ms Lee")
    s.commit()
    erase_pupil(s, school.ids["Ava"])
    assert _values(school, field_id) == {school.ids["Ben"]: "Ms Lee"}


def test_subject_access_lists_every_field_with_the_pupils_value(school: School) -> None:
    from provmap_desktop.models import Pupil
    from provmap_desktop.services.data_protection import subject_access_export

    s = school.session
    date_id = custom_fields.add_field(s, "Hearing test", FieldKind.DATE).row_id
    custom_fields.add_field(s, "Keyworker", FieldKind.TEXT)
    custom_fields.set_value(s, school.ids["Ava"], date_id, dt.date(2026, 3, 9))
    s.commit()
    pupil = s.get(Pupil, school.ids["Ava"])
    assert pupil is not None
    export = subject_access_export(s, pupil)
    assert export["custom_fields"] == [
        {"field": "Hearing test", "kind": "date", "value": "09/03/2026"},
        {"field": "Keyworker", "kind": "text", "value": ""},
    ]
