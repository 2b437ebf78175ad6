"""The map's undoable edits: allocate, move, split, end, and a group's first day.

Each is a ``DomainEdit`` around one write of ``domain.memberships``, ``domain.moves`` or
``domain.groups``; the change it returns names the groups touched, so the map
repaints just their rows after the edit, its undo and its redo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...domain import groups, memberships, moves
from ...domain.change import Kind, Steps
from ...ui.context import AppContext
from ...ui.edits import DomainEdit

KIND = Kind.GROUPS


@dataclass(frozen=True)
class AllocationRequest:
    """Where pupils were dropped: a provision's cell for a year group, in a period."""

    provision_id: int
    year_group_id: int
    period: tuple[dt.date, dt.date]
    pupil_ids: tuple[int, ...]
    join_date: dt.date
    group_id: int | None = None


def allocate_edit(ctx: AppContext, request: AllocationRequest, label: str) -> DomainEdit:
    """Allocate the request's pupils (``GroupChoiceNeeded`` when a group must be chosen)."""
    r = request
    return DomainEdit(
        ctx,
        label,
        lambda session: memberships.allocate(
            session,
            r.provision_id,
            r.year_group_id,
            r.pupil_ids,
            r.join_date,
            r.group_id,
            period=r.period,
        ),
    )


def move_edit(
    ctx: AppContext, membership_ids: Sequence[int], to_group_id: int, on_date: dt.date, label: str
) -> DomainEdit:
    """Move allocations to a group from ``on_date``, keeping their history."""
    ids = list(membership_ids)
    return DomainEdit(ctx, label, lambda session: moves.move(session, ids, to_group_id, on_date))


def move_to_cell_edit(
    ctx: AppContext, request: AllocationRequest, membership_ids: Sequence[int], label: str
) -> DomainEdit:
    """Move allocations to a cell with no group yet: its group is made, then they move."""
    ids = list(membership_ids)
    r = request
    return DomainEdit(
        ctx,
        label,
        lambda session: moves.move_to_cell(
            session, ids, r.provision_id, r.year_group_id, r.join_date, period=r.period
        ),
    )


def split_edit(
    ctx: AppContext, like_group_id: int, membership_ids: Sequence[int], on_date: dt.date, label: str
) -> DomainEdit:
    """Move allocations into a new group with ``like_group_id``'s staff, slot and dates."""
    ids = list(membership_ids)
    return DomainEdit(
        ctx, label, lambda session: groups.split(session, like_group_id, ids, on_date)
    )


def end_edit(
    ctx: AppContext, membership_ids: Sequence[int], leave_date: dt.date, label: str
) -> DomainEdit:
    """Record the day pupils leave their groups."""
    ids = list(membership_ids)
    return DomainEdit(ctx, label, lambda session: memberships.end(session, ids, leave_date))


def group_start_edit(ctx: AppContext, group_id: int, new_start: dt.date, label: str) -> DomainEdit:
    """Move a group's first day, and the join date of members who joined on it."""
    return DomainEdit(ctx, label, lambda session: groups.move_start(session, group_id, new_start))


def new_group_allocate_edit(
    ctx: AppContext, like_group_id: int, request: AllocationRequest, label: str
) -> DomainEdit:
    """Allocate the request's pupils to a new group with ``like_group_id``'s staff,
    slot and dates: the group is made, then they join it, as one edit."""
    r = request

    def write(session: Session) -> Steps:
        added = groups.add_like(session, like_group_id)
        joined = memberships.allocate(
            session,
            r.provision_id,
            r.year_group_id,
            r.pupil_ids,
            r.join_date,
            added.group_id,
            period=r.period,
        )
        return Steps([added, joined])

    return DomainEdit(ctx, label, write)
