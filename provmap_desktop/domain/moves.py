"""Moving allocations: pupils changing group, keeping the history of where they were.

A move ends the old membership the day before and starts a new one, unless the old
one had not started (then it is re-pointed). Each write returns a ``Change`` whose undo
puts every membership back exactly, with the same ids.

    moves.move(session, [membership_id], to_group_id, day)
    session.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..models import GroupMembership, ProvisionGroup
from ..services.formatting import format_date
from . import groups
from .change import Change, Changed, DomainError, RowKey, Steps
from .groups import groups_changed, values_of
from .memberships import MEMBERSHIP_COLUMNS, allocate, get_membership

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class _Moved:
    """One membership moved: its leave date before and after, and the new one."""

    membership_id: int
    from_group_id: int
    previous_leave_date: dt.date | None
    ended_on: dt.date | None
    #: The membership that carries on in the new group; None when the old one was
    #: re-pointed instead (a move on or before its join date has no history to keep).
    new_membership: dict[str, Any] | None


@dataclass
class Moved(Change):
    """Memberships moved to ``to_group_id``: undo puts each back as it was."""

    to_group_id: int
    moves: list[_Moved]

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return groups_changed({self.to_group_id, *(m.from_group_id for m in self.moves)})

    @property
    def new_membership_ids(self) -> list[int]:
        """The ids of the memberships that carry on in the new group."""
        return [m.new_membership["id"] for m in self.moves if m.new_membership is not None]

    def touched(self) -> Sequence[RowKey]:
        keys: list[RowKey] = []
        for move in self.moves:
            keys.append((GroupMembership, move.membership_id))
            if move.new_membership is not None:
                keys.append((GroupMembership, move.new_membership["id"]))
        return keys

    def undo(self, session: Session) -> None:
        for move in reversed(self.moves):
            membership = get_membership(session, move.membership_id)
            if move.new_membership is not None:
                new = session.get(GroupMembership, move.new_membership["id"])
                if new is not None:
                    session.delete(new)
            membership.group_id = move.from_group_id
            membership.leave_date = move.previous_leave_date
        session.flush()

    def redo(self, session: Session) -> None:
        for move in self.moves:
            membership = get_membership(session, move.membership_id)
            if move.new_membership is None:
                membership.group_id = self.to_group_id
            else:
                membership.leave_date = move.ended_on
                session.add(GroupMembership(**move.new_membership))
        session.flush()


def _move_one(
    session: Session, membership_id: int, target: ProvisionGroup, on_date: dt.date
) -> _Moved:
    """Move one allocation to ``target`` from ``on_date``; return how to undo it."""
    membership = get_membership(session, membership_id)
    old_group_id = membership.group_id
    if target.id == old_group_id:
        raise DomainError("The pupil is already in that group.")
    if membership.leave_date is not None and membership.leave_date < on_date:
        raise DomainError(f"That allocation ended on {format_date(membership.leave_date)}.")
    previous = membership.leave_date
    if membership.join_date >= on_date:
        membership.group_id = target.id
        session.flush()
        return _Moved(membership.id, old_group_id, previous, previous, None)
    membership.leave_date = on_date - _DAY
    new = GroupMembership(
        group_id=target.id, pupil_id=membership.pupil_id, join_date=on_date, leave_date=previous
    )
    session.add(new)
    session.flush()
    return _Moved(
        membership.id,
        old_group_id,
        previous,
        membership.leave_date,
        values_of(new, MEMBERSHIP_COLUMNS),
    )


def move(
    session: Session, membership_ids: Sequence[int], to_group_id: int, on_date: dt.date
) -> Moved:
    """Move pupils' allocations to another group from ``on_date``, keeping the history.

    Each old membership ends the day before ``on_date`` and a new one starts on it,
    keeping any planned leave date. A membership that has not started by then is
    re-pointed to the new group instead, since there is no history to keep.
    """
    target = groups.get_group(session, to_group_id)
    return Moved(target.id, [_move_one(session, m, target, on_date) for m in membership_ids])


def move_to_cell(
    session: Session,
    membership_ids: Sequence[int],
    provision_id: int,
    year_group_id: int,
    on_date: dt.date,
    *,
    period: tuple[dt.date, dt.date] | None = None,
) -> Steps:
    """Move allocations to a provision's cell: to its one running group, or a new one."""
    made = allocate(session, provision_id, year_group_id, [], on_date, period=period, warn=False)
    return Steps([made, move(session, membership_ids, made.group_id, on_date)])
