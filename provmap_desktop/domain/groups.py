"""Provision groups: every write to a group, with its rules.

A group is one running instance of a provision for a year group over a span of days.
Each function takes the session first, checks what it is given, changes the session
without committing and returns a ``Change``; its ``changed`` names the groups touched
so the map repaints only their rows. A refused value raises ``DomainError``.

    made = groups.create(session, provision_id, year_group_id, start, end)
    groups.update(session, made.group_id, "staff_id", staff_id)
    session.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    YearGroup,
)
from ..services.calendar import academic_year_for
from ..services.formatting import format_date
from .change import Change, Changed, DomainError, Kind, Reversible, RowKey, Steps, set_field
from .concurrency import owner_changed
from .group_fields import GROUP_RULES, checked_name

GROUP_COLUMNS = (
    "id",
    "provision_id",
    "academic_year_id",
    "year_group_id",
    "class_id",
    "name",
    "staff_id",
    "start_date",
    "end_date",
    "sessions_per_week",
    "session_minutes",
    "max_size",
    "location",
    "notes",
)
SLOT_COLUMNS = ("id", "group_id", "weekday", "start_time")


def groups_changed(group_ids: Iterable[int]) -> Changed:
    """Groups changed, naming which, so the map refreshes just those."""
    return Changed.of(Kind.GROUPS, group_ids=[g for g in group_ids if g is not None])


def values_of(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    """The stored columns of ``row``, enough to make it again with the same id."""
    return {name: getattr(row, name) for name in columns}


def get_group(session: Session, group_id: int) -> ProvisionGroup:
    """The group ``group_id``, or ``DomainError`` when it is no longer there."""
    group = session.get(ProvisionGroup, group_id)
    if group is None:
        raise DomainError("That group no longer exists.")
    return group


@dataclass
class GroupAdded(Change):
    """A new group and its slots: undo deletes them, redo makes them again, same ids."""

    values: dict[str, Any]
    slots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def group_id(self) -> int:
        """The new group's id."""
        return int(self.values["id"])

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return groups_changed([self.group_id])

    def touched(self) -> Sequence[RowKey]:
        slots: list[RowKey] = [(GroupSlot, values["id"]) for values in self.slots]
        return [(ProvisionGroup, self.group_id), *slots]

    def undo(self, session: Session) -> None:
        self.take_out(session)
        session.flush()

    def redo(self, session: Session) -> None:
        self.put_back(session)
        session.flush()

    def take_out(self, session: Session) -> None:
        """Delete the group (with its slots) at the next flush."""
        group = session.get(ProvisionGroup, self.group_id)
        if group is not None:
            session.delete(group)

    def put_back(self, session: Session) -> None:
        """Make the group and its slots again, same ids, at the next flush."""
        group = ProvisionGroup(**self.values)
        group.slots = [GroupSlot(**values) for values in self.slots]
        session.add(group)


def _added(group: ProvisionGroup) -> GroupAdded:
    """The change that takes a just-made group (and its slots) back out and in."""
    return GroupAdded(
        values_of(group, GROUP_COLUMNS), [values_of(s, SLOT_COLUMNS) for s in group.slots]
    )


def year_holding(session: Session, day: dt.date) -> AcademicYear:
    """The academic year holding ``day``, or ``DomainError`` when the school has none."""
    year = academic_year_for(session, day)
    if year is None:
        raise DomainError(f"No academic year holds {format_date(day)}.")
    return year


#: How many groups a provision has for a year group in a year (built once).
_GROUPS_SO_FAR = select(func.count(ProvisionGroup.id)).where(
    ProvisionGroup.provision_id == bindparam("provision_id"),
    ProvisionGroup.year_group_id.is_not_distinct_from(bindparam("year_group_id")),
    ProvisionGroup.academic_year_id == bindparam("year_id"),
)


def create(
    session: Session,
    provision_id: int,
    year_group_id: int | None,
    start: dt.date,
    end: dt.date,
    *,
    name: str | None = None,
) -> GroupAdded:
    """Start a group of a provision for a year group, running from ``start`` to ``end``.

    It takes the provision's defaults (sessions, minutes, size); its academic year is
    the one holding ``start``, and it may not run past that year's last day. Without a
    name it is called "<year group> group <n>".
    """
    provision = session.get(Provision, provision_id)
    if provision is None:
        raise DomainError("That provision no longer exists.")
    year = year_holding(session, start)
    if end < start:
        raise DomainError(
            f"The last day, {format_date(end)}, is before the first, {format_date(start)}."
        )
    if end > year.end_date:
        raise DomainError(f"{year.label} ends on {format_date(year.end_date)}.")
    if name is None:
        year_group = session.get(YearGroup, year_group_id) if year_group_id is not None else None
        earlier = session.scalar(
            _GROUPS_SO_FAR,
            {"provision_id": provision_id, "year_group_id": year_group_id, "year_id": year.id},
        )
        name = f"{year_group.name if year_group else 'New'} group {(earlier or 0) + 1}"
    group = ProvisionGroup(
        provision_id=provision_id,
        academic_year_id=year.id,
        year_group_id=year_group_id,
        name=checked_name(session, None, name),
        start_date=start,
        end_date=end,
        slots=[],  # known empty: recording the change need not read them back
    )
    session.add(group)
    session.flush()
    return _added(group)


# -- one field at a time --------------------------------------------------------------


def update(session: Session, group_id: int, field_name: str, value: Any) -> Change:
    """Set one detail of a group (name, staff, class, last day, size, sessions, place, notes)."""
    return set_field(
        session,
        ProvisionGroup,
        group_id,
        field_name,
        value,
        GROUP_RULES,
        groups_changed([group_id]),
    )


def set_days(
    session: Session, group_id: int, weekdays: Sequence[int], start_time: dt.time | None
) -> Change:
    """Set the weekdays (0 = Monday) the group meets, all at ``start_time``."""
    group = get_group(session, group_id)
    if any(not 0 <= day <= 6 for day in weekdays):
        raise DomainError("A weekday is a number from 0 (Monday) to 6 (Sunday).")
    before = sorted((s.weekday, s.start_time) for s in group.slots)
    after = sorted((day, start_time) for day in set(weekdays))

    def put(slots: list[tuple[int, dt.time | None]]) -> None:
        """Replace the group's slots with ``slots``: a new version of the group."""
        target = get_group(session, group_id)
        # The slot rows are made afresh each time, so their ids say nothing about who
        # changed them last; the group's own version does.
        owner_changed(target)
        target.slots.clear()
        session.flush()
        target.slots.extend(GroupSlot(weekday=d, start_time=t) for d, t in slots)
        session.flush()

    put(after)
    return Reversible(
        lambda _s: put(before),
        lambda _s: put(after),
        groups_changed([group_id]),
        rows_with=lambda: [(ProvisionGroup, group_id)],
    )


# -- dates ------------------------------------------------------------------------------


@dataclass
class StartMoved(Change):
    """A group's first day moved, with the members whose join date moved with it."""

    group_id: int
    old_start: dt.date
    new_start: dt.date
    #: (membership id, join date before the move)
    moved_joins: tuple[tuple[int, dt.date], ...]

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return groups_changed([self.group_id])

    def touched(self) -> Sequence[RowKey]:
        moved: list[RowKey] = [(GroupMembership, m) for m, _join in self.moved_joins]
        return [(ProvisionGroup, self.group_id), *moved]

    def undo(self, session: Session) -> None:
        get_group(session, self.group_id).start_date = self.old_start
        for membership_id, join_date in self.moved_joins:
            _membership(session, membership_id).join_date = join_date
        session.flush()

    def redo(self, session: Session) -> None:
        get_group(session, self.group_id).start_date = self.new_start
        for membership_id, _join_date in self.moved_joins:
            _membership(session, membership_id).join_date = self.new_start
        session.flush()


def _membership(session: Session, membership_id: int) -> GroupMembership:
    """The allocation ``membership_id``, or ``DomainError`` when it is gone."""
    membership = session.get(GroupMembership, membership_id)
    if membership is None:
        raise DomainError("That allocation no longer exists.")
    return membership


def move_start(session: Session, group_id: int, new_start: dt.date) -> StartMoved:
    """Move a group's first day; members who joined on the old first day (or before the
    new one) join on the new one. Refused when it would follow the group's last day or
    a member's leave date, or come before its academic year."""
    group = get_group(session, group_id)
    if new_start > group.end_date:
        raise DomainError(
            f"{format_date(new_start)} is after its last day, {format_date(group.end_date)}."
        )
    year = group.academic_year
    if new_start < year.start_date:
        raise DomainError(
            f"{format_date(new_start)} is before {year.label} starts on "
            f"{format_date(year.start_date)}."
        )
    old_start = group.start_date
    moving = [
        m
        for m in session.scalars(
            select(GroupMembership).where(GroupMembership.group_id == group_id)
        )
        if m.join_date == old_start or m.join_date < new_start
    ]
    for membership in moving:
        if membership.leave_date is not None and membership.leave_date < new_start:
            raise DomainError(
                f"{membership.pupil.display_name} left on {format_date(membership.leave_date)}, "
                f"before {format_date(new_start)}: end or remove that allocation first."
            )
    change = StartMoved(group_id, old_start, new_start, tuple((m.id, m.join_date) for m in moving))
    change.redo(session)
    return change


def end(session: Session, group_id: int, last_day: dt.date) -> Change:
    """End a group on ``last_day``: it stops then, and so does every member still in it.

    Refused before the group's first day, or when a member joins after ``last_day``.
    """
    group = get_group(session, group_id)
    if last_day < group.start_date:
        raise DomainError(
            f"{group.name or 'The group'} starts on {format_date(group.start_date)}; "
            "it cannot end before then."
        )
    from .memberships import end as end_memberships

    members = list(group.memberships)
    late = next((m for m in members if m.join_date > last_day), None)
    if late is not None:
        raise DomainError(
            f"{late.pupil.display_name} joins on {format_date(late.join_date)}, after "
            f"{format_date(last_day)}: move or remove that allocation first."
        )
    staying = [m.id for m in members if m.leave_date is None or m.leave_date > last_day]
    steps: list[Change] = [update(session, group_id, "end_date", last_day)]
    if staying:
        steps.append(end_memberships(session, staying, last_day))
    return Steps(steps)


# -- splitting --------------------------------------------------------------------------


def add_like(session: Session, group_id: int) -> GroupAdded:
    """A new, empty group with the same provision, year group, dates, staff and slots."""
    source = get_group(session, group_id)
    siblings = session.scalar(
        select(func.count(ProvisionGroup.id)).where(
            ProvisionGroup.provision_id == source.provision_id,
            ProvisionGroup.academic_year_id == source.academic_year_id,
            ProvisionGroup.year_group_id == source.year_group_id,
        )
    )
    letter = chr(ord("A") + min(int(siblings or 0), 25))
    group = ProvisionGroup(
        provision_id=source.provision_id,
        academic_year_id=source.academic_year_id,
        year_group_id=source.year_group_id,
        class_id=source.class_id,
        name=f"Group {letter}",
        staff_id=source.staff_id,
        start_date=source.start_date,
        end_date=source.end_date,
        sessions_per_week=source.sessions_per_week,
        session_minutes=source.session_minutes,
        max_size=source.max_size,
    )
    # The same timetable slot: a split group meets when the original did.
    group.slots = [GroupSlot(weekday=s.weekday, start_time=s.start_time) for s in source.slots]
    session.add(group)
    session.flush()
    return _added(group)


def split(
    session: Session, group_id: int, membership_ids: Sequence[int], on_date: dt.date
) -> Steps:
    """Move these memberships from ``on_date`` into a new group like ``group_id``.

    The new group keeps that group's staff, slot and dates (see ``add_like``); the
    members keep their history, as with any move. One change, undone as one.
    """
    from .moves import move

    if not membership_ids:
        raise DomainError("Choose at least one pupil to move to the new group.")
    added = add_like(session, group_id)
    return Steps([added, move(session, membership_ids, added.group_id, on_date)])
