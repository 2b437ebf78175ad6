"""The pupil pane's Meetings tab: the log of meetings with the family and their actions.

The list shows each meeting, newest first, with how many actions are still open. The
chosen meeting's fields are saved when the user leaves them; its actions sit in a
table whose words, owner and due date are edited in their cells and whose "Done" box
is ticked when the action is done (today's date is recorded). Everything is undoable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ...domain import meetings
from ...domain.change import Change, ChildRowsAdded
from ...models import Meeting, MeetingAction, Pupil
from ...services.formatting import format_date
from ...services.plans import meetings_of
from ...ui.edits import DomainEdit
from .dialogs import read_date
from .ehcp_items import button_row
from .records import keep_chosen, read_only_table, set_row
from .widgets import BoundTab, CommitTextEdit, show_value, widget_value

if TYPE_CHECKING:
    from .pane import PupilPane

ACTION_HEADERS = ["Action", "Who", "Due", "Done"]
ACTION_FIELDS = ["text", "owner", "due_on"]
#: The meeting's own fields: (field, label with access key, widget kind).
MEETING_FIELDS = (
    ("held_on", "Held on", "date"),
    ("parents_present", "&Parents/carers", "line"),
    ("pupil_present", "P&upil attended", "check"),
    ("staff_present", "S&taff", "line"),
    ("professionals_present", "Other profe&ssionals", "line"),
    ("discussed", "&Discussed", "text"),
    ("agreed", "&What was agreed", "text"),
    ("family_given_copy", "Family given a c&opy", "check"),
)


class MeetingsTab(BoundTab):
    """The meetings with the family: the list, the chosen meeting and its actions."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__(pane)
        self.meeting_id: int | None = None
        self.meetings = read_only_table("Meetings", ["Held on", "Who came", "Open actions"])
        self.meetings.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.meetings.setMaximumHeight(120)
        self.meetings.itemSelectionChanged.connect(self._meeting_chosen)
        self.empty = QLabel("No meetings with the family are logged yet.")
        self.add_button = QPushButton("Log a meetin&g")
        self.add_button.clicked.connect(self.add_meeting)
        self.remove_button = QPushButton("Remove meeting")
        self.remove_button.clicked.connect(self.remove_meeting)
        self.detail = QGroupBox("The meeting")
        self.fields: dict[str, QWidget] = {}
        self._build_detail()
        layout = QVBoxLayout(self.body)
        layout.addWidget(self.empty)
        layout.addWidget(self.meetings)
        layout.addLayout(button_row(self.add_button, self.remove_button))
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def _build_detail(self) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field, label, kind in MEETING_FIELDS:
            widget: QWidget
            if kind == "check":
                widget = QCheckBox(label)
                widget.clicked.connect(lambda _on, f=field: self._save_field(f))
                form.addRow(widget)
            else:
                if kind == "text":
                    widget = CommitTextEdit(label.replace("&", ""), 48)
                    widget.committed.connect(lambda f=field: self._save_field(f))
                else:
                    widget = QLineEdit()
                    widget.setAccessibleName(label.replace("&", ""))
                    widget.editingFinished.connect(lambda f=field: self._save_field(f))
                caption = QLabel(label)
                caption.setBuddy(widget)
                form.addRow(caption, widget)
            self.fields[field] = widget
        self.fields["held_on"].setProperty("placeholderText", "dd/mm/yyyy")
        self.action_table = read_only_table("Actions agreed", ACTION_HEADERS)
        self.action_table.setMinimumHeight(90)
        self.action_table.setEditTriggers(
            QTableWidget.EditTrigger.DoubleClicked | QTableWidget.EditTrigger.EditKeyPressed
        )
        self.action_table.itemChanged.connect(self._action_edited)
        self.add_action_button = QPushButton("Add actio&n")
        self.add_action_button.clicked.connect(self.add_action)
        remove_action = QPushButton("Remove action")
        remove_action.clicked.connect(self.remove_action)
        box = QVBoxLayout(self.detail)
        box.addLayout(form)
        box.addWidget(self.action_table)
        box.addLayout(button_row(self.add_action_button, remove_action))

    # -- showing --------------------------------------------------------------------

    def load(self, pupil: Pupil) -> None:
        """List the pupil's meetings and show the chosen (else the latest) one."""
        found = meetings_of(self.pane.ctx.session, pupil.id)
        self.empty.setVisible(not found)
        self.meetings.setVisible(bool(found))
        self.meetings.blockSignals(True)
        self.meetings.setRowCount(len(found))
        for row, meeting in enumerate(found):
            came = [meeting.parents_present, "pupil" if meeting.pupil_present else ""]
            came += [meeting.staff_present, meeting.professionals_present]
            still_open = sum(1 for a in meeting.actions if a.done_on is None)
            cells = [format_date(meeting.held_on), "; ".join(c for c in came if c), str(still_open)]
            set_row(self.meetings, row, cells, meeting.id)
        ids = [m.id for m in found]
        self.meeting_id = keep_chosen(self.meetings, ids, self.meeting_id, ids[0] if ids else None)
        self.meetings.blockSignals(False)
        self._show_meeting()

    def meeting(self) -> Meeting | None:
        """The meeting chosen, if any."""
        if self.meeting_id is None:
            return None
        return self.pane.ctx.session.get(Meeting, self.meeting_id)

    def _meeting_chosen(self) -> None:
        rows = self.meetings.selectionModel().selectedRows()
        if rows:
            item = self.meetings.item(rows[0].row(), 0)
            self.meeting_id = item.data(Qt.ItemDataRole.UserRole) if item else None
            self._show_meeting()

    def _show_meeting(self) -> None:
        meeting = self.meeting()
        self.detail.setVisible(meeting is not None)
        self.remove_button.setEnabled(meeting is not None)
        if meeting is None:
            return
        for field, widget in self.fields.items():
            show_value(widget, getattr(meeting, field))
        self.action_table.blockSignals(True)
        self.action_table.setRowCount(len(meeting.actions))
        for row, action in enumerate(meeting.actions):
            due = format_date(action.due_on) if action.due_on else ""
            for item in set_row(
                self.action_table, row, [action.text, action.owner, due], action.id
            ):
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            done = QTableWidgetItem(f"done {format_date(action.done_on)}" if action.done_on else "")
            done.setData(Qt.ItemDataRole.UserRole, action.id)
            done.setFlags(
                (done.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable
            )
            done.setCheckState(Qt.CheckState.Checked if action.done_on else Qt.CheckState.Unchecked)
            done.setData(Qt.ItemDataRole.AccessibleTextRole, done.text() or "not done")
            self.action_table.setItem(row, 3, done)
        self.action_table.resizeRowsToContents()
        self.action_table.blockSignals(False)

    # -- editing --------------------------------------------------------------------

    def _edit(self, label: str, write: Callable[[Session], Change]) -> DomainEdit | None:
        edit = DomainEdit(self.pane.ctx, label, write)
        return edit if self.pane.perform(edit) else None

    def add_meeting(self) -> None:
        """Log a meeting held today and start filling it in."""
        pupil = self.pane.pupil()
        if pupil is None:
            return
        pupil_id, today = pupil.id, self.pane.ctx.today
        edit = self._edit("log a meeting", lambda s: meetings.add_meeting(s, pupil_id, today))
        if edit is not None and isinstance(edit.change, ChildRowsAdded):
            self.meeting_id = edit.change.row_id
            self.pane.refresh()
            self.fields["parents_present"].setFocus()

    def remove_meeting(self) -> None:
        """Remove the chosen meeting with its actions."""
        meeting_id = self.meeting_id
        if meeting_id is not None:
            self.meeting_id = None
            self._edit("remove meeting", lambda s: meetings.remove_meeting(s, meeting_id))

    def _save_field(self, field: str) -> None:
        meeting = self.meeting()
        if meeting is None:
            return
        value: Any = widget_value(self.fields[field])
        if field == "held_on":
            try:
                value = read_date(value, "Held on")
            except ValueError as exc:
                self.pane.show_message(str(exc))
                show_value(self.fields[field], meeting.held_on)
                return
        if isinstance(value, str) and field != "held_on":
            value = value.strip()
        if value == getattr(meeting, field):
            return
        meeting_id = meeting.id
        label = next(lbl for f, lbl, _k in MEETING_FIELDS if f == field).replace("&", "")
        self._edit(
            f"change meeting {label.lower()}",
            lambda s: meetings.update_meeting(s, meeting_id, field, value),
        )

    def add_action(self) -> None:
        """Add an action and start typing it."""
        meeting = self.meeting()
        if meeting is None:
            return
        meeting_id = meeting.id
        if self._edit("add action", lambda s: meetings.add_action(s, meeting_id, "New action")):
            row = self.action_table.rowCount() - 1
            self.action_table.setCurrentCell(row, 0)
            self.action_table.setFocus()
            if (cell := self.action_table.item(row, 0)) is not None:
                self.action_table.editItem(cell)

    def remove_action(self) -> None:
        """Remove the chosen action."""
        item = self.action_table.item(self.action_table.currentRow(), 0)
        if item is not None:
            action_id = item.data(Qt.ItemDataRole.UserRole)
            self._edit("remove action", lambda s: meetings.remove_action(s, action_id))

    def _action_edited(self, item: QTableWidgetItem) -> None:
        action_id = item.data(Qt.ItemDataRole.UserRole)
        action = self.pane.ctx.session.get(MeetingAction, action_id)
        if action is None:
            return
        column = item.column()
        value: Any
        if column == 3:
            ticked = item.checkState() == Qt.CheckState.Checked
            field, value = "done_on", self.pane.ctx.today if ticked else None
            if ticked == (action.done_on is not None):
                return
        else:
            field, value = ACTION_FIELDS[column], item.text().strip()
            if field == "due_on":
                try:
                    value = read_date(value, "Due")
                except ValueError as exc:
                    self.pane.show_message(str(exc))
                    self.pane.refresh()
                    return
            if value == getattr(action, field):
                return
        label = "tick off action" if column == 3 else f"change action {ACTION_HEADERS[column]}"
        self._edit(label.lower(), lambda s: meetings.update_action(s, action_id, field, value))

    def write_record_pdf(self, path: Path) -> Path | None:
        """Write the pupil's meeting record to ``path``."""
        pupil = self.pane.pupil()
        if pupil is None:
            return None
        from ...reports.plan_records import write_meetings_pdf

        return write_meetings_pdf(self.pane.ctx.session, pupil, path, today=self.pane.ctx.today)
