"""Meetings with a pupil's family: who came, what was discussed and agreed, the actions.

Each function takes the session first, changes it without committing and returns a
``Change``; refusals are ``DomainError`` in plain words.

    meeting = meetings.add_meeting(session, pupil_id, held_on)
    meetings.update_meeting(session, meeting.row_id, "agreed", "Reading at home 3 times a week")
    action = meetings.add_action(session, meeting.row_id, "Send the word list home",
                                 owner="Class teacher", due_on=day)
    meetings.update_action(session, action.row_id, "done_on", today)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ..models import Meeting, MeetingAction, Pupil
from .change import Change, ChildRowsAdded, DomainError, FieldRule
from .change import set_field as _set_field
from .plan_rows import PUPILS, add_rows, date_or_none, get_row, remove_rows
from .plan_rows import words as _words
from .plan_rows import yes_no as _yes_no

#: The longest name an action's owner may have.
MAX_OWNER = 100


def _held_on(_session: Session, meeting: Meeting, value: Any) -> dt.date:
    day = date_or_none(value, "meeting date")
    if day is None:
        raise DomainError("A meeting needs the date it was held.")
    for action in meeting.actions:
        if action.due_on is not None and action.due_on < day:
            raise DomainError(
                f"The action “{action.text}” is due on {action.due_on:%d/%m/%Y}, before "
                "that date; change the action first."
            )
    return day


def _text(what: str) -> FieldRule:
    return lambda _s, _row, value: _words(value, what)


def _flag(what: str) -> FieldRule:
    return lambda _s, _row, value: _yes_no(value, what)


#: The fields of a meeting ``update_meeting`` may set, each with its rule.
MEETING_RULES: dict[str, FieldRule] = {
    "held_on": _held_on,
    "parents_present": _text("Parents and carers present"),
    "pupil_present": _flag("Whether the pupil was there"),
    "staff_present": _text("Staff present"),
    "professionals_present": _text("Other professionals present"),
    "discussed": _text("What was discussed"),
    "agreed": _text("What was agreed"),
    "family_given_copy": _flag("Whether the family was given a copy"),
}


def add_meeting(session: Session, pupil_id: int, held_on: dt.date, **fields: Any) -> ChildRowsAdded:
    """Log a meeting held on ``held_on``; ``fields`` may fill in any of ``MEETING_RULES``."""
    get_row(session, Pupil, pupil_id, "pupil")
    meeting = Meeting(
        pupil_id=pupil_id,
        parents_present="",
        pupil_present=False,
        staff_present="",
        professionals_present="",
        discussed="",
        agreed="",
        family_given_copy=False,
    )
    meeting.held_on = _held_on(session, meeting, held_on)
    for name, value in fields.items():
        rule = MEETING_RULES.get(name)
        if rule is None or name == "held_on":
            raise DomainError(f"{name.replace('_', ' ').capitalize()} cannot be set here.")
        setattr(meeting, name, rule(session, meeting, value))
    return add_rows(session, meeting)


def update_meeting(session: Session, meeting_id: int, field_name: str, value: Any) -> Change:
    """Set one field of a meeting (date, who came, discussed, agreed, copy given)."""
    return _set_field(session, Meeting, meeting_id, field_name, value, MEETING_RULES, PUPILS)


def remove_meeting(session: Session, meeting_id: int) -> Change:
    """Remove a meeting with its actions; undo brings them all back."""
    meeting = get_row(session, Meeting, meeting_id, "meeting")
    return remove_rows(session, [meeting, *meeting.actions])


# -- actions --------------------------------------------------------------------------


def _meeting_of(session: Session, action: MeetingAction) -> Meeting:
    return get_row(session, Meeting, action.meeting_id, "meeting")


def _not_before_meeting(what: str) -> FieldRule:
    def rule(session: Session, action: MeetingAction, value: Any) -> dt.date | None:
        day = date_or_none(value, what)
        held_on = _meeting_of(session, action).held_on
        if day is not None and day < held_on:
            raise DomainError(
                f"The {what} cannot be before the meeting that agreed it ({held_on:%d/%m/%Y})."
            )
        return day

    return rule


def _owner(_session: Session, _row: Any, value: Any) -> str:
    return _words(value, "Who will do it", limit=MAX_OWNER)


#: The fields of an action ``update_action`` may set, each with its rule.
ACTION_RULES: dict[str, FieldRule] = {
    "text": lambda _s, _row, value: _words(value, "An action", required=True),
    "owner": _owner,
    "due_on": _not_before_meeting("due date"),
    "done_on": _not_before_meeting("date done"),
}


def add_action(
    session: Session,
    meeting_id: int,
    text: str,
    *,
    owner: str = "",
    due_on: dt.date | None = None,
) -> ChildRowsAdded:
    """Add an action the meeting agreed: what, who will do it, by when."""
    meeting: Meeting = get_row(session, Meeting, meeting_id, "meeting")
    action = MeetingAction(
        meeting_id=meeting_id,
        pupil_id=meeting.pupil_id,
        sort_order=max((a.sort_order for a in meeting.actions), default=0) + 1,
    )
    for name, value in (("text", text), ("owner", owner), ("due_on", due_on)):
        setattr(action, name, ACTION_RULES[name](session, action, value))
    return add_rows(session, action)


def update_action(session: Session, action_id: int, field_name: str, value: Any) -> Change:
    """Set an action's words, owner, due date or the date it was done (tick it off)."""
    return _set_field(session, MeetingAction, action_id, field_name, value, ACTION_RULES, PUPILS)


def remove_action(session: Session, action_id: int) -> Change:
    """Remove an action; undo brings it back."""
    return remove_rows(session, [get_row(session, MeetingAction, action_id, "action")])
