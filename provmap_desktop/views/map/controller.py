"""What the map does with a drop, a key or a button: allocate, move, split and end.

``MapEditor`` turns a user's gesture into one undoable edit (see ``edits``), asks
which group when a cell holds several, and says what happened in the map's message
line. It changes nothing itself: every write is a domain function.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QModelIndex
from PySide6.QtWidgets import QMenu, QMessageBox

from ...domain.memberships import Allocation, GroupChoiceNeeded
from ...models import AcademicYear, GroupMembership, ProvisionGroup, Pupil
from ...services.allocation import GroupChoice
from ...services.calendar import period_range
from ...ui.edits import DomainEdit, EditRefused, SavedCommand, perform
from .edits import (
    AllocationRequest,
    allocate_edit,
    end_edit,
    move_edit,
    move_to_cell_edit,
    new_group_allocate_edit,
    split_edit,
)
from .mime import MEMBERSHIPS_MIME, PUPILS_MIME, read_ids

if TYPE_CHECKING:
    from .screen import MapScreen

NEW_GROUP = -1
#: Chooses among several running groups: returns a group id, NEW_GROUP, or None to cancel.
GroupChooser = Callable[[list[GroupChoice], QModelIndex, bool], int | None]


def choices_of(groups: list[Any]) -> list[GroupChoice]:
    """The map's groups of a cell as choices to offer."""
    return [
        GroupChoice(g.id, g.name, g.staff_name, g.start_date, g.end_date, len(g.members))
        for g in groups
    ]


class MapEditor:
    """The edit glue of a ``MapScreen``: its drops, keys and buttons become edits."""

    def __init__(self, screen: MapScreen) -> None:
        self.screen = screen
        self.ctx = screen.ctx

    # -- the period shown -------------------------------------------------------------

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day of the period the map shows, if a year is chosen."""
        year_id = self.ctx.academic_year_id
        year = self.ctx.session.get(AcademicYear, year_id) if year_id else None
        if year is None:
            return None
        return period_range(year, self.ctx.term_name)

    def effective_date(self) -> dt.date:
        """Today if inside the chosen period, else its first day (future) or last (past)."""
        period = self.period()
        today = self.ctx.today
        if period is None:
            return today
        start, end = period
        return min(max(today, start), end)

    def _request(
        self, provision_id: int, year_group_id: int | None, pupil_ids: tuple[int, ...]
    ) -> AllocationRequest | None:
        period = self.period()
        if period is None or year_group_id is None:
            self.screen.show_feedback(
                "Choose an academic year, and drop onto a year group's column."
            )
            return None
        return AllocationRequest(
            provision_id, year_group_id, period, pupil_ids, self.effective_date()
        )

    # -- allocating -------------------------------------------------------------------

    def on_drop(
        self, provision_id: int, year_group_id: Any, ids: list[int], kind: str, index: QModelIndex
    ) -> None:
        """Pupils dropped from the tray are allocated; chips dropped are moved."""
        if kind == "pupils":
            self.allocate(provision_id, year_group_id, ids, index)
        else:
            self.move_chips(provision_id, year_group_id, ids, index)

    def allocate(
        self,
        provision_id: int,
        year_group_id: int | None,
        pupil_ids: list[int],
        index: QModelIndex | None = None,
        group_id: int | None = None,
    ) -> DomainEdit | None:
        """Allocate pupils to a cell; asks which group when several run there."""
        if not self._may_edit(index):
            return None
        request = self._request(provision_id, year_group_id, tuple(pupil_ids))
        if request is None:
            return None
        if group_id is not None:
            request = dataclasses.replace(request, group_id=group_id)
        edit = allocate_edit(self.ctx, request, self._allocate_label(pupil_ids))
        try:
            perform(self.ctx, edit)
        except EditRefused as exc:
            if not isinstance(exc.__cause__, GroupChoiceNeeded):
                self.screen.show_feedback(str(exc), index)
                return None
            # Nothing changed and nothing was put on the undo stack: ask, then go again.
            chosen = self.screen.group_chooser(exc.__cause__.choices, index or QModelIndex(), False)
            if chosen is None:
                self.screen.show_feedback("Allocation cancelled: no group chosen.", index)
                return None
            return self.allocate(provision_id, year_group_id, pupil_ids, index, chosen)
        result = edit.change
        assert isinstance(result, Allocation)
        messages = list(result.warnings)
        if result.skipped_pupil_ids:
            messages.append(f"{len(result.skipped_pupil_ids)} already in this group: skipped.")
        joined = len(result.memberships)
        text = f"Allocated {joined} pupil{'s' if joined != 1 else ''}."
        self.screen.show_feedback(" ".join([text, *messages]), index, warning=bool(messages))
        return edit

    def _allocate_label(self, pupil_ids: list[int]) -> str:
        if len(pupil_ids) == 1:
            snapshot = self.screen.model.snapshot
            pupil = snapshot.pupils.get(pupil_ids[0]) if snapshot else None
            name = pupil.display_name if pupil else self._pupil_name(pupil_ids[0])
            return f"allocate {name}"
        return f"allocate {len(pupil_ids)} pupils"

    def _pupil_name(self, pupil_id: int) -> str:
        pupil = self.ctx.session.get(Pupil, pupil_id)
        return pupil.display_name if pupil else "pupil"

    # -- moving and ending ------------------------------------------------------------

    def move_chips(
        self,
        provision_id: int,
        year_group_id: int | None,
        membership_ids: list[int],
        index: QModelIndex | None = None,
    ) -> SavedCommand | None:
        """Move allocations to a cell: its one group, a chosen one, or a new group."""
        session = self.ctx.session
        rows = [session.get(GroupMembership, m) for m in membership_ids]
        found = [m for m in rows if m is not None]
        if not found or len(found) != len(rows):
            return None
        sources = {m.group_id for m in found}
        snapshot = self.screen.model.snapshot
        in_cell = snapshot.cell(provision_id, year_group_id) if snapshot else []
        targets = [g for g in in_cell if g.id not in sources]
        same_cell = any(g.id in sources for g in in_cell)
        names = ", ".join(self._pupil_name(m.pupil_id) for m in found)
        edit: SavedCommand
        if not targets and not same_cell:
            # An empty cell: start a group there with the provision's defaults.
            request = self._request(provision_id, year_group_id, ())
            if request is None:
                return None
            edit = move_to_cell_edit(self.ctx, request, membership_ids, f"move {names}")
        else:
            to_group: int | None = targets[0].id if len(targets) == 1 and not same_cell else None
            if to_group is None:
                to_group = self.screen.group_chooser(
                    choices_of(targets), index or QModelIndex(), True
                )
                if to_group is None:
                    return None
            day = self.effective_date()
            if to_group == NEW_GROUP:
                like = next(iter(sources)) if same_cell else targets[0].id
                edit = split_edit(
                    self.ctx, like, membership_ids, day, f"move {names} to a new group"
                )
            else:
                edit = move_edit(self.ctx, membership_ids, to_group, day, f"move {names}")
        if self.perform(edit, index):
            self.screen.show_feedback(f"Moved {names}.", index)
            return edit
        return None

    def drop_on_new_group(self, index: QModelIndex, data: QMimeData) -> SavedCommand | None:
        """Chips or pupils dropped on a cell's "+ new group" zone: a new group like the
        one the chips came from (when it is in this cell; else like the cell's first
        group), with its staff, slot and dates; one edit, undone as one."""
        target = self.screen.model.target(index)
        snapshot = self.screen.model.snapshot
        cell = snapshot.cell(*target) if target and snapshot else []
        if target is None or not cell:
            return None
        in_cell = {g.id for g in cell}
        day = self.effective_date()
        membership_ids = read_ids(data, MEMBERSHIPS_MIME)
        edit: SavedCommand
        if membership_ids:
            rows = [self.ctx.session.get(GroupMembership, m) for m in membership_ids]
            found = [m for m in rows if m is not None]
            sources = [m.group_id for m in found if m.group_id in in_cell]
            like = sources[0] if sources else cell[0].id
            names = ", ".join(self._pupil_name(m.pupil_id) for m in found)
            edit = split_edit(self.ctx, like, membership_ids, day, f"move {names} to a new group")
        else:
            pupil_ids = read_ids(data, PUPILS_MIME)
            request = self._request(target[0], target[1], tuple(pupil_ids))
            if request is None or not pupil_ids:
                return None
            label = self._allocate_label(pupil_ids) + " to a new group"
            edit = new_group_allocate_edit(self.ctx, cell[0].id, request, label)
            names = ", ".join(self._pupil_name(p) for p in pupil_ids)
        if self.perform(edit, index):
            self.screen.show_feedback(f"{names}: now in a new group with the same staff and slot.")
            return edit
        return None

    def end_allocations(self, membership_ids: list[int], quiet: bool = False) -> bool:
        """End allocations on the day the map shows; their history is kept."""
        if not membership_ids:
            return False
        session = self.ctx.session
        names = ", ".join(
            self._pupil_name(m.pupil_id)
            for m in (session.get(GroupMembership, i) for i in membership_ids)
            if m is not None
        )
        day = self.effective_date()
        edit = end_edit(self.ctx, membership_ids, day, f"end allocation of {names}")
        done = self.perform(edit, None)
        if done and not quiet:
            self.screen.show_feedback(
                f"Ended the allocation of {names} on {day:%d/%m/%Y}. "
                "History is kept; Ctrl+Z undoes it."
            )
        return done

    def end_selected_chips(self) -> None:
        """Delete in the cell panel: end the allocations chosen there."""
        chips = self.screen.panel.selected_membership_ids()
        if not chips:
            self.screen.show_feedback("Choose a pupil in the cell panel first, then press Delete.")
            return
        self.end_allocations(chips)

    def split_group(self, group_id: int) -> SavedCommand | None:
        """Split group…: the pupils ticked go to a new group with this one's staff,
        slot and dates, from the day the map is showing; one undo step."""
        from .split_dialog import SplitDialog

        group = self.ctx.session.get(ProvisionGroup, group_id)
        if group is None:
            return None
        day = self.effective_date()
        current = [
            (m.id, m.pupil.display_name)
            for m in sorted(group.memberships, key=lambda m: m.pupil.display_name)
            if m.is_current_on(day)
        ]
        if len(current) < 2:
            self.screen.show_feedback("A group needs two or more pupils to split.")
            return None
        dialog = SplitDialog(group.name or group.provision.name, current, self.screen)
        if dialog.exec() != SplitDialog.DialogCode.Accepted or not dialog.chosen():
            return None
        chosen = dialog.chosen()
        names = ", ".join(name for m, name in current if m in chosen)
        edit = split_edit(self.ctx, group_id, chosen, day, f"split {names} into a new group")
        if self.perform(edit, None):
            self.screen.show_feedback(f"Split: {names} now in a new group with the same slot.")
            return edit
        return None

    def perform(self, edit: SavedCommand, index: QModelIndex | None) -> bool:
        """Make the edit; a refusal is said in the message line (and at the cell)."""
        if not self._may_edit(index):
            return False
        try:
            perform(self.ctx, edit)
        except (EditRefused, ValueError) as exc:
            self.ctx.session.rollback()
            self.screen.show_feedback(str(exc), index)
            return False
        return True

    def _may_edit(self, index: QModelIndex | None) -> bool:
        """Whether the login may change the map; if not, say why instead."""
        why = self.ctx.permissions.why_not_edit
        if why:
            self.screen.show_feedback(why, index)
        return not why

    # -- the keyboard path ------------------------------------------------------------

    def allocate_from_keyboard(self) -> None:
        """Ctrl+L: allocate the pupils selected in the tray to a provision chosen by name."""
        from .allocate_dialog import AllocateDialog

        tray = self.screen.tray
        pupil_ids = tray.selected_pupil_ids()
        if not pupil_ids:
            self.screen.show_feedback("Select one or more pupils in the tray first.")
            tray.list.setFocus()
            return
        dialog = AllocateDialog(self.ctx, pupil_ids, self.screen)
        if dialog.exec():
            provision_id, year_group_id = dialog.choice()
            index = self.screen.cell_of(provision_id, year_group_id)
            self.allocate(provision_id, year_group_id, pupil_ids, index)

    def move_from_keyboard(self, membership_ids: list[int]) -> None:
        """Move… from the cell panel: the same move as dragging the chips to a cell."""
        from .allocate_dialog import AllocateDialog

        session = self.ctx.session
        rows = [session.get(GroupMembership, m) for m in membership_ids]
        pupil_ids = [m.pupil_id for m in rows if m is not None]
        if not pupil_ids:
            return
        dialog = AllocateDialog(self.ctx, pupil_ids, self.screen, title="Move pupils to")
        first = rows[0]
        if first is not None:
            dialog.select(first.group.provision_id, first.group.year_group_id or 0)
        if dialog.exec():
            provision_id, year_group_id = dialog.choice()
            index = self.screen.cell_of(provision_id, year_group_id)
            self.move_chips(provision_id, year_group_id, membership_ids, index)

    def choose_group_from_menu(
        self, choices: list[GroupChoice], index: QModelIndex, allow_new: bool
    ) -> int | None:
        """Ask which group in a menu at the cell; None when the user cancels."""
        view = self.screen.view
        menu = QMenu(self.screen)
        menu.setAccessibleName("Choose a group")
        for choice in choices:
            label = " · ".join(
                x
                for x in (
                    choice.name or "Group",
                    choice.staff_name,
                    f"{choice.members} pupils",
                    f"{choice.start_date:%d/%m/%Y}–{choice.end_date:%d/%m/%Y}",
                )
                if x
            )
            menu.addAction(label).setData(choice.group_id)
        if allow_new:
            menu.addSeparator()
            menu.addAction("New group").setData(NEW_GROUP)
        if not menu.actions():
            QMessageBox.information(self.screen, "No group", "There is no other group to move to.")
            return None
        rect = view.visualRect(index) if index.isValid() else view.rect()
        picked = menu.exec(view.viewport().mapToGlobal(rect.center()))
        return picked.data() if picked is not None else None
