"""Two people on one database: the undo of any edit is refused once someone else has
changed its rows, and goes through when nobody has.

Each edit here is undone after the SENCO's screen has reloaded (``expire_all``), so
the database's own version check on the ``UPDATE`` or ``DELETE`` would pass: only the
versions the SENCO's session last saved (``WrittenVersions``) can tell that the TA has
changed the row since. Every test runs on a SQLite file and on a PostgreSQL database
(the ``people`` fixture of ``_two_people.py``). The school is
``whole_year_costs`` (tests/schools/small.py): Eve (Year 5) has 1:1 TA support, Finn
(Year 5) has speech therapy, both for the whole of 2026/27; no group has weekdays yet.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from provmap_desktop.domain import delivery, groups, memberships, moves, plans
from provmap_desktop.domain.change import Change
from provmap_desktop.domain.concurrency import WrittenVersions
from provmap_desktop.domain.delivery_history import PastSession, record_past_sessions
from provmap_desktop.models import (
    DeliverySession,
    GroupMembership,
    PlanTarget,
    Provision,
    ProvisionGroup,
    Pupil,
    SessionAttendance,
    YearGroup,
)

from .stale_edits import refused as _refused
from .stale_edits import row_id as _id

WEDNESDAY = dt.date(2026, 9, 9)  # a teaching day of the autumn term
TODAY = dt.date(2026, 9, 10)
MOVE_DAY = dt.date(2026, 10, 5)  # a Monday, after Eve's 1:1 support started on 01/09


def _eve(session: Session) -> int:
    return _id(session, Pupil, forename="Eve")


def _group_of(session: Session, provision: str) -> int:
    provision_id = _id(session, Provision, name=provision)
    return _id(session, ProvisionGroup, provision_id=provision_id)


def _memberships(engine: Engine) -> set[tuple[int, int, dt.date, dt.date | None]]:
    """Every allocation saved: (group, pupil, join date, leave date)."""
    with Session(engine) as fresh:
        return {
            (m.group_id, m.pupil_id, m.join_date, m.leave_date)
            for m in fresh.scalars(select(GroupMembership))
        }


def _undo(senco: Session, written: WrittenVersions, change: Change) -> None:
    """The SENCO's undo as the Edit menu runs it, after her screen reloaded."""
    senco.expire_all()
    written.check(senco, change)
    change.undo(senco)
    senco.commit()


# -- an allocation ----------------------------------------------------------------------


def _allocate_eve_to_speech(senco: Session) -> Change:
    year5 = _id(senco, YearGroup, name="Year 5")
    speech = _id(senco, Provision, name="Speech therapy")
    change = memberships.allocate(senco, speech, year5, [_eve(senco)], MOVE_DAY)
    senco.commit()
    return change


def test_undo_of_an_allocation_the_ta_has_since_ended_is_refused(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    change = _allocate_eve_to_speech(senco)
    speech_group = _group_of(senco, "Speech therapy")
    made = _id(assistant, GroupMembership, group_id=speech_group, pupil_id=_eve(assistant))
    memberships.update(assistant, made, "leave_date", dt.date(2026, 12, 18))
    assistant.commit()

    _refused(senco, written, change, "group")
    # The allocation the TA ended is still there, ended as she said.
    assert (speech_group, _eve(senco), MOVE_DAY, dt.date(2026, 12, 18)) in _memberships(check)


def test_undo_of_an_allocation_nobody_else_touched_takes_it_out(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    before = _memberships(check)
    change = _allocate_eve_to_speech(senco)
    assert len(_memberships(check)) == len(before) + 1
    # The TA changes Finn's allocation in the same group: not the row the undo deletes.
    finn = _id(assistant, Pupil, forename="Finn")
    finns = _id(assistant, GroupMembership, pupil_id=finn)
    memberships.update(assistant, finns, "leave_date", dt.date(2027, 7, 21))
    assistant.commit()

    _undo(senco, written, change)
    after = {m for m in before if m[1] != finn}
    finn_now = {m for m in _memberships(check) if m[1] == finn}
    assert {m for m in _memberships(check) if m[1] != finn} == after
    assert {m[3] for m in finn_now} == {dt.date(2027, 7, 21)}


# -- a move -----------------------------------------------------------------------------


def _move_eve_to_speech(senco: Session) -> Change:
    support = _group_of(senco, "1:1 TA support")
    eves = _id(senco, GroupMembership, group_id=support, pupil_id=_eve(senco))
    change = moves.move(senco, [eves], _group_of(senco, "Speech therapy"), MOVE_DAY)
    senco.commit()
    return change


@pytest.mark.parametrize("row", ["old", "new"])
def test_undo_of_a_move_the_ta_has_since_changed_is_refused(people, row: str) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    change = _move_eve_to_speech(senco)
    support, speech = _group_of(senco, "1:1 TA support"), _group_of(senco, "Speech therapy")
    eve = _eve(assistant)
    # The old allocation (ended 04/10 by the move) or the new one (made by it).
    target = _id(
        assistant, GroupMembership, group_id=support if row == "old" else speech, pupil_id=eve
    )
    leave = dt.date(2026, 10, 2) if row == "old" else dt.date(2027, 3, 26)
    memberships.update(assistant, target, "leave_date", leave)
    assistant.commit()
    saved = _memberships(check)

    _refused(senco, written, change, "group")
    assert _memberships(check) == saved
    assert {m[3] for m in saved if m[1] == eve} == (
        {dt.date(2026, 10, 2), None}
        if row == "old"
        else {dt.date(2026, 10, 4), dt.date(2027, 3, 26)}
    )


def test_undo_of_a_move_nobody_else_touched_puts_eve_back(people) -> None:
    senco, _assistant, check = people
    written = WrittenVersions(senco)
    before = _memberships(check)
    change = _move_eve_to_speech(senco)
    assert _memberships(check) != before
    _undo(senco, written, change)
    assert _memberships(check) == before


# -- a delivery record ------------------------------------------------------------------


def _record_eves_session(senco: Session) -> tuple[int, Change]:
    support = _group_of(senco, "1:1 TA support")
    groups.set_days(senco, support, [WEDNESDAY.weekday()], None)
    senco.commit()
    change = delivery.mark_delivered(senco, support, WEDNESDAY, today=TODAY)
    senco.commit()
    return support, change


def _register(engine: Engine) -> list[tuple[str, int, bool, str]]:
    """Every record saved: (status, pupil, present, reason), one line per pupil."""
    with Session(engine) as fresh:
        return sorted(
            (record.status, mark.pupil_id, mark.present, mark.absence_reason)
            for record in fresh.scalars(select(DeliverySession))
            for mark in record.attendance
        )


def test_undo_of_a_session_the_ta_has_since_marked_is_refused(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    support, change = _record_eves_session(senco)
    eve = _eve(assistant)
    # The TA marks Eve absent: only her attendance row changes, not the record's.
    delivery.set_attendance(assistant, support, WEDNESDAY, eve, False, reason="Unwell", today=TODAY)
    assistant.commit()

    _refused(senco, written, change, "session")
    assert _register(check) == [("delivered", eve, False, "Unwell")]


def test_undo_of_a_session_the_ta_has_since_cleared_and_recorded_again_is_refused(
    people,
) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    support, change = _record_eves_session(senco)
    delivery.clear_record(assistant, support, WEDNESDAY)
    assistant.commit()
    delivery.mark_cancelled(assistant, support, WEDNESDAY, "staff_absent", today=TODAY)
    assistant.commit()

    _refused(senco, written, change, "session")
    with Session(check) as fresh:
        statuses = [r.status for r in fresh.scalars(select(DeliverySession))]
    assert statuses == ["cancelled"]


def test_undo_of_a_session_nobody_else_touched_clears_it(people) -> None:
    senco, _assistant, check = people
    written = WrittenVersions(senco)
    _support, change = _record_eves_session(senco)
    assert _register(check) == [("delivered", _eve(senco), True, "")]
    _undo(senco, written, change)
    assert _register(check) == []
    with Session(check) as fresh:
        assert fresh.scalars(select(SessionAttendance)).all() == []


def _import_eves_session(senco: Session) -> tuple[int, Change]:
    """Eve's session on ``WEDNESDAY`` written as a past record (as an import does)."""
    support = _group_of(senco, "1:1 TA support")
    groups.set_days(senco, support, [WEDNESDAY.weekday()], None)
    senco.commit()
    at = dt.datetime(2026, 9, 9, 15, 30)
    change = record_past_sessions(senco, [PastSession(support, WEDNESDAY, at)])
    senco.commit()
    return support, change


def test_undo_of_past_records_the_ta_has_since_marked_is_refused(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    support, change = _import_eves_session(senco)
    eve = _eve(assistant)
    delivery.set_attendance(assistant, support, WEDNESDAY, eve, False, reason="Trip", today=TODAY)
    assistant.commit()

    _refused(senco, written, change, "session")
    assert _register(check) == [("delivered", eve, False, "Trip")]


def test_undo_of_past_records_nobody_else_touched_takes_them_out(people) -> None:
    senco, _assistant, check = people
    written = WrittenVersions(senco)
    _support, change = _import_eves_session(senco)
    assert _register(check) == [("delivered", _eve(senco), True, "")]
    _undo(senco, written, change)
    assert _register(check) == []


# -- a plan edit ------------------------------------------------------------------------


def _target_for_eve(senco: Session) -> tuple[Change, int]:
    plan = plans.start_plan(senco, _eve(senco), dt.date(2026, 9, 14))
    senco.commit()
    change = plans.add_target(senco, plan.row_id, "Reads 20 high-frequency words")
    senco.commit()
    return change, _id(senco, PlanTarget, plan_id=plan.row_id)


def _targets(engine: Engine) -> list[str]:
    with Session(engine) as fresh:
        return [t.text for t in fresh.scalars(select(PlanTarget))]


def test_undo_of_a_target_the_ta_has_since_reworded_is_refused(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    change, target = _target_for_eve(senco)
    plans.update_target(assistant, target, "text", "Reads 30 high-frequency words")
    assistant.commit()

    _refused(senco, written, change, "support plan")
    assert _targets(check) == ["Reads 30 high-frequency words"]


def test_undo_of_a_plan_field_the_ta_has_since_changed_is_refused(people) -> None:
    senco, assistant, check = people
    written = WrittenVersions(senco)
    change, _target = _target_for_eve(senco)
    eve = _eve(senco)
    plan = plans.current_plan(senco, eve)
    assert plan is not None
    edit = plans.update_plan(senco, plan.id, "strategies", "Visual timetable")
    senco.commit()
    plans.update_plan(assistant, plan.id, "strategies", "Visual timetable; now/next board")
    assistant.commit()

    _refused(senco, written, edit, "support plan")
    with Session(check) as fresh:
        kept = plans.current_plan(fresh, eve)
        assert kept is not None
        assert kept.strategies == "Visual timetable; now/next board"
    # The target, an edit the TA did not touch, still comes out.
    _undo(senco, written, change)
    assert _targets(check) == []


def test_undo_of_a_target_nobody_else_touched_takes_it_out(people) -> None:
    senco, _assistant, check = people
    written = WrittenVersions(senco)
    change, _target = _target_for_eve(senco)
    assert _targets(check) == ["Reads 20 high-frequency words"]
    _undo(senco, written, change)
    assert _targets(check) == []


# -- rows made by an edit are recorded ---------------------------------------------------


def test_rows_inserted_by_an_edit_are_recorded_at_their_first_version(people) -> None:
    senco, _assistant, _check = people
    written = WrittenVersions(senco)
    change = _allocate_eve_to_speech(senco)
    made = _id(
        senco, GroupMembership, group_id=_group_of(senco, "Speech therapy"), pupil_id=_eve(senco)
    )
    assert list(change.touched()) == [(GroupMembership, made)]
    assert written.versions == {(GroupMembership, made): 1}
