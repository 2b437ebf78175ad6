"""Recording what happened to a planned session: the register's writes.

A session is marked delivered (every member that day present but the absent ones),
cancelled (with a reason and a note), one pupil's attendance ticked, or its record
cleared. Records are only made for planned sessions (``_planned_group``); a record for a
day before today is a late entry. Each write returns a ``RecordChange`` holding the
record's state before and after, so undo and redo put it back exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DeliverySession, ProvisionGroup, SessionAttendance
from ..models.vocab import CancelReason, SessionStatus
from ..services.calendar import calendar_for_year
from ..services.planned_sessions import group_label
from .change import Change, Changed, DomainError, Kind, RowKey
from .concurrency import StaleEdit

DELIVERY = Changed.of(Kind.DELIVERY)


@dataclass(frozen=True)
class RecordState:
    """Everything about one delivery record, to put it back exactly."""

    id: int
    status: str
    cancel_reason: str | None
    note: str
    staff_id: int | None
    recorded_at: dt.datetime
    late_entry: bool
    attendance: tuple[tuple[int, bool, str], ...]  # (pupil id, present, absence reason)


def find_record(session: Session, group_id: int, day: dt.date) -> DeliverySession | None:
    """The group's record for ``day``, if there is one."""
    return session.scalar(
        select(DeliverySession).where(
            DeliverySession.group_id == group_id, DeliverySession.session_date == day
        )
    )


def record_state(session: Session, group_id: int, day: dt.date) -> RecordState | None:
    """The record's current state, or None when the session is not recorded."""
    session.flush()
    record = find_record(session, group_id, day)
    if record is None:
        return None
    return RecordState(
        id=record.id,
        status=record.status,
        cancel_reason=record.cancel_reason,
        note=record.note,
        staff_id=record.staff_id,
        recorded_at=record.recorded_at,
        late_entry=record.late_entry,
        attendance=tuple(
            sorted((a.pupil_id, a.present, a.absence_reason) for a in record.attendance)
        ),
    )


def restore_record(
    session: Session, group_id: int, day: dt.date, state: RecordState | None
) -> None:
    """Make the session's record exactly ``state`` again (None: no record)."""
    record = find_record(session, group_id, day)
    if state is None:
        if record is not None:
            session.delete(record)
            session.flush()
        return
    if record is None:
        record = DeliverySession(id=state.id, group_id=group_id, session_date=day)
        session.add(record)
    record.status = state.status
    record.cancel_reason = state.cancel_reason
    record.note = state.note
    record.staff_id = state.staff_id
    record.recorded_at = state.recorded_at
    record.late_entry = state.late_entry
    _set_attendance(record, {p: (present, why) for p, present, why in state.attendance})
    session.flush()


def _set_attendance(record: DeliverySession, wanted: dict[int, tuple[bool, str]]) -> None:
    """Make the record's attendance exactly ``wanted`` (pupil id -> present, reason)."""
    # Rows are changed in place rather than replaced: a delete and an insert of the same
    # pupil in one flush would trip the one-row-per-pupil constraint.
    for old in list(record.attendance):
        if old.pupil_id not in wanted:
            record.attendance.remove(old)
    have = {row.pupil_id: row for row in record.attendance}
    for pupil_id, (present, reason) in wanted.items():
        row: SessionAttendance | None = have.get(pupil_id)
        if row is None:
            record.attendance.append(
                SessionAttendance(pupil_id=pupil_id, present=present, absence_reason=reason)
            )
        else:
            row.present, row.absence_reason = present, reason


def _planned_group(session: Session, group_id: int, day: dt.date) -> ProvisionGroup:
    """The group, when it has a session planned on ``day``; else ``DomainError``."""
    group = session.get(ProvisionGroup, group_id)
    if group is None:
        raise DomainError(f"There is no group {group_id}.")
    calendar = calendar_for_year(session, group.academic_year_id)
    planned = (
        group.start_date <= day <= group.end_date
        and any(slot.weekday == day.weekday() for slot in group.slots)
        and calendar.is_teaching_day(day)
    )
    if not planned:
        raise DomainError(f"{group_label(group)} has no session planned on {day:%d/%m/%Y}.")
    return group


def _record_for(session: Session, group_id: int, day: dt.date) -> DeliverySession:
    """The session's record, made (empty) when it has none yet."""
    record = find_record(session, group_id, day)
    if record is None:
        record = DeliverySession(group_id=group_id, session_date=day)
        session.add(record)
    return record


def _deliver(
    session: Session,
    group: ProvisionGroup,
    day: dt.date,
    absent: set[int],
    staff_id: int | None,
    today: dt.date,
) -> None:
    """Make the record delivered, each member that day present unless in ``absent``."""
    record = _record_for(session, group.id, day)
    record.status = SessionStatus.DELIVERED.value
    record.cancel_reason = None
    record.staff_id = staff_id if staff_id is not None else group.staff_id
    record.recorded_at = dt.datetime.now()
    record.late_entry = day < today
    members = [m.pupil_id for m in group.memberships if m.is_current_on(day)]
    _set_attendance(record, {p: (p not in absent, "") for p in members})
    session.flush()


def mark_delivered(
    session: Session,
    group_id: int,
    day: dt.date,
    *,
    absent_pupil_ids: Iterable[int] = (),
    staff_id: int | None = None,
    today: dt.date,
) -> RecordChange:
    """Record the session as delivered, every member that day present but the absent ones.

    ``staff_id`` is who delivered it (default: the group's member of staff). Raises
    ``DomainError`` if no session is planned that day.
    """
    group = _planned_group(session, group_id, day)
    before = record_state(session, group_id, day)
    _deliver(session, group, day, set(absent_pupil_ids), staff_id, today)
    return _made(session, group_id, day, before)


def mark_cancelled(
    session: Session,
    group_id: int,
    day: dt.date,
    reason: CancelReason | str,
    note: str = "",
    *,
    today: dt.date | None = None,
) -> RecordChange:
    """Record the session as cancelled with a reason (a ``CancelReason``) and a note."""
    try:
        reason = CancelReason(reason)
    except ValueError:
        raise DomainError(f"'{reason}' is not a reason a session is cancelled.") from None
    _planned_group(session, group_id, day)
    before = record_state(session, group_id, day)
    record = _record_for(session, group_id, day)
    record.status = SessionStatus.CANCELLED.value
    record.cancel_reason = reason.value
    record.note = note
    record.recorded_at = dt.datetime.now()
    record.late_entry = today is not None and day < today
    _set_attendance(record, {})
    session.flush()
    return _made(session, group_id, day, before)


def set_attendance(
    session: Session,
    group_id: int,
    day: dt.date,
    pupil_id: int,
    present: bool,
    *,
    reason: str = "",
    today: dt.date,
) -> RecordChange:
    """Mark one member present or absent; an unrecorded session becomes delivered first.

    Raises ``DomainError`` for a cancelled session or a pupil not in the group that day.
    """
    group = _planned_group(session, group_id, day)
    if not any(m.pupil_id == pupil_id and m.is_current_on(day) for m in group.memberships):
        raise DomainError(f"That pupil is not in {group_label(group)} on {day:%d/%m/%Y}.")
    before = record_state(session, group_id, day)
    if before is None:
        _deliver(session, group, day, set(), None, today)
    elif before.status != SessionStatus.DELIVERED.value:
        raise DomainError("A cancelled session has no attendance; mark it delivered first.")
    record = find_record(session, group_id, day)
    assert record is not None
    wanted = {a.pupil_id: (a.present, a.absence_reason) for a in record.attendance}
    wanted[pupil_id] = (present, "" if present else reason)
    _set_attendance(record, wanted)
    session.flush()
    return _made(session, group_id, day, before)


def clear_record(session: Session, group_id: int, day: dt.date) -> RecordChange:
    """Remove the session's record, back to "Not recorded"."""
    before = record_state(session, group_id, day)
    restore_record(session, group_id, day, None)
    return _made(session, group_id, day, before)


@dataclass
class RecordChange(Change):
    """One session's record from ``before`` to ``after`` (None: not recorded)."""

    group_id: int
    day: dt.date
    before: RecordState | None
    after: RecordState | None
    changed: Changed = field(default_factory=lambda: DELIVERY)
    #: Every record and attendance row a run of this edit has left (ids change when a
    #: record is cleared and made again), so an undo finds them as this session saved them.
    rows: list[RowKey] = field(default_factory=list, compare=False)

    def touched(self) -> Sequence[RowKey]:
        return self.rows

    def _put(
        self,
        session: Session,
        left: RecordState | None,
        wanted: RecordState | None,
        action: str,
    ) -> None:
        """From the record as this edit ``left`` it to ``wanted``.

        A record someone else made for the day since (another id, or one where this edit
        left none) is theirs: it is not overwritten.
        """
        found = find_record(session, self.group_id, self.day)
        if (found.id if found else None) != (left.id if left else None):
            raise StaleEdit(DeliverySession.__tablename__, action=action)
        restore_record(session, self.group_id, self.day, wanted)
        now = record_rows(session, self.group_id, self.day)
        self.rows = list(dict.fromkeys([*self.rows, *now]))

    def undo(self, session: Session) -> None:
        self._put(session, self.after, self.before, "undone")

    def redo(self, session: Session) -> None:
        self._put(session, self.before, self.after, "redone")

    @property
    def is_noop(self) -> bool:
        return self.before == self.after


def _made(
    session: Session, group_id: int, day: dt.date, before: RecordState | None
) -> RecordChange:
    """The change from ``before`` to the record as it is now."""
    change = RecordChange(group_id, day, before, record_state(session, group_id, day))
    change.rows = record_rows(session, group_id, day)
    if before is not None and before.id != (change.after.id if change.after else None):
        change.rows.insert(0, (DeliverySession, before.id))
    return change


def record_rows(session: Session, group_id: int, day: dt.date) -> list[RowKey]:
    """The record's row and its attendance rows, as keys (none when not recorded)."""
    record = find_record(session, group_id, day)
    if record is None:
        return []
    rows: list[RowKey] = [(DeliverySession, record.id)]
    return rows + [(SessionAttendance, a.id) for a in record.attendance]
