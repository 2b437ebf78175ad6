"""Undo commands for the map: allocate, move, end. Each applies through the allocation
service, which returns what its exact undo needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain.change import Changed, Kind
from ...models import GroupMembership, GroupSlot, ProvisionGroup
from ...services.allocation import (
    AllocationResult,
    EndResult,
    GroupChoiceNeeded,
    GroupStartResult,
    MoveResult,
    allocate_pupils,
    end_membership,
    move_group_start,
    move_membership,
    redo_allocation,
    redo_end,
    redo_group_start,
    redo_move,
    undo_allocation,
    undo_end,
    undo_group_start,
    undo_move,
)
from ...ui.context import AppContext
from ...ui.edits import SavedCommand, add_row

KIND = Kind.GROUPS


@dataclass(frozen=True)
class AllocationRequest:
    provision_id: int
    year_group_id: int
    academic_year_id: int
    period_start: dt.date
    period_end: dt.date
    pupil_ids: tuple[int, ...]
    join_date: dt.date
    group_id: int | None = None


def _changed(group_ids: set[int]) -> Changed:
    """Groups changed, naming which, so the map can refresh just those."""
    return Changed.of(KIND, group_ids=group_ids)


class AllocateCommand(SavedCommand):
    def __init__(self, ctx: AppContext, request: AllocationRequest, label: str) -> None:
        super().__init__(ctx, label)
        self.request = request
        self.result: AllocationResult | None = None

    def apply(self) -> None:
        if self.result is None:
            r = self.request
            try:
                self.result = allocate_pupils(
                    self.ctx.session,
                    provision_id=r.provision_id,
                    year_group_id=r.year_group_id,
                    academic_year_id=r.academic_year_id,
                    period_start=r.period_start,
                    period_end=r.period_end,
                    pupil_ids=list(r.pupil_ids),
                    group_id=r.group_id,
                    join_date=r.join_date,
                )
            except GroupChoiceNeeded as exc:
                # Nothing changed: the screen asks which group and tries again.
                self.result = AllocationResult(choices=exc.choices)
        else:
            redo_allocation(self.ctx.session, self.result)

    def is_noop(self) -> bool:
        return self.result is None or self.result.needs_group_choice

    def revert(self) -> None:
        if self.result is not None:
            undo_allocation(self.ctx.session, self.result)

    @property
    def group_ids(self) -> set[int]:
        return {self.result.group_id} if self.result and self.result.group_id else set()

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return _changed(self.group_ids)


class MoveCommand(SavedCommand):
    """Move chips to a group; with ``new_group_from`` a new group like that one is made."""

    def __init__(
        self,
        ctx: AppContext,
        membership_ids: list[int],
        on_date: dt.date,
        label: str,
        *,
        to_group_id: int | None = None,
        new_group_from: int | None = None,
    ) -> None:
        super().__init__(ctx, label)
        self.membership_ids = membership_ids
        self.on_date = on_date
        self.to_group_id = to_group_id
        self.new_group_from = new_group_from
        self.new_group: ProvisionGroup | None = None
        self.results: list[MoveResult] = []

    def apply(self) -> None:
        session = self.ctx.session
        if self.new_group_from is not None:
            if self.new_group is None:
                self.new_group = _copy_group(session, self.new_group_from)
            else:
                add_row(session, self.new_group)
            session.flush()
            self.to_group_id = self.new_group.id
        assert self.to_group_id is not None
        if self.results:
            for result in self.results:
                redo_move(session, result)
            return
        self.results = [
            move_membership(session, m, self.to_group_id, self.on_date) for m in self.membership_ids
        ]

    @property
    def group_ids(self) -> set[int]:
        ids = {r.old_group_id for r in self.results} | {r.to_group_id for r in self.results}
        if self.to_group_id is not None:
            ids.add(self.to_group_id)
        return ids

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return _changed(self.group_ids)

    def revert(self) -> None:
        session = self.ctx.session
        for result in reversed(self.results):
            undo_move(session, result)
        if self.new_group is not None:
            session.delete(self.new_group)
            session.flush()


class GroupStartCommand(SavedCommand):
    """Move a group's first day, and the join date of members who joined on it."""

    def __init__(self, ctx: AppContext, group_id: int, new_start: dt.date, label: str) -> None:
        super().__init__(ctx, label)
        self.group_id = group_id
        self.new_start = new_start
        self.result: GroupStartResult | None = None
        self.changed = _changed({group_id})

    def apply(self) -> None:
        if self.result is None:
            self.result = move_group_start(self.ctx.session, self.group_id, self.new_start)
        else:
            redo_group_start(self.ctx.session, self.result)

    def revert(self) -> None:
        if self.result is not None:
            undo_group_start(self.ctx.session, self.result)


class EndCommand(SavedCommand):
    def __init__(
        self, ctx: AppContext, membership_ids: list[int], leave_date: dt.date, label: str
    ) -> None:
        super().__init__(ctx, label)
        self.membership_ids = membership_ids
        self.leave_date = leave_date
        self.results: list[EndResult] = []
        self.group_ids: set[int] = set()

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        return _changed(self.group_ids)

    def apply(self) -> None:
        session = self.ctx.session
        for membership_id in self.membership_ids:
            membership = session.get(GroupMembership, membership_id)
            if membership is not None:
                self.group_ids.add(membership.group_id)
        if self.results:
            for result in self.results:
                redo_end(session, result)
            return
        self.results = [end_membership(session, m, self.leave_date) for m in self.membership_ids]

    def revert(self) -> None:
        for result in reversed(self.results):
            undo_end(self.ctx.session, result)


def _copy_group(session, group_id: int) -> ProvisionGroup:  # type: ignore[no-untyped-def]
    """A new, empty group with the same provision, year group, dates and staff."""
    source = session.get(ProvisionGroup, group_id)
    if source is None:
        raise ValueError("That group no longer exists.")
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
    return group


class MoveToCellCommand(SavedCommand):
    """Move chips to a cell with no group yet: make the group there, then move them in."""

    def __init__(
        self, ctx: AppContext, request: AllocationRequest, membership_ids: list[int], label: str
    ) -> None:
        super().__init__(ctx, label)
        self.make_group = AllocateCommand(ctx, request, label)
        self.membership_ids = membership_ids
        self.on_date = request.join_date
        self.move: MoveCommand | None = None

    def apply(self) -> None:
        self.make_group.apply()
        result = self.make_group.result
        if result is None or result.group_id is None:
            raise ValueError("No group could be made there.")
        if self.move is None:
            self.move = MoveCommand(
                self.ctx,
                self.membership_ids,
                self.on_date,
                self.text(),
                to_group_id=result.group_id,
            )
        self.move.apply()

    @property
    def changed(self) -> Changed:  # type: ignore[override]
        moved = self.move.group_ids if self.move is not None else set()
        return _changed(self.make_group.group_ids | moved)

    def revert(self) -> None:
        if self.move is not None:
            self.move.revert()
        self.make_group.revert()
