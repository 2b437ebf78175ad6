"""Writes of the plan: planned needs, intervention hours and training, each undoable."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.domain import planning, training
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import PlannedNeed, Provision, Staff, StaffTraining

from ..schools import costed, rows


@pytest.fixture
def school(session: Session) -> dict:
    costed.make_year(session)
    year3 = rows.add_year_group(session, "Year 3", 3)
    year4 = rows.add_year_group(session, "Year 4", 4)
    class4 = rows.add_class(session, "Owls", year4)
    ta = costed.make_staff(session, costed.make_role(session))
    provision = costed.make_provision(session, "Precision Teaching")
    return {"year3": year3, "year4": year4, "class4": class4, "ta": ta, "provision": provision}


def test_a_planned_need_is_added_changed_undone_and_redone(session, school) -> None:
    change = planning.add_planned_need(
        session, "2027/28", school["year3"].id, "CL", need_type="spld", pupils="4", grade="Must",
        note="4 more pupils expected to need phonics support",
    )  # fmt: skip
    need = session.scalars(select(PlannedNeed)).one()
    assert (need.need_type, need.pupils, need.grade) == ("SPLD", 4, "must")
    edit = planning.update_planned_need(session, need.id, "pupils", "6")
    assert need.pupils == 6
    edit.undo(session)
    assert need.pupils == 4
    change.undo(session)
    assert session.scalars(select(PlannedNeed)).all() == []
    change.redo(session)
    assert session.scalars(select(PlannedNeed)).one().pupils == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"year_label": "2027/29"}, "not an academic year"),
        ({"area": "XX"}, "four areas of need"),
        ({"area": "SEMH", "need_type": "SPLD"}, "is a need in Cognition and learning"),
        ({"pupils": 0}, "between 1 and 999"),
        ({"grade": "maybe"}, "must, should or could"),
        ({"class_key": "class4"}, "is not a class of that year group"),
    ],
)
def test_a_planned_need_is_refused_in_plain_words(session, school, args, message) -> None:
    values = {"year_label": "2027/28", "area": "CL", "grade": "must", "pupils": 1, **args}
    class_key = values.pop("class_key", None)
    with pytest.raises(DomainError, match=message):
        planning.add_planned_need(
            session,
            values.pop("year_label"),
            school["year3"].id,
            values.pop("area"),
            class_id=school[class_key].id if class_key else None,
            **values,
        )


@pytest.mark.parametrize(
    ("typed", "minutes"), [("12.5", 750), ("12:30", 750), ("12h 30m", 750), ("3", 180), ("", None)]
)
def test_intervention_hours_are_typed_as_hours(session, school, typed, minutes) -> None:
    staff: Staff = school["ta"]
    staff.intervention_minutes = 1
    change = planning.set_intervention_hours(session, staff.id, typed)
    assert staff.intervention_minutes == minutes
    change.undo(session)
    assert staff.intervention_minutes == 1


@pytest.mark.parametrize("typed", ["lots", "12.345", "61", "10:75"])
def test_intervention_hours_refused(session, school, typed) -> None:
    with pytest.raises(DomainError):
        planning.set_intervention_hours(session, school["ta"].id, typed)


def test_training_for_provisions_and_staff(session, school) -> None:
    added = training.add_training(session, "Precision Teaching")
    course = added.rows[0]  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="already a training"):
        training.add_training(session, "Precision Teaching")
    provision: Provision = school["provision"]
    needs = training.set_provision_needs(session, provision.id, course.id)
    assert provision.trainings_needed == [course]
    needs.undo(session)
    assert provision.trainings_needed == []
    needs.redo(session)
    assert provision.trainings_needed == [course]
    has = training.add_staff_training(session, school["ta"].id, course.id, dt.date(2026, 9, 14))
    with pytest.raises(DomainError, match="already has Precision Teaching"):
        training.add_staff_training(session, school["ta"].id, course.id)
    has.undo(session)
    assert session.scalars(select(StaffTraining)).all() == []
