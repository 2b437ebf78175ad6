"""Two people on one database: edits of rows an owner holds, a group's weekdays and a
provision's links to year groups and trainings, are checked through the owner.

Weekday rows are deleted and made again on every change (new ids; on SQLite a new
row may take a deleted one's id at version 1) and link rows carry no version, so
neither can show that someone else changed them. Each such change saves a new version
of the group or provision, and its undo names that row. Every test runs on a SQLite
file and on a PostgreSQL database (the ``people`` fixture of ``_two_people.py``). The
school is ``whole_year_costs`` (tests/schools/small.py): one group each of Precision
Teaching (Year 4), 1:1 TA support (Eve, Year 5) and Speech therapy (Finn, Year 5), no
group has weekdays yet, no provision is marked for a year group or needs a training.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from provmap_desktop.domain import groups, provisions, pupils, training
from provmap_desktop.domain.change import Change
from provmap_desktop.domain.concurrency import WrittenVersions
from provmap_desktop.models import (
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    Training,
    YearGroup,
)

from .stale_edits import refused as _refused
from .stale_edits import row_id as _id
from .stale_edits import stale_write_refused

MONDAY, WEDNESDAY, THURSDAY = 0, 2, 3
NINE = dt.time(9, 0)


def _support(session: Session) -> int:
    """Eve's 1:1 TA support group."""
    return _id(session, ProvisionGroup, provision_id=_id(session, Provision, name="1:1 TA support"))


def _days(engine: Engine, group_id: int) -> list[tuple[int, dt.time | None]]:
    """The group's saved weekdays and start times."""
    with Session(engine) as fresh:
        query = select(GroupSlot.weekday, GroupSlot.start_time).where(
            GroupSlot.group_id == group_id
        )
        return sorted((int(day), time) for day, time in fresh.execute(query))


def _replay(senco: Session, written: WrittenVersions, change: Change, action: str) -> None:
    """The SENCO's undo or redo as the Edit menu runs it, after her screen reloaded."""
    senco.expire_all()
    written.check(senco, change, action=action)
    if action == "undone":
        change.undo(senco)
    else:
        change.redo(senco)
    senco.commit()


# -- a group's weekdays -----------------------------------------------------------------


def _wednesdays(senco: Session) -> tuple[int, Change]:
    """The SENCO sets Eve's support to meet on Wednesdays, and it is saved."""
    support = _support(senco)
    change = groups.set_days(senco, support, [WEDNESDAY], None)
    senco.commit()
    return support, change


def test_weekday_rows_a_group_loses_are_recorded_as_gone(people) -> None:
    # They are deleted as orphans (taken out of the group's list), which the flush
    # finds for itself: before, this session went on believing them saved at version
    # 1, and refused its own redo of the weekdays once they were gone.
    senco, _assistant, check = people
    written = WrittenVersions(senco)
    support = _support(senco)
    groups.set_days(senco, support, [MONDAY, THURSDAY], None)
    senco.commit()
    with Session(check) as fresh:
        slot_ids = set(fresh.scalars(select(GroupSlot.id).where(GroupSlot.group_id == support)))
    assert len(slot_ids) == 2
    assert {written.versions[(GroupSlot, slot)] for slot in slot_ids} == {1}

    groups.set_days(senco, support, [], None)
    senco.commit()
    assert _days(check, support) == []
    assert {written.versions[(GroupSlot, slot)] for slot in slot_ids} == {None}


@pytest.mark.parametrize("what", ["weekdays", "start time", "name"])
def test_undo_of_weekdays_after_the_ta_changed_the_group_is_refused(people, what: str) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    support, change = _wednesdays(senco)
    # The TA reads the group as it is now (Wednesdays) and changes it.
    if what == "weekdays":
        groups.set_days(assistant, support, [THURSDAY], None)
    elif what == "start time":
        # The same weekday at a time: on SQLite the new row may take the old one's id.
        groups.set_days(assistant, support, [WEDNESDAY], NINE)
    else:
        groups.update(assistant, support, "name", "Eve's mornings")
    assistant.commit()
    saved = _days(check, support)
    assert (
        saved
        == {
            "weekdays": [(THURSDAY, None)],
            "start time": [(WEDNESDAY, NINE)],
            "name": [(WEDNESDAY, None)],
        }[what]
    )

    _refused(senco, written, change, "group")
    assert _days(check, support) == saved


def test_weekdays_set_on_a_stale_copy_of_the_group_are_refused(people) -> None:
    senco, assistant, check = people
    support = _support(senco)
    on_screen = assistant.get(ProvisionGroup, support)  # the TA has the group open
    assert on_screen is not None
    _wednesdays(senco)

    stale_write_refused(
        assistant, lambda: groups.set_days(assistant, support, [THURSDAY], None), "group"
    )
    assert _days(check, support) == [(WEDNESDAY, None)]


def test_undo_and_redo_of_weekdays_nobody_else_touched_go_through(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    support, change = _wednesdays(senco)
    # The TA changes another group's days and a pupil: not this group.
    speech = _id(
        assistant, ProvisionGroup, provision_id=_id(assistant, Provision, name="Speech therapy")
    )
    groups.set_days(assistant, speech, [THURSDAY], None)
    eve = _id(assistant, Pupil, forename="Eve")
    pupils.update(assistant, eve, "sen_notes", "Prefers mornings")
    assistant.commit()

    _replay(senco, written, change, "undone")
    assert _days(check, support) == []
    _replay(senco, written, change, "redone")
    assert _days(check, support) == [(WEDNESDAY, None)]
    # One's own later edit of the same group does not stand in the way of undoing it.
    later = groups.set_days(senco, support, [WEDNESDAY], NINE)
    senco.commit()
    _replay(senco, written, later, "undone")
    _replay(senco, written, change, "undone")
    assert _days(check, support) == []
    assert _days(check, speech) == [(THURSDAY, None)]


# -- a provision's links ----------------------------------------------------------------


def _precision_teaching(session: Session) -> int:
    return _id(session, Provision, name="Precision Teaching")


def _year(session: Session, name: str) -> int:
    return _id(session, YearGroup, name=name)


def _suitable(engine: Engine, provision_id: int) -> list[str]:
    with Session(engine) as fresh:
        provision = fresh.get(Provision, provision_id)
        assert provision is not None
        return [y.name for y in provision.suitable_year_groups]


def _needs(engine: Engine, provision_id: int) -> list[str]:
    with Session(engine) as fresh:
        provision = fresh.get(Provision, provision_id)
        assert provision is not None
        return [t.name for t in provision.trainings_needed]


def _training(session: Session, name: str) -> int:
    training.add_training(session, name)
    session.commit()
    return _id(session, Training, name=name)


def test_undo_of_a_suitable_year_group_after_the_ta_changed_the_links_is_refused(
    people,
) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    pt = _precision_teaching(senco)
    change = provisions.set_suitable(senco, pt, _year(senco, "Year 4"), True)
    senco.commit()
    # The TA marks Year 3 as well: only a link row, but the provision's version moves.
    provisions.set_suitable(assistant, pt, _year(assistant, "Year 3"), True)
    assistant.commit()

    _refused(senco, written, change, "provision")
    assert _suitable(check, pt) == ["Year 3", "Year 4"]


def test_a_suitable_year_group_set_on_a_stale_copy_of_the_provision_is_refused(
    people,
) -> None:
    senco, assistant, check = people
    pt = _precision_teaching(senco)
    on_screen = assistant.get(Provision, pt)  # the TA has the catalogue open
    assert on_screen is not None
    assert on_screen.row_version == 1
    provisions.set_suitable(senco, pt, _year(senco, "Year 4"), True)
    senco.commit()

    stale_write_refused(
        assistant,
        lambda: provisions.set_suitable(assistant, pt, _year(assistant, "Year 3"), True),
        "provision",
    )
    assert _suitable(check, pt) == ["Year 4"]


def test_undo_and_redo_of_a_suitable_year_group_nobody_else_touched_go_through(
    people,
) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    pt = _precision_teaching(senco)
    change = provisions.set_suitable(senco, pt, _year(senco, "Year 4"), True)
    senco.commit()
    # The TA marks another provision: a link of a different owner.
    speech = _id(assistant, Provision, name="Speech therapy")
    provisions.set_suitable(assistant, speech, _year(assistant, "Year 5"), True)
    assistant.commit()

    _replay(senco, written, change, "undone")
    assert _suitable(check, pt) == []
    _replay(senco, written, change, "redone")
    assert _suitable(check, pt) == ["Year 4"]
    assert _suitable(check, speech) == ["Year 5"]


def test_undo_of_a_training_need_after_the_ta_changed_the_provision_is_refused(
    people,
) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    pt = _precision_teaching(senco)
    course = _training(senco, "Precision Teaching course")
    change = training.set_provision_needs(senco, pt, course, True)
    senco.commit()
    # The TA takes the need off again: the link row is gone, nothing of it is left to
    # carry a version, yet the SENCO's undo must not act on what she saw.
    training.set_provision_needs(assistant, pt, course, False)
    training.set_provision_needs(assistant, pt, course, True)
    assistant.commit()

    _refused(senco, written, change, "provision")
    assert _needs(check, pt) == ["Precision Teaching course"]


def test_a_training_need_set_on_a_stale_copy_of_the_provision_is_refused(people) -> None:
    senco, assistant, check = people
    pt = _precision_teaching(senco)
    first = _training(senco, "Precision Teaching course")
    second = _training(senco, "Phonics refresher")
    on_screen = assistant.get(Provision, pt)  # the TA has the catalogue open
    assert on_screen is not None
    training.set_provision_needs(senco, pt, first, True)
    senco.commit()

    stale_write_refused(
        assistant, lambda: training.set_provision_needs(assistant, pt, second, True), "provision"
    )
    assert _needs(check, pt) == ["Precision Teaching course"]


def test_undo_and_redo_of_a_training_need_nobody_else_touched_go_through(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    pt = _precision_teaching(senco)
    course = _training(senco, "Precision Teaching course")
    change = training.set_provision_needs(senco, pt, course, True)
    senco.commit()
    # The TA renames the training itself: the training row, not the provision's link.
    training.update_training(assistant, course, "name", "Precision Teaching (full day)")
    assistant.commit()

    _replay(senco, written, change, "undone")
    assert _needs(check, pt) == []
    _replay(senco, written, change, "redone")
    assert _needs(check, pt) == ["Precision Teaching (full day)"]
