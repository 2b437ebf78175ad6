"""Meetings with families and their actions: writes, undo, redo and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from provmap_desktop.domain import meetings
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import Meeting, MeetingAction

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]

D = dt.date


def _meeting(school: School) -> int:
    change = meetings.add_meeting(
        school.session,
        school.ids["Ava"],
        D(2026, 11, 16),
        parents_present="Mrs Archer (mother)",
        pupil_present=True,
        discussed="Reading at home",
    )
    school.session.commit()
    return change.row_id


def test_log_a_meeting_then_undo_and_redo(school: School) -> None:
    change = meetings.add_meeting(school.session, school.ids["Ava"], D(2026, 11, 16))
    school.session.commit()
    change.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.scalars(select(Meeting)).all() == []
    change.redo(school.session)
    school.session.commit()
    with school.fresh() as s:
        (meeting,) = s.scalars(select(Meeting)).all()
        assert meeting.id == change.row_id
        assert meeting.held_on == D(2026, 11, 16)


def test_fields_are_saved_and_undone(school: School) -> None:
    meeting_id = _meeting(school)
    change = meetings.update_meeting(school.session, meeting_id, "family_given_copy", True)
    school.session.commit()
    with school.fresh() as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        assert meeting.family_given_copy
        assert meeting.parents_present == "Mrs Archer (mother)"
        assert meeting.pupil_present
    change.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        assert not meeting.family_given_copy


def test_actions_are_ticked_off_and_removing_the_meeting_takes_them_back(
    school: School,
) -> None:
    meeting_id = _meeting(school)
    action = meetings.add_action(
        school.session,
        meeting_id,
        "Send the word list home",
        owner="Class teacher",
        due_on=D(2026, 11, 20),
    )
    school.session.commit()
    meetings.update_action(school.session, action.row_id, "done_on", D(2026, 11, 19))
    school.session.commit()
    removed = meetings.remove_meeting(school.session, meeting_id)
    school.session.commit()
    with school.fresh() as s:
        assert s.scalars(select(MeetingAction)).all() == []
    removed.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        row = s.get(MeetingAction, action.row_id)
        assert row is not None
        assert row.done_on == D(2026, 11, 19)
        assert row.owner == "Class teacher"


def test_refusals_in_plain_words(school: School) -> None:
    meeting_id = _meeting(school)
    with pytest.raises(DomainError, match="before the meeting that agreed it \\(16/11/2026\\)"):
        meetings.add_action(school.session, meeting_id, "Call home", due_on=D(2026, 11, 1))
    with pytest.raises(DomainError, match="An action needs some words"):
        meetings.add_action(school.session, meeting_id, " ")
    with pytest.raises(DomainError, match="needs the date it was held"):
        meetings.update_meeting(school.session, meeting_id, "held_on", None)
    with pytest.raises(DomainError, match="yes or no"):
        meetings.update_meeting(school.session, meeting_id, "pupil_present", "maybe")
    meetings.add_action(school.session, meeting_id, "Call home", due_on=D(2026, 11, 18))
    school.session.commit()
    with pytest.raises(DomainError, match="change the action first"):
        meetings.update_meeting(school.session, meeting_id, "held_on", D(2026, 11, 19))
    with pytest.raises(DomainError, match="cannot be changed here"):
        meetings.update_meeting(school.session, meeting_id, "pupil_id", 2)
