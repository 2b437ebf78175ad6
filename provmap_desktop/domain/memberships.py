"""Allocations: pupils joining and leaving provision groups (moving is in ``moves``).

Every change keeps history: ending an allocation records a leave date, and nothing
here deletes a membership
except the undo of the allocation that made it. Each write returns a ``Change`` whose
undo and redo restore the rows exactly, with the same ids, so later edits on an undo
stack still find the rows they refer to; its ``changed`` names the groups touched.

    made = memberships.allocate(session, provision_id, year_group_id, [pupil_id], day)
    memberships.end(session, made.membership_ids, later_day)
    session.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from ..models import AcademicYear, GroupMembership, Provision, ProvisionGroup, Pupil, YearGroup
from ..services.allocation import (
    GroupChoice,
    allocation_warnings,
    group_choice,
    new_group_dates,
)
from ..services.formatting import format_date
from . import groups
from .change import Change, Changed, DomainError, FieldRule, RowKey, set_field
from .groups import GroupAdded, groups_changed, values_of

MEMBERSHIP_COLUMNS = ("id", "group_id", "pupil_id", "join_date", "leave_date")


class GroupChoiceNeeded(DomainError):
    """Several groups run in the cell and none was chosen; ``choices`` lists them."""

    def __init__(self, message: str, choices: list[GroupChoice]) -> None:
        super().__init__(message)
        self.choices = choices


def get_membership(session: Session, membership_id: int) -> GroupMembership:
    """The allocation ``membership_id``, or ``DomainError`` when it is gone."""
    membership = session.get(GroupMembership, membership_id)
    if membership is None:
        raise DomainError("That allocation no longer exists.")
    return membership


def _names(session: Session) -> dict[int, str]:
    """Year group names by id, for messages."""
    return dict(session.execute(select(YearGroup.id, YearGroup.name)).all())  # type: ignore[arg-type]


# -- allocating -------------------------------------------------------------------------


@dataclass
class Allocation(Change):
    """What ``allocate`` did: the memberships made (and the group, when it made one)."""

    group_id: int
    group_added: GroupAdded | None = None
    memberships: list[dict[str, Any]] = field(default_factory=list)
    #: Pupils already current members of the group: not added again.
    skipped_pupil_ids: list[int] = field(default_factory=list)
    #: Plain-word warnings about the allocation; none of them blocked it.
    warnings: list[str] = field(default_factory=list)

    @property
    def membership_ids(self) -> list[int]:
        """The ids of the memberships made."""
        return [m["id"] for m in self.memberships]

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return groups_changed([self.group_id])

    @property
    def is_noop(self) -> bool:
        return not self.memberships and self.group_added is None

    def touched(self) -> Sequence[RowKey]:
        made = [(GroupMembership, m) for m in self.membership_ids]
        return made + list(self.group_added.touched() if self.group_added else ())

    def undo(self, session: Session) -> None:
        # One flush for the memberships and the group they were made with: it deletes
        # the memberships first (they point at the group).
        for membership_id in self.membership_ids:
            row = session.get(GroupMembership, membership_id)
            if row is not None:
                session.delete(row)
        if self.group_added is not None:
            self.group_added.take_out(session)
        session.flush()

    def redo(self, session: Session) -> None:
        if self.group_added is not None:
            self.group_added.put_back(session)
        session.add_all(GroupMembership(**values) for values in self.memberships)
        session.flush()


def _year_of(session: Session, day: dt.date) -> AcademicYear:
    """The academic year holding ``day``, or ``DomainError`` when none does."""
    return groups.year_holding(session, day)


def _chosen_group(
    session: Session, provision: Provision, group_id: int, year: AcademicYear, year_group_id: int
) -> ProvisionGroup:
    """The group asked for, refused unless it is the provision's, in that year and year group."""
    group = groups.get_group(session, group_id)
    label = group.name or provision.name
    if group.provision_id != provision.id:
        raise DomainError(f"{label} is not a group of {provision.name}.")
    if group.academic_year_id != year.id:
        raise DomainError(f"{label} is a group of {group.academic_year.label}, not {year.label}.")
    if group.year_group_id is not None and group.year_group_id != year_group_id:
        names = _names(session)
        raise DomainError(
            f"{label} is a {names.get(group.year_group_id, 'different')} group, "
            f"not {names.get(year_group_id, 'the year group chosen')}."
        )
    return group


#: The groups of a provision for a year group running in a period (built once).
_RUNNING = (
    select(ProvisionGroup)
    .where(
        ProvisionGroup.provision_id == bindparam("provision_id"),
        ProvisionGroup.year_group_id.is_not_distinct_from(bindparam("year_group_id")),
        ProvisionGroup.academic_year_id == bindparam("year_id"),
        ProvisionGroup.start_date <= bindparam("last"),
        ProvisionGroup.end_date >= bindparam("first"),
    )
    .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
)
#: Pupils by id, and the group's members on a day (built once).
_PUPILS = select(Pupil).where(Pupil.id.in_(bindparam("ids", expanding=True)))
_MEMBERS_ON = select(GroupMembership.pupil_id).where(
    GroupMembership.group_id == bindparam("group_id"),
    or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= bindparam("day")),
)


def _running_group(
    session: Session,
    provision: Provision,
    year_group_id: int,
    year: AcademicYear,
    period: tuple[dt.date, dt.date],
) -> ProvisionGroup | None:
    """The one group of the provision for the year group in the period, if any."""
    running = session.scalars(
        _RUNNING,
        {
            "provision_id": provision.id,
            "year_group_id": year_group_id,
            "year_id": year.id,
            "first": period[0],
            "last": period[1],
        },
    ).all()
    if len(running) > 1:
        raise GroupChoiceNeeded(
            f"{provision.name} has {len(running)} groups for "
            f"{_names(session).get(year_group_id, 'that year group')} in this period: "
            "choose one of them.",
            [group_choice(session, g) for g in running],
        )
    return running[0] if running else None


def allocate(
    session: Session,
    provision_id: int,
    year_group_id: int,
    pupil_ids: Sequence[int],
    join_date: dt.date,
    group_id: int | None = None,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    warn: bool = True,
) -> Allocation:
    """Allocate pupils to a provision for a year group, from ``join_date``.

    ``period`` is the span the map shows (by default the join date alone); the
    academic year is the one holding its first day. With ``group_id`` the pupils join
    that group, which must be the provision's, in that year and (when it has one) that
    year group. Without it they join the one group running in the period, or a new
    group with the provision's defaults (see ``services.allocation.new_group_dates``);
    with several running, ``GroupChoiceNeeded`` lists them and nothing changes. Current
    members are skipped; a pupil joins on ``join_date`` or the group's first day,
    whichever is later. Other warnings (size, year group, needs) never block.
    """
    provision = session.get(Provision, provision_id)
    if provision is None:
        raise DomainError("That provision no longer exists.")
    period = period or (join_date, join_date)
    group, added = _group_to_join(session, provision, year_group_id, group_id, period, join_date)
    start = max(join_date, group.start_date)
    if start > group.end_date:
        raise DomainError(f"{group.name or provision.name} ended on {format_date(group.end_date)}.")
    joining, skipped = _newcomers(session, group.id, pupil_ids, start, added is not None)
    for pupil in joining:  # next year's intake, recorded ahead, is planned, not placed
        if pupil.on_roll_date is not None and pupil.on_roll_date > group.end_date:
            raise DomainError(
                f"{pupil.display_name} joins the school on {format_date(pupil.on_roll_date)}, "
                f"after {group.name or provision.name} ends: plan for them on the Planning "
                "screen for their first year."
            )
    warnings = (
        allocation_warnings(
            session,
            provision,
            group,
            joining,
            on_date=start,
            year_group_id=year_group_id,
            new_group=added is not None,
        )
        if warn
        else []
    )
    rows = [GroupMembership(group_id=group.id, pupil_id=p.id, join_date=start) for p in joining]
    session.add_all(rows)
    session.flush()  # once for them all: the ids are known after it
    return Allocation(
        group.id, added, [values_of(m, MEMBERSHIP_COLUMNS) for m in rows], skipped, warnings
    )


def _group_to_join(
    session: Session,
    provision: Provision,
    year_group_id: int,
    group_id: int | None,
    period: tuple[dt.date, dt.date],
    join_date: dt.date,
) -> tuple[ProvisionGroup, GroupAdded | None]:
    """The group an allocation joins, and the change that made it when it is new.

    The group asked for (checked), else the one running in the period, else a new one.
    """
    year = _year_of(session, period[0])
    if group_id is not None:
        return _chosen_group(session, provision, group_id, year, year_group_id), None
    found = _running_group(session, provision, year_group_id, year, period)
    if found is not None:
        return found, None
    start, end = new_group_dates(session, provision, year.id, *period, join_date)
    added = groups.create(session, provision.id, year_group_id, start, end)
    return groups.get_group(session, added.group_id), added


def _newcomers(
    session: Session, group_id: int, pupil_ids: Sequence[int], start: dt.date, new_group: bool
) -> tuple[list[Pupil], list[int]]:
    """The pupils who join the group on ``start``, and the ids of those already in it.

    Each pupil counts once; an id with no pupil is refused. A group made just now for
    them (``new_group``) has nobody in it yet.
    """
    unique = list(dict.fromkeys(pupil_ids))
    by_id = {p.id: p for p in session.scalars(_PUPILS, {"ids": unique})}
    missing = [pid for pid in unique if pid not in by_id]
    if missing:
        raise DomainError(f"No pupil with id {missing[0]}.")
    current: set[int] = set()
    if not new_group:
        current = set(session.scalars(_MEMBERS_ON, {"group_id": group_id, "day": start}))
    joining = [by_id[pid] for pid in unique if pid not in current]
    return joining, [pid for pid in unique if pid in current]


# -- ending and dates -------------------------------------------------------------------


@dataclass
class Ended(Change):
    """Leave dates recorded: undo puts each back as it was (cleared if there was none)."""

    leave_date: dt.date
    #: (membership id, group id, leave date before)
    before: list[tuple[int, int, dt.date | None]]

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return groups_changed({group_id for _m, group_id, _d in self.before})

    def touched(self) -> Sequence[RowKey]:
        return [(GroupMembership, membership_id) for membership_id, _g, _d in self.before]

    def undo(self, session: Session) -> None:
        for membership_id, _group_id, previous in self.before:
            get_membership(session, membership_id).leave_date = previous
        session.flush()

    def redo(self, session: Session) -> None:
        for membership_id, _group_id, _previous in self.before:
            get_membership(session, membership_id).leave_date = self.leave_date
        session.flush()


def end(session: Session, membership_ids: Sequence[int], leave_date: dt.date) -> Ended:
    """Record the day pupils leave their groups; the memberships are kept as history."""
    rows = [get_membership(session, m) for m in membership_ids]
    for membership in rows:
        if leave_date < membership.join_date:
            raise DomainError(
                f"This allocation starts on {format_date(membership.join_date)}; "
                "it cannot end before then."
            )
    change = Ended(leave_date, [(m.id, m.group_id, m.leave_date) for m in rows])
    change.redo(session)
    return change


def _checked_join(_session: Session, membership: GroupMembership, value: Any) -> dt.date:
    """A join date on or before the leave date, if there is one."""
    if not isinstance(value, dt.date):
        raise DomainError("An allocation needs a join date.")
    if membership.leave_date is not None and value > membership.leave_date:
        raise DomainError(
            f"The join date, {format_date(value)}, is after the leave date, "
            f"{format_date(membership.leave_date)}."
        )
    return value


def _checked_leave(_session: Session, membership: GroupMembership, value: Any) -> dt.date | None:
    """No leave date, or one on or after the join date."""
    if value is not None and value < membership.join_date:
        raise DomainError(
            f"The leave date, {format_date(value)}, is before the join date, "
            f"{format_date(membership.join_date)}."
        )
    return value


MEMBERSHIP_RULES: dict[str, FieldRule] = {
    "join_date": _checked_join,
    "leave_date": _checked_leave,
}


def update(session: Session, membership_id: int, field_name: str, value: Any) -> Change:
    """Set an allocation's join or leave date (a leave date may be cleared)."""
    membership = get_membership(session, membership_id)
    return set_field(
        session,
        GroupMembership,
        membership_id,
        field_name,
        value,
        MEMBERSHIP_RULES,
        groups_changed([membership.group_id]),
    )
