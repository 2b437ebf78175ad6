"""Recording many past sessions at once: a register kept earlier, brought in as it was.

``record_past_sessions`` writes the records of sessions already held (or cancelled),
each with who delivered it, who was absent and why, and when it was recorded. It is
the register's ``mark_delivered`` and ``mark_cancelled`` for history: everything is
checked first (a planned session, not yet recorded; absent pupils in the group that
day), then written in one go, and undone as one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..models import DeliverySession, GroupMembership, ProvisionGroup, SessionAttendance, Staff
from ..models.vocab import CancelReason, SessionStatus
from ..services.calendar import SchoolCalendar, calendar_for_year
from ..services.planned_sessions import group_label
from .change import Change, Changed, DomainError, RowKey
from .concurrency import note_written
from .delivery import DELIVERY


@dataclass(frozen=True)
class PastSession:
    """One session as it was recorded: delivered, or cancelled when ``cancel_reason`` is given.

    ``absences`` maps each absent pupil's id to the reason (delivered sessions only);
    every other member that day was present. ``staff_id`` is who delivered it (default:
    the group's member of staff); ``late_entry`` says it was recorded after the day.
    """

    group_id: int
    day: dt.date
    recorded_at: dt.datetime
    staff_id: int | None = None
    cancel_reason: str | None = None
    note: str = ""
    absences: Mapping[int, str] = field(default_factory=dict)
    late_entry: bool = False


class _Checker:
    """What the checks need, read once for all the records: groups, calendars, members."""

    def __init__(self, session: Session, records: Sequence[PastSession]) -> None:
        """Read the records' groups and their allocations, once."""
        group_ids = {r.group_id for r in records}
        self.groups = {
            g.id: g
            for g in session.scalars(select(ProvisionGroup).where(ProvisionGroup.id.in_(group_ids)))
        }
        self.members: dict[int, list[GroupMembership]] = defaultdict(list)
        for membership in session.scalars(
            select(GroupMembership).where(GroupMembership.group_id.in_(group_ids))
        ):
            self.members[membership.group_id].append(membership)
        self.calendars: dict[int, SchoolCalendar] = {}
        self.session = session

    def group(self, record: PastSession) -> ProvisionGroup:
        """The record's group, when it has a session planned on the record's day."""
        group = self.groups.get(record.group_id)
        if group is None:
            raise DomainError(f"There is no group {record.group_id}.")
        year = group.academic_year_id
        if year not in self.calendars:
            self.calendars[year] = calendar_for_year(self.session, year)
        day = record.day
        planned = (
            group.start_date <= day <= group.end_date
            and any(slot.weekday == day.weekday() for slot in group.slots)
            and self.calendars[year].is_teaching_day(day)
        )
        if not planned:
            raise DomainError(f"{group_label(group)} has no session planned on {day:%d/%m/%Y}.")
        return group

    def present_on(self, group: ProvisionGroup, day: dt.date) -> list[int]:
        """The pupils in ``group`` on ``day``, in the order they joined."""
        return [m.pupil_id for m in self.members[group.id] if m.is_current_on(day)]


def _checked_reason(reason: str | None) -> str | None:
    """The cancel reason's code, or ``DomainError`` for an unknown one."""
    if reason is None:
        return None
    try:
        return CancelReason(reason).value
    except ValueError:
        raise DomainError(f"'{reason}' is not a reason a session is cancelled.") from None


def _rows(
    checker: _Checker, record: PastSession, session_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The record's row and its attendance rows (no ids yet), after checking it."""
    group = checker.group(record)
    reason = _checked_reason(record.cancel_reason)
    members = checker.present_on(group, record.day)
    strangers = set(record.absences) - set(members)
    if strangers:
        raise DomainError(
            f"Pupil {min(strangers)} is not in {group_label(group)} on {record.day:%d/%m/%Y}."
        )
    if reason is not None and record.absences:
        raise DomainError("A cancelled session has no attendance.")
    row = {
        "id": session_id,
        "group_id": group.id,
        "session_date": record.day,
        "status": (SessionStatus.CANCELLED if reason else SessionStatus.DELIVERED).value,
        "cancel_reason": reason,
        "note": record.note,
        "staff_id": record.staff_id if record.staff_id is not None else group.staff_id,
        "recorded_at": record.recorded_at,
        "late_entry": record.late_entry,
    }
    attendance = [
        {
            "session_id": session_id,
            "pupil_id": pupil_id,
            "present": pupil_id not in record.absences,
            "absence_reason": record.absences.get(pupil_id, ""),
        }
        for pupil_id in (members if reason is None else [])
    ]
    return row, attendance


def _next_id(session: Session, column: Any) -> int:
    """One more than the largest id in ``column`` (1 for an empty table)."""
    return int(session.scalar(select(func.max(column))) or 0) + 1


@dataclass
class SessionsRecorded(Change):
    """Past records written in one go: undo deletes them, redo writes them again, same ids."""

    sessions: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    changed: Changed = field(default_factory=lambda: DELIVERY)

    @property
    def session_ids(self) -> list[int]:
        """The ids of the records written."""
        return [row["id"] for row in self.sessions]

    @property
    def is_noop(self) -> bool:
        """True when there were no records to write."""
        return not self.sessions

    def touched(self) -> Sequence[RowKey]:
        records: list[RowKey] = [(DeliverySession, row["id"]) for row in self.sessions]
        return records + [(SessionAttendance, row["id"]) for row in self.attendance]

    def undo(self, session: Session) -> None:
        """Delete the records written, with their attendance.

        Row by row through the session, so each delete names the version this session
        saved and the versions it leaves are known to the undo that follows.
        """
        ids = self.session_ids
        for model, column in (
            (SessionAttendance, SessionAttendance.session_id),
            (DeliverySession, DeliverySession.id),
        ):
            for row in session.scalars(select(model).where(column.in_(ids))):
                session.delete(row)
            session.flush()

    def redo(self, session: Session) -> None:
        """Write the records again, with the same ids, each at its first version."""
        # One bulk statement each: a term's records are thousands of rows.
        if self.sessions:
            session.execute(insert(DeliverySession), self.sessions)
        if self.attendance:
            session.execute(insert(SessionAttendance), self.attendance)
        note_written(session, dict.fromkeys(self.touched(), 1))


def record_past_sessions(session: Session, records: Sequence[PastSession]) -> SessionsRecorded:
    """Write the records of sessions already held or cancelled, all checked first.

    Refused, with nothing written, for a day with no session planned, a session already
    recorded (or given twice), an unknown cancel reason or member of staff, or an
    absent pupil who was not in the group that day.
    """
    keys = [(r.group_id, r.day) for r in records]
    if len(set(keys)) != len(keys):
        raise DomainError("The same session is given twice.")
    staff_ids = {r.staff_id for r in records if r.staff_id is not None}
    known = set(session.scalars(select(Staff.id).where(Staff.id.in_(staff_ids))))
    if staff_ids - known:
        raise DomainError("That member of staff no longer exists.")
    session.flush()
    already = session.execute(
        select(DeliverySession.group_id, DeliverySession.session_date).where(
            DeliverySession.group_id.in_({r.group_id for r in records})
        )
    )
    recorded = set(keys) & {(g, d) for g, d in already}
    if recorded:
        day = min(d for _g, d in recorded)
        raise DomainError(f"The session on {day:%d/%m/%Y} is already recorded.")
    checker = _Checker(session, records)
    first = _next_id(session, DeliverySession.id)
    sessions: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    for offset, record in enumerate(records):
        row, present = _rows(checker, record, first + offset)
        sessions.append(row)
        attendance.extend(present)
    next_attendance = _next_id(session, SessionAttendance.id)
    for offset, row in enumerate(attendance):
        row["id"] = next_attendance + offset
    change = SessionsRecorded(sessions, attendance)
    change.redo(session)
    return change
