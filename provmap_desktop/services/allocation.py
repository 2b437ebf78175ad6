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

from ..models import AcademicYear, GroupMembership, Provision, ProvisionGroup, Pupil, YearGroup
from ..models.vocab import AREA_LABELS, NEED_TO_AREA, AreaOfNeed
from .calendar import calendar_for_year
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


class GroupChoiceNeeded(ValueError):
    """Several groups run in the cell and none was chosen; ``choices`` lists them."""

    def __init__(self, message: str, choices: list[GroupChoice]) -> None:
        super().__init__(message)
        self.choices = choices


@dataclass
class AllocationResult:
    """What ``allocate_pupils`` did. ``choices`` is only filled by a caller that caught
    ``GroupChoiceNeeded`` (the map's undo command), to ask which group and go again."""

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
class GroupStartResult:
    """A group's first day moved, with the members whose join date moved with it."""

    group_id: int
    old_start: dt.date
    new_start: dt.date
    #: (membership id, join date before the move)
    moved_joins: tuple[tuple[int, dt.date], ...]


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


def new_group_dates(
    session: Session,
    provision: Provision,
    academic_year_id: int,
    period_start: dt.date,
    period_end: dt.date,
    join_date: dt.date,
) -> tuple[dt.date, dt.date]:
    """The first and last day of a new group of ``provision`` made on ``join_date``.

    It starts on the join date (inside the period), or on the first day of the next
    term when that day falls between terms (a term not yet started), and runs for the
    provision's number of teaching weeks, holidays skipped, stopping at the end of the
    academic year. A provision with no weeks set runs to the end of the year.
    """
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year_id}.")
    calendar = calendar_for_year(session, year)
    start = min(max(join_date, period_start), period_end)
    start = min(calendar.term_day_on_or_after(start), year.end_date)
    if provision.weeks <= 0:
        return start, year.end_date
    return start, calendar.end_of_teaching_weeks(start, provision.weeks, year.end_date)


def _new_group(
    session: Session,
    provision: Provision,
    year_group_id: int,
    academic_year_id: int,
    period_start: dt.date,
    period_end: dt.date,
    join_date: dt.date,
) -> ProvisionGroup:
    """A group with the provision's defaults, dated by ``new_group_dates``."""
    year_group = session.get(YearGroup, year_group_id)
    if year_group is None:
        raise ValueError(f"No year group with id {year_group_id}.")
    start, end = new_group_dates(
        session, provision, academic_year_id, period_start, period_end, join_date
    )
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
        start_date=start,
        end_date=end,
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
    with_warnings: bool = True,
) -> AllocationResult:
    """Add pupils to the provision's group for that year group and period.

    With ``group_id`` the pupils join that group, which must be a group of the
    provision, the academic year and (when it has one) the year group. Without it they
    join the one group running in the period, or a new group made with the provision's
    defaults if there is none (see ``new_group_dates``); if there are several, nothing
    changes and ``GroupChoiceNeeded`` is raised with the groups to choose from. Pupils
    already current members of the group on the join date are skipped. A pupil joins on
    ``join_date`` or the group's first day, whichever is later. A pupil of another year
    group than the cell's is warned about, not refused.
    """
    provision = session.get(Provision, provision_id)
    if provision is None:
        raise ValueError(f"No provision with id {provision_id}.")
    result = AllocationResult()
    if group_id is not None:
        group = _group(session, group_id)
        label = group.name or provision.name
        if group.provision_id != provision_id:
            raise ValueError(f"Group {group_id} is not a group of {provision.name}.")
        if group.academic_year_id != academic_year_id:
            years = dict(session.execute(select(AcademicYear.id, AcademicYear.label)).all())
            raise ValueError(
                f"{label} is a group of {years.get(group.academic_year_id, 'another year')}, "
                f"not {years.get(academic_year_id, 'the year shown')}."
            )
        if group.year_group_id is not None and group.year_group_id != year_group_id:
            names = _year_group_names(session)
            raise ValueError(
                f"{label} is a {names.get(group.year_group_id, 'different')} group, "
                f"not {names.get(year_group_id, 'the year group chosen')}."
            )
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
            names = _year_group_names(session)
            raise GroupChoiceNeeded(
                f"{provision.name} has {len(running)} groups for "
                f"{names.get(year_group_id, 'that year group')} in this period: "
                "choose one of them.",
                [_choice(session, g) for g in running],
            )
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
    if with_warnings:
        result.warnings = allocation_warnings(
            session, provision, group, joining, on_date=start, year_group_id=year_group_id
        )
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


def move_group_start(session: Session, group_id: int, new_start: dt.date) -> GroupStartResult:
    """Move a group's first day; members who joined on the old first day (or before the
    new one) join on the new one. Refused when it would follow the group's last day or
    a member's leave date, or come before its academic year."""
    group = _group(session, group_id)
    if new_start > group.end_date:
        raise ValueError(
            f"{format_date(new_start)} is after its last day, {format_date(group.end_date)}."
        )
    year = group.academic_year
    if new_start < year.start_date:
        raise ValueError(
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
            raise ValueError(
                f"{membership.pupil.display_name} left on {format_date(membership.leave_date)}, "
                f"before {format_date(new_start)}: end or remove that allocation first."
            )
    result = GroupStartResult(
        group_id, old_start, new_start, tuple((m.id, m.join_date) for m in moving)
    )
    redo_group_start(session, result)
    return result


def undo_group_start(session: Session, result: GroupStartResult) -> None:
    """Put the group's first day and the moved join dates back."""
    _group(session, result.group_id).start_date = result.old_start
    for membership_id, join_date in result.moved_joins:
        _membership(session, membership_id).join_date = join_date
    session.flush()


def redo_group_start(session: Session, result: GroupStartResult) -> None:
    _group(session, result.group_id).start_date = result.new_start
    for membership_id, _join_date in result.moved_joins:
        _membership(session, membership_id).join_date = result.new_start
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
    year_group_id: int | None = None,
) -> list[str]:
    """Plain-word warnings about putting ``pupils`` in ``group``; none of them blocks.

    - a pupil is in another year group than the group's (``year_group_id``, by default
      the group's own);

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
    if year_group_id is None and group is not None:
        year_group_id = group.year_group_id
    names = _year_group_names(session) if suitable or year_group_id is not None else {}
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
        if (
            year_group_id is not None
            and pupil.year_group_id is not None
            and pupil.year_group_id != year_group_id
        ):
            theirs = names.get(pupil.year_group_id, "another year group")
            ours = names.get(year_group_id, "the group's year group")
            warnings.append(f"{name} is in {theirs}, not {ours} like this group.")
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
