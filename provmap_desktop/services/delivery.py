"""Delivery records (the "Do" of Assess, Plan, Do, Review) and delivery rates.

Rules, in one place:

- A group's **planned sessions** are the teaching days, from its start date to its end
  date, that fall on the weekday of one of its slots (``calendar.planned_session_dates``):
  none in holidays or half-terms, at most one a day.
- A **delivery record** (``DeliverySession``) says what happened to one planned session:
  delivered (with each member's attendance) or cancelled (with a reason and a note).
  Records are only made for planned sessions; a day with no record is "not recorded".
- A record made for a day before today is a **late entry**.
- **Delivery rate** = delivered ÷ planned sessions up to a date (``as_of``, inclusive):
  for a group, its own sessions; for a provision, the sum over its groups; for a pupil,
  the planned sessions of their groups on days they were a member, against the delivered
  sessions at which they were marked present.
- **RAG**: green when the rate is at least ``SchoolSettings.rag_green`` per cent, amber
  when at least ``rag_amber``, red below that (defaults 90 and 75).

The mark/clear functions change the session without committing and return the record's
state from before the change (a ``RecordState``, or None when there was no record), so
a caller can put it back exactly with ``restore_record``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, String, and_, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from ..models import (
    DeliverySession,
    GroupMembership,
    GroupSlot,
    ProvisionGroup,
    SchoolSettings,
    SessionAttendance,
)
from ..models.vocab import CancelReason, SessionStatus
from .calendar import SchoolCalendar, calendar_for_year, planned_session_dates

DEFAULT_GREEN = 90
DEFAULT_AMBER = 75

CANCEL_REASON_LABELS: dict[str, str] = {
    CancelReason.STAFF_ABSENT.value: "staff absent",
    CancelReason.PUPIL_ABSENT.value: "pupil absent",
    CancelReason.TRIP_OR_EVENT.value: "trip or event",
    CancelReason.OTHER.value: "other",
}


# -- delivery rates --------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """Delivered out of planned sessions."""

    delivered: int
    planned: int

    @property
    def value(self) -> float | None:
        """The fraction delivered, or None when nothing was planned yet."""
        return self.delivered / self.planned if self.planned else None

    @property
    def percent_text(self) -> str:
        if not self.planned:
            return "–"
        return f"{round(100 * self.delivered / self.planned)}%"

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.delivered + other.delivered, self.planned + other.planned)


def _thresholds(settings: SchoolSettings | Session | None) -> tuple[int, int]:
    if isinstance(settings, Session):
        settings = settings.get(SchoolSettings, 1)
    if settings is None:
        return DEFAULT_GREEN, DEFAULT_AMBER
    return settings.rag_green, settings.rag_amber


def rag(rate: Rate | float | None, settings: SchoolSettings | Session | None) -> tuple[str, str]:
    """The rate's colour word and a symbol that tells the colours apart without colour.

    ``rate`` is a ``Rate`` or a fraction (0.85 for 85 %). Green at or above the school's
    green threshold, amber at or above its amber threshold, red below; a rate with no
    planned sessions yet gives ("No sessions yet", "○").
    """
    green, amber = _thresholds(settings)
    if isinstance(rate, Rate):
        if not rate.planned:
            return "No sessions yet", "○"
        # Whole numbers only, so 90 % of 10 sessions is exactly green.
        hundredths = rate.delivered * 100
        is_green, is_amber = hundredths >= green * rate.planned, hundredths >= amber * rate.planned
    elif rate is None:
        return "No sessions yet", "○"
    else:
        percent = rate * 100
        is_green, is_amber = percent >= green - 1e-9, percent >= amber - 1e-9
    if is_green:
        return "Green", "●"
    if is_amber:
        return "Amber", "▲"
    return "Red", "■"


def rate_text(rate: Rate, settings: SchoolSettings | Session | None) -> str:
    """'92% ● Green (11 of 12)': the percentage, the symbol, the word and the counts."""
    word, symbol = rag(rate, settings)
    if not rate.planned:
        return word
    return f"{rate.percent_text} {symbol} {word} ({rate.delivered} of {rate.planned})"


@dataclass
class DeliveryRates:
    """Every delivery rate of one academic year up to ``as_of``."""

    academic_year_id: int
    as_of: dt.date
    by_group: dict[int, Rate] = field(default_factory=dict)
    by_provision: dict[int, Rate] = field(default_factory=dict)
    by_pupil: dict[int, Rate] = field(default_factory=dict)
    #: (pupil id, group id) -> the pupil's rate in that group
    by_pupil_group: dict[tuple[int, int], Rate] = field(default_factory=dict)
    #: (pupil id, provision id) -> the pupil's rate across that provision's groups
    by_pupil_provision: dict[tuple[int, int], Rate] = field(default_factory=dict)


class _WeekdayCounter:
    """Teaching days on given weekdays in any date range, in O(1) per weekday."""

    def __init__(self, calendar: SchoolCalendar) -> None:
        self.first = calendar.first
        span = (calendar.last - calendar.first).days + 1 if calendar.terms else 0
        self.span = span
        self.prefix: list[list[int]] = []
        for weekday in range(7):
            running, prefix = 0, [0] * (span + 1)
            for offset in range(span):
                day = self.first + dt.timedelta(days=offset)
                if day.weekday() == weekday and calendar.is_teaching_day(day):
                    running += 1
                prefix[offset + 1] = running
            self.prefix.append(prefix)

    def count(self, weekdays: Iterable[int], start: dt.date, end: dt.date) -> int:
        """Teaching days from ``start`` to ``end`` inclusive on any of ``weekdays``."""
        lo = max((start - self.first).days, 0)
        hi = min((end - self.first).days + 1, self.span)
        if hi <= lo:
            return 0
        prefix = self.prefix
        total = 0
        for weekday in weekdays:  # a set: each weekday once
            row = prefix[weekday]
            total += row[hi] - row[lo]
        return total


@lru_cache(maxsize=16)
def _counter(calendar: SchoolCalendar) -> _WeekdayCounter:
    # Calendars are cached per set of term dates, so this is built once per year.
    return _WeekdayCounter(calendar)


def _iso(column: Any) -> Any:
    # Dates read as ISO text and parsed by date.fromisoformat: much faster in bulk.
    return type_coerce(column, String)


_day = dt.date.fromisoformat


def _monday_weekday(column: Any) -> Any:
    """SQLite's weekday of a date column with 0 = Monday, as slots count."""
    return (cast(func.strftime("%w", column), Integer) + 6) % 7


def delivery_rates(session: Session, academic_year_id: int, as_of: dt.date) -> DeliveryRates:
    """Delivery rates of every group, provision and pupil of the year, up to ``as_of``.

    Five queries and arithmetic on plain tuples, so the map can call it on every refresh.
    A pupil who is twice in one group at once (overlapping memberships) counts twice.
    """
    counter = _counter(calendar_for_year(session, academic_year_id))
    in_year = ProvisionGroup.academic_year_id == academic_year_id
    groups = {
        g_id: (p_id, _day(start), min(_day(end), as_of))
        for g_id, p_id, start, end in session.execute(
            select(
                ProvisionGroup.id,
                ProvisionGroup.provision_id,
                _iso(ProvisionGroup.start_date),
                _iso(ProvisionGroup.end_date),
            ).where(in_year)
        )
    }
    weekdays: dict[int, set[int]] = defaultdict(set)
    for group_id, weekday in session.execute(
        select(GroupSlot.group_id, GroupSlot.weekday).join(ProvisionGroup).where(in_year)
    ):
        weekdays[group_id].add(weekday)

    # A delivered record counts when it is on a planned day: within the group's dates,
    # up to as_of, on one of its slot weekdays (records are only made on teaching days).
    on_planned_day = and_(
        DeliverySession.status == SessionStatus.DELIVERED.value,
        DeliverySession.session_date >= ProvisionGroup.start_date,
        DeliverySession.session_date <= ProvisionGroup.end_date,
        DeliverySession.session_date <= as_of,
        select(GroupSlot.id)
        .where(
            GroupSlot.group_id == DeliverySession.group_id,
            GroupSlot.weekday == _monday_weekday(DeliverySession.session_date),
        )
        .exists(),
        in_year,
    )
    delivered = dict(
        session.execute(
            select(DeliverySession.group_id, func.count(DeliverySession.id))
            .join(ProvisionGroup)
            .where(on_planned_day)
            .group_by(DeliverySession.group_id)
        ).all()  # type: ignore[arg-type]
    )
    attended: dict[tuple[int, int], int] = {
        (pupil_id, group_id): n
        for pupil_id, group_id, n in session.execute(
            select(SessionAttendance.pupil_id, DeliverySession.group_id, func.count())
            .join(DeliverySession, SessionAttendance.session_id == DeliverySession.id)
            .join(ProvisionGroup, DeliverySession.group_id == ProvisionGroup.id)
            # Only the days the pupil was a member count (a join date may be moved later).
            .join(
                GroupMembership,
                and_(
                    GroupMembership.group_id == DeliverySession.group_id,
                    GroupMembership.pupil_id == SessionAttendance.pupil_id,
                    GroupMembership.join_date <= DeliverySession.session_date,
                    or_(
                        GroupMembership.leave_date.is_(None),
                        GroupMembership.leave_date >= DeliverySession.session_date,
                    ),
                ),
            )
            .where(on_planned_day, SessionAttendance.present.is_(True))
            .group_by(SessionAttendance.pupil_id, DeliverySession.group_id)
        )
    }

    rates = DeliveryRates(academic_year_id, as_of)
    # Plain integers in the loops; Rate objects are made once at the end.
    group_planned: dict[int, int] = {}
    provision_sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for group_id, (provision_id, start, end) in groups.items():
        planned = counter.count(weekdays[group_id], start, end)
        done = delivered.get(group_id, 0)
        group_planned[group_id] = planned
        rates.by_group[group_id] = Rate(done, planned)
        sums = provision_sums[provision_id]
        sums[0] += done
        sums[1] += planned
    rates.by_provision = {p: Rate(d, n) for p, (d, n) in provision_sums.items()}

    planned_for: dict[tuple[int, int], int] = defaultdict(int)
    count = counter.count
    for group_id, pupil_id, join, leave in session.execute(
        select(
            GroupMembership.group_id,
            GroupMembership.pupil_id,
            _iso(GroupMembership.join_date),
            _iso(GroupMembership.leave_date),
        )
        .join(ProvisionGroup)
        .where(in_year)
    ):
        _, start, end = groups[group_id]
        first = max(start, _day(join))
        last = min(end, _day(leave)) if leave else end
        planned_for[(pupil_id, group_id)] += count(weekdays[group_id], first, last)
    pupil_sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    pair_sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for key, planned in planned_for.items():
        pupil_id, group_id = key
        # Present at more sessions than planned can only come from odd old data; cap it.
        done = min(attended.get(key, 0), planned)
        rates.by_pupil_group[key] = Rate(done, planned)
        for sums in (pupil_sums[pupil_id], pair_sums[(pupil_id, groups[group_id][0])]):
            sums[0] += done
            sums[1] += planned
    rates.by_pupil = {p: Rate(d, n) for p, (d, n) in pupil_sums.items()}
    rates.by_pupil_provision = {k: Rate(d, n) for k, (d, n) in pair_sums.items()}
    return rates


# -- planned sessions and the register ------------------------------------------------


@dataclass(frozen=True)
class Member:
    pupil_id: int
    name: str


@dataclass(frozen=True)
class PlannedSession:
    """One planned session of a group on one day, with its record if there is one."""

    day: dt.date
    group_id: int
    group_name: str
    provision_id: int
    provision_name: str
    staff_id: int | None
    staff_name: str
    start_time: dt.time | None
    members: tuple[Member, ...]
    record: DeliverySession | None

    @property
    def status_text(self) -> str:
        return status_text(self.record)


def status_text(record: DeliverySession | None) -> str:
    """'Delivered', 'Cancelled – staff absent' or 'Not recorded', with '(late entry)'."""
    if record is None:
        return "Not recorded"
    if record.status == SessionStatus.DELIVERED.value:
        text = "Delivered"
        absent = sum(1 for a in record.attendance if not a.present)
        if absent:
            text += f", {absent} absent"
    else:
        reason = CANCEL_REASON_LABELS.get(record.cancel_reason or "", "no reason given")
        text = f"Cancelled – {reason}"
    return text + (" (late entry)" if record.late_entry else "")


def group_label(group: ProvisionGroup) -> str:
    """The group's own name, else its provision and year group."""
    if group.name:
        return group.name
    where = group.year_group.name if group.year_group else "whole school"
    return f"{group.provision.name} ({where})"


def _groups_running(session: Session, first: dt.date, last: dt.date) -> list[ProvisionGroup]:
    query = (
        select(ProvisionGroup)
        .where(ProvisionGroup.start_date <= last, ProvisionGroup.end_date >= first)
        .options(
            selectinload(ProvisionGroup.slots),
            selectinload(ProvisionGroup.provision),
            selectinload(ProvisionGroup.staff),
            selectinload(ProvisionGroup.year_group),
            selectinload(ProvisionGroup.memberships).selectinload(GroupMembership.pupil),
        )
    )
    return list(session.scalars(query))


def sessions_for_days(session: Session, first: dt.date, last: dt.date) -> list[PlannedSession]:
    """Every planned session from ``first`` to ``last``, by day, time and provision."""
    groups = _groups_running(session, first, last)
    records: dict[tuple[int, dt.date], DeliverySession] = {
        (r.group_id, r.session_date): r
        for r in session.scalars(
            select(DeliverySession)
            .where(
                DeliverySession.session_date >= first,
                DeliverySession.session_date <= last,
                DeliverySession.group_id.in_([g.id for g in groups]),
            )
            .options(selectinload(DeliverySession.attendance))
        )
    }
    found = []
    for group in groups:
        calendar = calendar_for_year(session, group.academic_year_id)
        for day in planned_session_dates(group, calendar, up_to=last):
            if day < first:
                continue
            times = [s.start_time for s in group.slots if s.weekday == day.weekday()]
            members = tuple(
                sorted(
                    (
                        Member(m.pupil_id, m.pupil.display_name)
                        for m in group.memberships
                        if m.is_current_on(day)
                    ),
                    key=lambda member: member.name,
                )
            )
            found.append(
                PlannedSession(
                    day=day,
                    group_id=group.id,
                    group_name=group_label(group),
                    provision_id=group.provision_id,
                    provision_name=group.provision.name,
                    staff_id=group.staff_id,
                    staff_name=group.staff.name if group.staff else "",
                    start_time=min((t for t in times if t is not None), default=None),
                    members=members,
                    record=records.get((group.id, day)),
                )
            )
    found.sort(key=lambda s: (s.day, s.start_time or dt.time(23, 59), s.provision_name, s.group_id))
    return found


def sessions_for_day(session: Session, day: dt.date) -> list[PlannedSession]:
    """The planned sessions of one day, in time order."""
    return sessions_for_days(session, day, day)


def sessions_for_week(session: Session, monday: dt.date) -> list[PlannedSession]:
    """The planned sessions of the school week starting ``monday`` (any day moves back)."""
    monday -= dt.timedelta(days=monday.weekday())
    return sessions_for_days(session, monday, monday + dt.timedelta(days=4))


# -- recording ------------------------------------------------------------------------


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
    group = session.get(ProvisionGroup, group_id)
    if group is None:
        raise ValueError(f"There is no group {group_id}.")
    calendar = calendar_for_year(session, group.academic_year_id)
    planned = (
        group.start_date <= day <= group.end_date
        and any(slot.weekday == day.weekday() for slot in group.slots)
        and calendar.is_teaching_day(day)
    )
    if not planned:
        raise ValueError(f"{group_label(group)} has no session planned on {day:%d/%m/%Y}.")
    return group


def _record_for(session: Session, group_id: int, day: dt.date) -> DeliverySession:
    record = find_record(session, group_id, day)
    if record is None:
        record = DeliverySession(group_id=group_id, session_date=day)
        session.add(record)
    return record


def mark_delivered(
    session: Session,
    group_id: int,
    day: dt.date,
    *,
    absent_pupil_ids: Iterable[int] = (),
    staff_id: int | None = None,
    today: dt.date,
) -> RecordState | None:
    """Record the session as delivered, every member that day present but the absent ones.

    ``staff_id`` is who delivered it (default: the group's member of staff). Returns the
    state before, for ``restore_record``. Raises ``ValueError`` if no session is planned.
    """
    group = _planned_group(session, group_id, day)
    before = record_state(session, group_id, day)
    absent = set(absent_pupil_ids)
    record = _record_for(session, group_id, day)
    record.status = SessionStatus.DELIVERED.value
    record.cancel_reason = None
    record.staff_id = staff_id if staff_id is not None else group.staff_id
    record.recorded_at = dt.datetime.now()
    record.late_entry = day < today
    members = [m.pupil_id for m in group.memberships if m.is_current_on(day)]
    _set_attendance(record, {p: (p not in absent, "") for p in members})
    session.flush()
    return before


def mark_cancelled(
    session: Session,
    group_id: int,
    day: dt.date,
    reason: CancelReason | str,
    note: str = "",
    *,
    today: dt.date | None = None,
) -> RecordState | None:
    """Record the session as cancelled with a reason and a note; returns the state before."""
    reason = CancelReason(reason)
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
    return before


def set_attendance(
    session: Session,
    group_id: int,
    day: dt.date,
    pupil_id: int,
    present: bool,
    *,
    reason: str = "",
    today: dt.date,
) -> RecordState | None:
    """Mark one pupil present or absent; an unrecorded session becomes delivered first.

    Returns the state before. Raises ``ValueError`` for a cancelled session.
    """
    before = record_state(session, group_id, day)
    if before is None:
        mark_delivered(session, group_id, day, today=today)
    elif before.status != SessionStatus.DELIVERED.value:
        raise ValueError("A cancelled session has no attendance; mark it delivered first.")
    record = find_record(session, group_id, day)
    assert record is not None
    wanted = {a.pupil_id: (a.present, a.absence_reason) for a in record.attendance}
    wanted[pupil_id] = (present, "" if present else reason)
    _set_attendance(record, wanted)
    session.flush()
    return before


def clear_record(session: Session, group_id: int, day: dt.date) -> RecordState | None:
    """Remove the session's record (back to "Not recorded"); returns the state before."""
    before = record_state(session, group_id, day)
    restore_record(session, group_id, day, None)
    return before


def group_sessions(
    session: Session, group_id: int, first: dt.date, last: dt.date
) -> list[tuple[dt.date, DeliverySession | None]]:
    """The group's planned sessions from ``first`` to ``last`` with their records."""
    group = session.get(ProvisionGroup, group_id)
    if group is None:
        return []
    calendar = calendar_for_year(session, group.academic_year_id)
    days = [d for d in planned_session_dates(group, calendar, up_to=last) if d >= first]
    records = {
        r.session_date: r
        for r in session.scalars(
            select(DeliverySession).where(
                DeliverySession.group_id == group_id,
                DeliverySession.session_date >= first,
                DeliverySession.session_date <= last,
            )
        )
    }
    return [(day, records.get(day)) for day in days]


def membership_rate(
    session: Session, membership: GroupMembership, first: dt.date, last: dt.date
) -> Rate:
    """One pupil's delivery rate in one group between two dates (their own days only)."""
    first = max(first, membership.join_date)
    if membership.leave_date is not None:
        last = min(last, membership.leave_date)
    delivered = planned = 0
    for _planned_day, record in group_sessions(session, membership.group_id, first, last):
        planned += 1
        if record is not None and record.status == SessionStatus.DELIVERED.value:
            delivered += any(
                a.pupil_id == membership.pupil_id and a.present for a in record.attendance
            )
    return Rate(delivered, planned)
