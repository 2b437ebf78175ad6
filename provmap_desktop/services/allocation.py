"""The allocation rules behind the map's drag and drop and its keyboard path.

Every change keeps history: moving a pupil ends one membership and starts another,
ending an allocation records a leave date, and nothing here deletes a membership
except the undo of an allocation that created it. Each operation returns a result
that holds what its undo and redo need to restore the rows exactly, with the same
ids, so later commands on an undo stack still find the rows they refer to.

Nothing here commits: the caller (an undo command) commits, so one user action is
one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import GroupMembership, Provision, ProvisionGroup, Pupil, YearGroup
from ..models.vocab import AREA_LABELS, NEED_TO_AREA, AreaOfNeed
from .formatting import format_date

_DAY = dt.timedelta(days=1)
_GROUP_COLUMNS = (
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
_MEMBERSHIP_COLUMNS = ("id", "group_id", "pupil_id", "join_date", "leave_date")


def _values(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in columns}


@dataclass(frozen=True)
class GroupChoice:
    """A group the user may choose when a cell holds several."""

    group_id: int
    name: str
    staff_name: str
    start_date: dt.date
    end_date: dt.date
    members: int


@dataclass
class AllocationResult:
    """What ``allocate_pupils`` did, or the groups to choose from if it did nothing."""

    group_id: int | None = None
    created_group: dict[str, Any] | None = None
    created_memberships: list[dict[str, Any]] = field(default_factory=list)
    skipped_pupil_ids: list[int] = field(default_factory=list)
    choices: list[GroupChoice] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_group_choice(self) -> bool:
        return bool(self.choices)

    @property
    def membership_ids(self) -> list[int]:
        return [m["id"] for m in self.created_memberships]


@dataclass(frozen=True)
class MoveResult:
    """A move: the old membership's leave date before and after, and the new one."""

    membership_id: int
    old_group_id: int
    to_group_id: int
    previous_leave_date: dt.date | None
    ended_on: dt.date | None
    #: The membership that carries on in the new group; None when the old one was
    #: re-pointed instead (a move on or before its join date has no history to keep).
    new_membership: dict[str, Any] | None


@dataclass(frozen=True)
class EndResult:
    membership_id: int
    previous_leave_date: dt.date | None
    leave_date: dt.date


def _membership(session: Session, membership_id: int) -> GroupMembership:
    membership = session.get(GroupMembership, membership_id)
    if membership is None:
        raise ValueError(f"No allocation with id {membership_id}.")
    return membership


def _group(session: Session, group_id: int) -> ProvisionGroup:
    group = session.get(ProvisionGroup, group_id)
    if group is None:
        raise ValueError(f"No group with id {group_id}.")
    return group


def _choice(session: Session, group: ProvisionGroup) -> GroupChoice:
    members = session.scalar(
        select(func.count(func.distinct(GroupMembership.pupil_id))).where(
            GroupMembership.group_id == group.id, GroupMembership.leave_date.is_(None)
        )
    )
    staff = group.staff.name if group.staff else ""
    return GroupChoice(group.id, group.name, staff, group.start_date, group.end_date, members or 0)


def _new_group(
    session: Session,
    provision: Provision,
    year_group_id: int,
    academic_year_id: int,
    period_start: dt.date,
    period_end: dt.date,
    join_date: dt.date,
) -> ProvisionGroup:
    """A group with the provision's defaults, from the join date to the period's end."""
    year_group = session.get(YearGroup, year_group_id)
    if year_group is None:
        raise ValueError(f"No year group with id {year_group_id}.")
    earlier = session.scalar(
        select(func.count(ProvisionGroup.id)).where(
            ProvisionGroup.provision_id == provision.id,
            ProvisionGroup.year_group_id == year_group_id,
            ProvisionGroup.academic_year_id == academic_year_id,
        )
    )
    group = ProvisionGroup(
        provision_id=provision.id,
        academic_year_id=academic_year_id,
        year_group_id=year_group_id,
        name=f"{year_group.name} group {(earlier or 0) + 1}",
        start_date=min(max(join_date, period_start), period_end),
        end_date=period_end,
    )
    session.add(group)
    session.flush()
    return group


def allocate_pupils(
    session: Session,
    *,
    provision_id: int,
    year_group_id: int,
    academic_year_id: int,
    period_start: dt.date,
    period_end: dt.date,
    pupil_ids: Sequence[int],
    group_id: int | None = None,
    join_date: dt.date,
) -> AllocationResult:
    """Add pupils to the provision's group for that year group and period.

    With ``group_id`` the pupils join that group. Without it they join the one group
    running in the period, or a new group made with the provision's defaults if there
    is none; if there are several, nothing changes and the result lists them as
    ``choices``. Pupils already current members of the group on the join date are
    skipped. A pupil joins on ``join_date`` or the group's first day, whichever is later.
    """
    provision = session.get(Provision, provision_id)
    if provision is None:
        raise ValueError(f"No provision with id {provision_id}.")
    result = AllocationResult()
    if group_id is not None:
        group = _group(session, group_id)
        if group.provision_id != provision_id:
            raise ValueError(f"Group {group_id} is not a group of {provision.name}.")
    else:
        running = session.scalars(
            select(ProvisionGroup)
            .where(
                ProvisionGroup.provision_id == provision_id,
                ProvisionGroup.year_group_id == year_group_id,
                ProvisionGroup.academic_year_id == academic_year_id,
                ProvisionGroup.start_date <= period_end,
                ProvisionGroup.end_date >= period_start,
            )
            .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
        ).all()
        if len(running) > 1:
            result.choices = [_choice(session, g) for g in running]
            return result
        if running:
            group = running[0]
        else:
            group = _new_group(
                session,
                provision,
                year_group_id,
                academic_year_id,
                period_start,
                period_end,
                join_date,
            )
            result.created_group = _values(group, _GROUP_COLUMNS)
    result.group_id = group.id
    start = max(join_date, group.start_date)
    if start > group.end_date:
        raise ValueError(f"{group.name or provision.name} ended on {format_date(group.end_date)}.")
    current = set(
        session.scalars(
            select(GroupMembership.pupil_id).where(
                GroupMembership.group_id == group.id,
                or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= start),
            )
        )
    )
    pupils = session.scalars(select(Pupil).where(Pupil.id.in_(pupil_ids))).all()
    by_id = {p.id: p for p in pupils}
    missing = [pid for pid in pupil_ids if pid not in by_id]
    if missing:
        raise ValueError(f"No pupil with id {missing[0]}.")
    joining = [by_id[pid] for pid in dict.fromkeys(pupil_ids) if pid not in current]
    result.skipped_pupil_ids = [pid for pid in dict.fromkeys(pupil_ids) if pid in current]
    result.warnings = allocation_warnings(session, provision, group, joining, on_date=start)
    added = [GroupMembership(group_id=group.id, pupil_id=p.id, join_date=start) for p in joining]
    session.add_all(added)
    session.flush()  # once for them all: the ids are known after it
    result.created_memberships = [_values(m, _MEMBERSHIP_COLUMNS) for m in added]
    return result


def undo_allocation(session: Session, result: AllocationResult) -> None:
    """Delete the memberships the allocation made, and the group if it made one."""
    for values in result.created_memberships:
        membership = session.get(GroupMembership, values["id"])
        if membership is not None:
            session.delete(membership)
    session.flush()
    if result.created_group is not None:
        group = session.get(ProvisionGroup, result.created_group["id"])
        if group is not None:
            session.delete(group)
    session.flush()


def redo_allocation(session: Session, result: AllocationResult) -> None:
    """Put back exactly the rows ``undo_allocation`` removed, with the same ids."""
    if result.created_group is not None:
        session.add(ProvisionGroup(**result.created_group))
        session.flush()
    for values in result.created_memberships:
        session.add(GroupMembership(**values))
    session.flush()


def move_membership(
    session: Session, membership_id: int, to_group_id: int, on_date: dt.date
) -> MoveResult:
    """Move a pupil to another group from ``on_date``, keeping the history.

    The old membership ends the day before ``on_date`` and a new one starts on it,
    keeping any planned leave date. A membership that has not started by then is
    re-pointed to the new group instead, since there is no history to keep.
    """
    membership = _membership(session, membership_id)
    target = _group(session, to_group_id)
    old_group_id = membership.group_id
    if target.id == old_group_id:
        raise ValueError("The pupil is already in that group.")
    if membership.leave_date is not None and membership.leave_date < on_date:
        raise ValueError(f"That allocation ended on {format_date(membership.leave_date)}.")
    previous = membership.leave_date
    if membership.join_date >= on_date:
        membership.group_id = target.id
        session.flush()
        return MoveResult(membership.id, old_group_id, target.id, previous, previous, None)
    membership.leave_date = on_date - _DAY
    new = GroupMembership(
        group_id=target.id, pupil_id=membership.pupil_id, join_date=on_date, leave_date=previous
    )
    session.add(new)
    session.flush()
    return MoveResult(
        membership.id,
        old_group_id,
        target.id,
        previous,
        membership.leave_date,
        _values(new, _MEMBERSHIP_COLUMNS),
    )


def undo_move(session: Session, result: MoveResult) -> None:
    """Restore the membership as it was before the move; remove the new one."""
    membership = _membership(session, result.membership_id)
    if result.new_membership is not None:
        new = session.get(GroupMembership, result.new_membership["id"])
        if new is not None:
            session.delete(new)
    membership.group_id = result.old_group_id
    membership.leave_date = result.previous_leave_date
    session.flush()


def redo_move(session: Session, result: MoveResult) -> None:
    """Apply the move again exactly, with the same new membership id."""
    membership = _membership(session, result.membership_id)
    if result.new_membership is None:
        membership.group_id = result.to_group_id
    else:
        membership.leave_date = result.ended_on
        session.add(GroupMembership(**result.new_membership))
    session.flush()


def end_membership(session: Session, membership_id: int, leave_date: dt.date) -> EndResult:
    """Record the day the pupil leaves the group. The membership is kept."""
    membership = _membership(session, membership_id)
    if leave_date < membership.join_date:
        raise ValueError(
            f"This allocation starts on {format_date(membership.join_date)}; "
            "it cannot end before then."
        )
    result = EndResult(membership.id, membership.leave_date, leave_date)
    membership.leave_date = leave_date
    session.flush()
    return result


def undo_end(session: Session, result: EndResult) -> None:
    """Put the leave date back as it was (cleared if there was none)."""
    _membership(session, result.membership_id).leave_date = result.previous_leave_date
    session.flush()


def redo_end(session: Session, result: EndResult) -> None:
    _membership(session, result.membership_id).leave_date = result.leave_date
    session.flush()


def _year_group_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(YearGroup.id, YearGroup.name)).all())  # type: ignore[arg-type]


def allocation_warnings(
    session: Session,
    provision: Provision,
    group: ProvisionGroup | None,
    pupils: Sequence[Pupil],
    *,
    on_date: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> list[str]:
    """Plain-word warnings about putting ``pupils`` in ``group``; none of them blocks.

    - the group would hold more pupils than its size (members current on ``on_date``,
      by default the group's first day, plus the newcomers; archived pupils have
      left the school and take no place);
    - the provision is not marked suitable for a pupil's year group (only checked
      when the provision lists suitable year groups);
    - a pupil already has this provision in the period (another membership of any of
      its groups overlapping the group's dates, or ``period`` when there is no group);
    - none of a pupil's recorded needs falls in the provision's area of need (pupils
      with no need that maps to an area are not flagged).
    """
    warnings: list[str] = []
    if group is not None:
        first, last = group.start_date, group.end_date
    elif period is not None:
        first, last = period
    else:
        first = last = on_date or dt.date.today()
    day = on_date or first
    size = group.effective_max_size if group is not None else provision.group_size
    current: set[int] = set()
    if group is not None and group.id is not None:
        current = set(
            session.scalars(
                select(GroupMembership.pupil_id)
                .join(Pupil)
                .where(
                    GroupMembership.group_id == group.id,
                    Pupil.archived.is_(False),
                    GroupMembership.join_date <= day,
                    or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= day),
                )
            )
        )
    total = len(current | {p.id for p in pupils})
    if total > size:
        warnings.append(f"Group of {size}: now {total} pupils")

    suitable = {yg.id for yg in provision.suitable_year_groups}
    names = _year_group_names(session) if suitable else {}
    area = AreaOfNeed(provision.area)
    existing: dict[int, list[str]] = {}
    query = (
        select(GroupMembership.pupil_id, ProvisionGroup.name)
        .join(ProvisionGroup)
        .where(
            ProvisionGroup.provision_id == provision.id,
            GroupMembership.pupil_id.in_([p.id for p in pupils]),
            GroupMembership.join_date <= last,
            or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= first),
        )
    )
    if group is not None and group.id is not None:
        query = query.where(ProvisionGroup.id != group.id)
    for pupil_id, group_name in session.execute(query):
        existing.setdefault(pupil_id, []).append(group_name)

    for pupil in pupils:
        name = pupil.display_name
        if suitable and pupil.year_group_id is not None and pupil.year_group_id not in suitable:
            year_name = names.get(pupil.year_group_id, "their year group")
            warnings.append(
                f"{name} is in {year_name}: {provision.name} is not marked as suitable "
                "for that year group."
            )
        if pupil.id in existing:
            where = ", ".join(n for n in existing[pupil.id] if n)
            warnings.append(
                f"{name} already has {provision.name} in this period"
                + (f" ({where})." if where else ".")
            )
        needs = [n for n in (pupil.primary_need, pupil.secondary_need) if n]
        areas = {NEED_TO_AREA[n] for n in needs if n in NEED_TO_AREA}
        if areas and area not in areas:
            warnings.append(
                f"{name}'s needs ({', '.join(needs)}) are not in {AREA_LABELS[area].lower()}, "
                f"the area of {provision.name}."
            )
    return warnings
