"""Group details: staff, timetable slot, dates and members, each change saved and undoable.

The dates can be typed as a first and last day, or as a first day and a number of
teaching weeks ("for 12 teaching weeks": five teaching days a week, holidays skipped).
Moving the first day moves the join date of the members who joined on it. Undo and
Redo (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y) work here as in the main window, and the form
then shows what is saved; an undo someone else's edit has overtaken is refused in the
message line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ...domain import groups, memberships
from ...domain.change import Changed
from ...models import GroupMembership, ProvisionGroup, Pupil, Staff
from ...services.calendar import DAYS_A_WEEK, SchoolCalendar, calendar_for_year
from ...services.provision_map import WEEKDAYS
from ...ui.context import AppContext
from ...ui.date_field import DateField, qdate
from ...ui.edits import DomainEdit, EditRefused, SavedCommand, perform
from ...ui.entity_table import Column, EntityTableModel
from ...ui.read_only import make_read_only
from ...ui.speech import ValueLabel
from .edits import KIND, group_start_edit


class WeeksSpinBox(QDoubleSpinBox):
    """Teaching weeks to a tenth (a day is 0.2 of a week), shown without a needless ".0"."""

    def textFromValue(self, value: float) -> str:
        """Show the weeks to one decimal place, dropping a trailing ".0"."""
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text


class GroupDialog(QDialog):
    """One group's details and members, every change saved at once and undoable."""

    def __init__(self, ctx: AppContext, group_id: int, parent: QWidget | None = None) -> None:
        """Build the details form above the members table for the group `group_id`."""
        super().__init__(parent)
        self.ctx = ctx
        self.group_id = group_id
        group = self._group()
        self.setWindowTitle(f"{group.provision.name}: group details")
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Group details message")
        self._build_name_and_staff(group)
        self._build_dates(group)
        ctx.data_changed.connect(self._on_data_changed)
        days = self._build_slot(group)
        form = self._build_form(days)
        members = self._build_members()
        self._lay_out(form, members)
        # The main window's Undo and Redo, here too: the dialog is its own window.
        for keys, replay in (
            ((QKeySequence.StandardKey.Undo,), self.undo),
            ((QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")), self.redo),
        ):
            for key in keys:
                QShortcut(QKeySequence(key), self).activated.connect(replay)
        # A login that may not change the map reads the group's details, and is told why.
        why = ctx.permissions.why_not_edit
        if why:
            make_read_only(self, why)
            self.message.setText(why)

    def _build_name_and_staff(self, group: ProvisionGroup) -> None:
        """Make the group name field and the member-of-staff choice."""
        self.name_edit = QLineEdit(group.name)
        self.name_edit.setAccessibleName("Group name")
        self.name_edit.editingFinished.connect(
            lambda: self._set("name", self.name_edit.text().strip(), "rename group")
        )
        self.staff_combo = QComboBox()
        self.staff_combo.setAccessibleName("Member of staff")
        self.staff_combo.addItem("(nobody named)", None)
        for member in self.ctx.session.scalars(select(Staff).order_by(Staff.name)):
            self.staff_combo.addItem(f"{member.name} ({member.role.name})", member.id)
        self.staff_combo.setCurrentIndex(max(self.staff_combo.findData(group.staff_id), 0))
        self.staff_combo.currentIndexChanged.connect(
            lambda: self._set("staff_id", self.staff_combo.currentData(), "change group staff")
        )

    def _build_dates(self, group: ProvisionGroup) -> None:
        """Make the first day, last day and teaching weeks fields, showing the saved dates."""
        self.start_edit = self._date_edit(group.start_date, "First day")
        self.end_edit = self._date_edit(group.end_date, "Last day")
        self.start_edit.editingFinished.connect(self._save_start)
        self.end_edit.editingFinished.connect(
            lambda: self._set("end_date", self.end_edit.date().toPython(), "change end date")
        )
        self.weeks_edit = WeeksSpinBox()
        self.weeks_edit.setDecimals(1)
        self.weeks_edit.setSingleStep(1)
        self.weeks_edit.setRange(0.2, 52)
        self.weeks_edit.setPrefix("for ")
        self.weeks_edit.setSuffix(" teaching weeks")
        self.weeks_edit.setKeyboardTracking(False)
        self.weeks_edit.setAccessibleName("Teaching weeks")
        self.weeks_edit.setToolTip(
            "Type the number of teaching weeks (5 teaching days each, holidays skipped) "
            "to set the last day, or type the last day."
        )
        self.weeks_edit.editingFinished.connect(self._save_weeks)
        self._show_dates()

    def _build_slot(self, group: ProvisionGroup) -> QHBoxLayout:
        """Make the row of weekday boxes and the start time of the group's timetable slot."""
        self.day_boxes: list[QCheckBox] = []
        days = QHBoxLayout()
        chosen = {s.weekday for s in group.slots}
        for number, day in enumerate(WEEKDAYS[:5]):
            box = QCheckBox(day)
            box.setAccessibleName(f"Runs on {day}")
            box.setChecked(number in chosen)
            box.toggled.connect(lambda _on: self._save_slots())
            self.day_boxes.append(box)
            days.addWidget(box)
        first_time = next((s.start_time for s in group.slots if s.start_time), dt.time(9, 0))
        self.time_edit = QTimeEdit(QTime(first_time.hour, first_time.minute))
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName("Start time")
        self.time_edit.editingFinished.connect(self._save_slots)
        days.addWidget(self.time_edit)
        return days

    def _build_form(self, days: QHBoxLayout) -> QFormLayout:
        """Set the details out as labelled rows, ending with the group's sessions and cost."""
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Staff", self.staff_combo)
        form.addRow("&From", self.start_edit)
        until = QHBoxLayout()
        until.addWidget(self.end_edit)
        until.addWidget(self.weeks_edit)
        until.addStretch(1)
        # A row holding a layout gets no buddy of its own: without one, the label
        # showed "&To" and Alt+T went nowhere.
        to_label = QLabel("&To")
        to_label.setBuddy(self.end_edit)
        form.addRow(to_label, until)
        form.addRow("Slot", days)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setAccessibleName("Sessions, group size and cost per pupil")
        form.addRow("Sessions", self.facts)
        self._show_facts()
        return form

    def _build_members(self) -> QTableView:
        """Make the table of members whose join and leave dates can be typed over."""
        self.members_model = EntityTableModel(
            self.ctx,
            GroupMembership,
            [
                Column("pupil_id", "Pupil", editable=False, display=self._pupil_name),
                Column("join_date", "Joined", "date"),
                Column("leave_date", "Left", "date"),
            ],
            self._members,
            KIND,
            "membership",
            update=memberships.update,
        )
        self.members_model.edit_refused.connect(self.message.setText)
        members = QTableView()
        members.setModel(self.members_model)
        members.setAccessibleName("Members with their join and leave dates")
        members.setTabKeyNavigation(False)  # Tab leaves the table; arrows move, F2 edits
        members.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        members.verticalHeader().setVisible(False)
        return members

    def _lay_out(self, form: QFormLayout, members: QTableView) -> None:
        """Stack the message, the form, the members table and the Close button."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(QLabel("Members (type a date as dd/mm/yyyy; history is kept)"))
        layout.addWidget(members, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def _date_edit(self, day: dt.date, name: str) -> QDateEdit:
        """Make a date field with a calendar pop-up, named for screen readers."""
        # Takes a whole date typed over it ("15/01/2027", Enter), not one part at a time.
        edit = DateField(day)
        edit.setCalendarPopup(True)
        edit.setAccessibleName(name)
        return edit

    def _calendar(self) -> SchoolCalendar:
        """The school calendar of the group's academic year."""
        return calendar_for_year(self.ctx.session, self._group().academic_year_id)

    def _show_dates(self) -> None:
        """Put the group's saved dates, and the teaching weeks between them, on screen."""
        group = self.ctx.session.get(ProvisionGroup, self.group_id)
        if group is None:
            return
        days = self._calendar().teaching_days(group.start_date, group.end_date)
        for edit, value in (
            (self.start_edit, group.start_date),
            (self.end_edit, group.end_date),
        ):
            edit.blockSignals(True)
            edit.setDate(qdate(value))
            edit.blockSignals(False)
        self.weeks_edit.blockSignals(True)
        self.weeks_edit.setValue(days / DAYS_A_WEEK)
        self.weeks_edit.blockSignals(False)

    def undo(self) -> None:
        """Undo the last edit (made here or anywhere), and say what was undone."""
        stack = self.ctx.undo_stack
        if stack.canUndo():
            self._replay(stack.undoText(), "Undid", stack.undo)

    def redo(self) -> None:
        """Redo the last edit undone, and say what was redone."""
        stack = self.ctx.undo_stack
        if stack.canRedo():
            self._replay(stack.redoText(), "Redid", stack.redo)

    def _replay(self, label: str, verb: str, step: Callable[[], None]) -> None:
        step()
        refusal = self.ctx.take_refusal()
        self.message.setText(refusal if refusal is not None else f"{verb} {label}.")

    def _on_data_changed(self, changed: Changed) -> None:
        """Show the saved group again when a group was changed anywhere (an undo too)."""
        if changed.touches(KIND):
            self._show_saved()
            self._show_dates()
            self._show_facts()

    def _show_saved(self) -> None:
        """Put the group's saved name, staff, weekdays and start time on screen."""
        group = self.ctx.session.get(ProvisionGroup, self.group_id)
        if group is None:
            return
        if self.name_edit.text() != group.name:
            self.name_edit.setText(group.name)
        chosen = {s.weekday for s in group.slots}
        time = next((s.start_time for s in group.slots if s.start_time), None)
        widgets: list[QWidget] = [self.staff_combo, self.time_edit, *self.day_boxes]
        for widget in widgets:
            widget.blockSignals(True)
        self.staff_combo.setCurrentIndex(max(self.staff_combo.findData(group.staff_id), 0))
        for number, box in enumerate(self.day_boxes):
            box.setChecked(number in chosen)
        if time is not None:
            self.time_edit.setTime(QTime(time.hour, time.minute))
        for widget in widgets:
            widget.blockSignals(False)

    def _show_facts(self) -> None:
        """Sessions a week, minutes, group size and cost per pupil, each with its words."""
        from ...services.costing import cost_map
        from ...services.formatting import format_money

        group = self.ctx.session.get(ProvisionGroup, self.group_id)
        if group is None:
            return
        members = sum(1 for m in group.memberships if m.leave_date is None)
        sessions = group.effective_sessions_per_week
        parts = [
            f"{sessions} session{'' if sessions == 1 else 's'} a week",
            f"{group.effective_session_minutes} minutes each",
            f"group size up to {group.effective_max_size} ({members} now)",
        ]
        cost = cost_map(self.ctx.session, group.academic_year_id).by_group.get(group.id)
        pupils = cost.most_pupils_at_once if cost is not None else 0
        if cost is not None and pupils:
            parts.append(f"cost per pupil {format_money(cost.planned / pupils)} this year")
        self.facts.setText(" · ".join(parts))

    def _save_start(self) -> None:
        """Save a new first day (moving the members who joined on the old one)."""
        new_start: dt.date = self.start_edit.date().toPython()  # type: ignore[assignment]
        if new_start == self._group().start_date:
            return
        self._perform(group_start_edit(self.ctx, self.group_id, new_start, "change start date"))

    def _save_weeks(self) -> None:
        """Set the last day from the number of teaching weeks typed."""
        group = self._group()
        weeks = Decimal(str(round(self.weeks_edit.value(), 1)))
        end = self._calendar().end_of_teaching_weeks(
            group.start_date, weeks, group.academic_year.end_date
        )
        if end == group.end_date:
            self._show_dates()  # the same last day: show the weeks it holds
            return
        self._set("end_date", end, "change group length")

    def _group(self) -> ProvisionGroup:
        """The group this dialog shows."""
        group = self.ctx.session.get(ProvisionGroup, self.group_id)
        assert group is not None
        return group

    def _members(self) -> list[GroupMembership]:
        """The group's memberships, earliest join first."""
        query = (
            select(GroupMembership)
            .where(GroupMembership.group_id == self.group_id)
            .order_by(GroupMembership.join_date)
        )
        return list(self.ctx.session.scalars(query))

    def _pupil_name(self, pupil_id: Any) -> str:
        """The name a member is shown by in the members table."""
        pupil = self.ctx.session.get(Pupil, pupil_id)
        return pupil.display_name if pupil else ""

    def _set(self, field: str, value: Any, label: str) -> None:
        """Save one field of the group when it differs from the saved value."""
        if getattr(self._group(), field) == value:
            return
        group_id = self.group_id
        self._perform(
            DomainEdit(
                self.ctx, label, lambda session: groups.update(session, group_id, field, value)
            )
        )

    def _save_slots(self) -> None:
        """Save the ticked weekdays and the start time as the group's slot."""
        group = self._group()
        before = sorted((s.weekday, s.start_time) for s in group.slots)
        time: dt.time = self.time_edit.time().toPython()  # type: ignore[assignment]
        days = [number for number, box in enumerate(self.day_boxes) if box.isChecked()]
        if before == sorted((day, time) for day in days):
            return
        group_id = self.group_id
        self._perform(
            DomainEdit(
                self.ctx,
                "change group slot",
                lambda session: groups.set_days(session, group_id, days, time),
            )
        )

    def _perform(self, command: SavedCommand) -> None:
        """Run an edit, showing its refusal, if any, in the message line."""
        why = self.ctx.permissions.why_not_edit
        if why:  # a value changed anyway (a calendar pop-up, say): say why, show the saved
            self.message.setText(why)
            self._show_dates()
            return
        try:
            perform(self.ctx, command)
            self.message.setText("")
        except (EditRefused, ValueError) as exc:
            self.message.setText(str(exc))
        self._show_dates()
