"""The register: today's (or this week's) planned sessions and what happened to them.

A teaching assistant picks the session and presses Enter (or "Delivered"): everyone is
marked present. Unticking a pupil in the attendance list marks them absent;
"Cancelled…" asks for a reason and a note. Sessions on earlier days can be recorded
too and are marked as late entries. Every change is saved at once and can be undone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ..domain import delivery
from ..domain.change import Change, Kind
from ..models.vocab import CancelReason, SessionStatus
from ..services.planned_sessions import (
    PlannedSession,
    sessions_for_day,
    sessions_for_week,
)
from ..ui.cells import py_date
from ..ui.context import AppContext
from ..ui.date_field import qdate
from ..ui.edits import DomainEdit, EditRefused, perform
from ..ui.lazy import ReloadWhenShown
from ..ui.speech import ValueLabel
from .cancel_dialog import CancelDialog

KIND = Kind.DELIVERY
COLUMNS = ("Day", "Time", "Provision", "Group", "Staff", "Pupils", "Status")
PUPILS_COLUMN = COLUMNS.index("Pupils")
#: The widest a provision, group or staff column gets; longer words wrap onto two lines.
CAPPED_WIDTH = 150


class RegisterScreen(ReloadWhenShown):
    """The planned sessions of a day or week beside the chosen session's record."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        """Build the sessions list and the session panel side by side, and fill the list."""
        super().__init__(parent)
        self.ctx = ctx
        self.sessions: list[PlannedSession] = []
        self.cancel_dialog: CancelDialog | None = None
        top = self._date_bar()
        self._build_table()
        self.empty = ValueLabel()
        self.empty.setAccessibleName("Register message")
        self.empty.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(top)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self._session_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    def _date_bar(self) -> QHBoxLayout:
        """Make the date field, the Today button and the Day or Week choice, in a row."""
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setAccessibleName("Register date")
        self.date_edit.setDate(qdate(self.ctx.today))
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        today = QPushButton("&Today")
        today.setAccessibleName("Go to today")
        today.clicked.connect(lambda: self.date_edit.setDate(qdate(self.ctx.today)))
        self.day_mode = QRadioButton("&Day")
        self.week_mode = QRadioButton("&Week")
        self.day_mode.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.day_mode)
        modes.addButton(self.week_mode)
        self.week_mode.toggled.connect(lambda _on: self.reload())
        top = QHBoxLayout()
        top.addWidget(QLabel("Sessions on"))
        top.addWidget(self.date_edit)
        top.addWidget(today)
        top.addWidget(self.day_mode)
        top.addWidget(self.week_mode)
        top.addStretch(1)
        return top

    def _build_table(self) -> None:
        """Make the table of planned sessions, one row each, where Enter marks delivered."""
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Planned sessions")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # Short columns fit their contents; the long ones (provision, group, staff) are
        # capped and wrap, and Pupils takes the rest, so every column reads at 1366.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PUPILS_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.installEventFilter(self)

    def _session_panel(self) -> QWidget:
        """Make the chosen session's panel: its title, the record buttons and attendance."""
        panel = QGroupBox("Session")
        layout = QVBoxLayout(panel)
        self.title = ValueLabel()
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Selected session")
        self.delivered_button = QPushButton("Delive&red (all present)")
        self.delivered_button.setAccessibleName("Mark the session delivered, everyone present")
        self.delivered_button.clicked.connect(self.mark_delivered)
        self.cancel_button = QPushButton("&Cancelled…")
        self.cancel_button.setAccessibleName("Mark the session cancelled")
        self.cancel_button.clicked.connect(self.ask_cancel)
        self.clear_button = QPushButton("C&lear record")
        self.clear_button.setAccessibleName("Clear what was recorded for the session")
        self.clear_button.clicked.connect(self.clear_record)
        self._attendance_key: tuple[int, dt.date] | None = None  # the session listed
        self.attendance = QListWidget()
        self.attendance.setAccessibleName("Attendance: ticked pupils were present")
        self.attendance.setTabKeyNavigation(False)
        self.attendance.itemChanged.connect(self._attendance_changed)
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Register result")
        layout.addWidget(self.title)
        layout.addWidget(self.delivered_button)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.clear_button)
        attendance_label = QLabel("&Attendance (untick anyone absent)")
        attendance_label.setBuddy(self.attendance)
        layout.addWidget(attendance_label)
        layout.addWidget(self.attendance, 1)
        layout.addWidget(self.message)
        return panel

    # -- loading --------------------------------------------------------------------

    @property
    def day(self) -> dt.date:
        """The day shown (in week mode, a day of the week shown)."""
        return py_date(self.date_edit.date())

    def set_day(self, day: dt.date) -> None:
        """Show the sessions of `day` (or its week)."""
        self.date_edit.setDate(qdate(day))

    def reload(self) -> None:
        """List the planned sessions again, keeping the chosen one chosen."""
        keep = self._selected_key()
        if self.week_mode.isChecked():
            self.sessions = sessions_for_week(self.ctx.session, self.day)
        else:
            self.sessions = sessions_for_day(self.ctx.session, self.day)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.sessions))
        for row, planned in enumerate(self.sessions):
            names = ", ".join(m.name for m in planned.members)
            values = (
                planned.day.strftime("%a %d/%m/%Y"),
                planned.start_time.strftime("%H:%M") if planned.start_time else "",
                planned.provision_name,
                # "Year 6", not "Numeracy intervention – Year 6" beside its provision,
                # so the pupils' names have the room.
                planned.group_name.removeprefix(f"{planned.provision_name} – ")
                or planned.group_name,
                planned.staff_name,
                f"{len(planned.members)}: {names}" if planned.members else "no pupils",
                planned.status_text,
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{COLUMNS[column]}: {text}")
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setColumnHidden(0, not self.week_mode.isChecked())
        self._fit_columns()
        self.table.blockSignals(False)
        when = "this week" if self.week_mode.isChecked() else self.day.strftime("%d/%m/%Y")
        self.empty.setText("" if self.sessions else f"No sessions are planned for {when}.")
        self._select_key(keep)
        self._show_selected()

    def _fit_columns(self) -> None:
        """Widths from the contents, the long columns capped; rows grow to wrap them."""
        metrics = self.table.fontMetrics()
        for column, title in enumerate(COLUMNS):
            if column == PUPILS_COLUMN:
                continue
            texts = [title] + [
                item.text()
                for row in range(self.table.rowCount())
                if (item := self.table.item(row, column)) is not None
            ]
            widest = max(metrics.horizontalAdvance(t) for t in texts) + 16
            capped = column in (2, 3, 4)
            self.table.setColumnWidth(column, min(widest, CAPPED_WIDTH) if capped else widest)
        self.table.resizeRowsToContents()

    def _selected_key(self) -> tuple[int, dt.date] | None:
        """The group and day of the chosen session, if any."""
        planned = self.selected()
        return (planned.group_id, planned.day) if planned else None

    def _select_key(self, key: tuple[int, dt.date] | None) -> None:
        """Choose the session of `key`, or the first one when `key` is None."""
        for row, planned in enumerate(self.sessions):
            if key is None or (planned.group_id, planned.day) == key:
                self.table.selectRow(row)
                return

    def selected(self) -> PlannedSession | None:
        """The chosen session, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.sessions):
            return None
        return self.sessions[rows[0].row()]

    def select_session(self, group_id: int, day: dt.date) -> None:
        """Choose the session of the group on `day`, if it is listed."""
        self._select_key((group_id, day))

    def _show_selected(self) -> None:
        """Show the chosen session's title, buttons and attendance ticks."""
        planned = self.selected()
        for widget in (self.delivered_button, self.cancel_button, self.clear_button):
            widget.setEnabled(planned is not None)
        # Rebuilding the list after a tick must not lose the keyboard's place in it.
        key = (planned.group_id, planned.day) if planned is not None else None
        keep_row = self.attendance.currentRow() if key == self._attendance_key else -1
        self._attendance_key = key
        self.attendance.blockSignals(True)
        self.attendance.clear()
        if planned is None:
            self.title.setText("Choose a session.")
            self.attendance.blockSignals(False)
            return
        self.title.setText(
            f"<b>{planned.provision_name}</b> – {planned.group_name}<br>"
            f"{planned.day:%d/%m/%Y} · {planned.status_text}"
        )
        record = planned.record
        delivered = record is not None and record.status == SessionStatus.DELIVERED.value
        present = (
            {a.pupil_id: a.present for a in record.attendance}
            if delivered and record is not None
            else {}
        )
        for member in planned.members:
            item = QListWidgetItem(member.name)
            item.setData(Qt.ItemDataRole.UserRole, member.pupil_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = present.get(member.pupil_id, True)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.attendance.addItem(item)
        self.clear_button.setEnabled(record is not None)
        if 0 <= keep_row < self.attendance.count():
            self.attendance.setCurrentRow(keep_row)
        self.attendance.blockSignals(False)

    # -- actions --------------------------------------------------------------------

    def mark_delivered(self) -> None:
        """Record the chosen session as delivered, with the unticked pupils absent."""
        planned = self.selected()
        if planned is None:
            return
        absent = [
            self.attendance.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.attendance.count())
            if self.attendance.item(i).checkState() == Qt.CheckState.Unchecked
        ]
        # A fresh "Delivered" means everyone was there; unticking comes afterwards.
        if planned.record is None or planned.record.status != SessionStatus.DELIVERED.value:
            absent = []
        today = self.ctx.today
        self._record(
            f"mark {planned.group_name} delivered on {planned.day:%d/%m/%Y}",
            lambda session: delivery.mark_delivered(
                session, planned.group_id, planned.day, absent_pupil_ids=absent, today=today
            ),
        )

    def ask_cancel(self) -> None:
        """Ask why the chosen session was cancelled; record it if answered."""
        planned = self.selected()
        if planned is None:
            return
        dialog = CancelDialog(f"{planned.group_name} on {planned.day:%d/%m/%Y}", self)
        dialog.accepted.connect(
            lambda: self.mark_cancelled(dialog.reason.currentData(), dialog.note.text())
        )
        self.cancel_dialog = dialog
        dialog.open()

    def mark_cancelled(self, reason: CancelReason | str, note: str = "") -> None:
        """Record the chosen session as cancelled for `reason`, with `note`."""
        planned = self.selected()
        if planned is None:
            return
        today = self.ctx.today
        self._record(
            f"mark {planned.group_name} cancelled on {planned.day:%d/%m/%Y}",
            lambda session: delivery.mark_cancelled(
                session, planned.group_id, planned.day, reason, note, today=today
            ),
        )

    def clear_record(self) -> None:
        """Remove what was recorded for the chosen session."""
        planned = self.selected()
        if planned is None or planned.record is None:
            return
        self._record(
            f"clear the record of {planned.group_name} on {planned.day:%d/%m/%Y}",
            lambda session: delivery.clear_record(session, planned.group_id, planned.day),
        )

    def _attendance_changed(self, item: QListWidgetItem) -> None:
        """Record a pupil ticked present or unticked absent at a delivered session."""
        planned = self.selected()
        if planned is None:
            return
        pupil_id = item.data(Qt.ItemDataRole.UserRole)
        present = item.checkState() == Qt.CheckState.Checked
        if planned.record is not None and planned.record.status != SessionStatus.DELIVERED.value:
            self.message.setText("This session was cancelled; mark it delivered first.")
            self._show_selected()
            return
        today = self.ctx.today
        verb = "present" if present else "absent"
        self._record(
            f"mark {item.text()} {verb} on {planned.day:%d/%m/%Y}",
            lambda session: delivery.set_attendance(
                session, planned.group_id, planned.day, pupil_id, present, today=today
            ),
        )

    def _record(self, label: str, write: Callable[[Session], Change]) -> None:
        """Make one change to a session's record, saved at once and undoable."""
        try:
            perform(self.ctx, DomainEdit(self.ctx, label, write))
        except EditRefused as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Saved: {label[0].upper()}{label[1:]}.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a session marks it delivered: the one-key path for the common case."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.mark_delivered()
                return True
        return super().eventFilter(watched, event)
