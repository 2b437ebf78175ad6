"""The lists the start-up strip opens: plans not reviewed this term, meeting actions due,
and the steps of EHC plan annual reviews due.

Each is a small window beside the Pupils screen: choose a row and press Open (or
Enter) to show that pupil's Plan, Meetings or EHC plan tab. It stays open, so the SENCO can
work down the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.annual_reviews import STEPS_DUE_WITHIN_DAYS, steps_due
from ...services.formatting import format_date
from ...services.plans import actions_due, plans_due
from ...ui.context import AppContext


class DueListDialog(QDialog):
    """A list of pupils with something due; Open shows the pupil's tab."""

    def __init__(
        self,
        title: str,
        intro: str,
        headers: list[str],
        rows: list[tuple[int, list[str]]],
        open_pupil: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.open_pupil = open_pupil
        label = QLabel(intro)
        label.setWordWrap(True)
        self.table = QTableWidget(len(rows), len(headers))
        self.table.setAccessibleName(title)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setTabKeyNavigation(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        for number, (pupil_id, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, pupil_id)
                self.table.setItem(number, column, item)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        self.table.doubleClicked.connect(lambda _i: self.open_chosen())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("&Open pupil", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_chosen)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def open_chosen(self) -> None:
        """Show the chosen row's pupil."""
        item = self.table.item(self.table.currentRow(), 0)
        if item is not None:
            self.open_pupil(int(item.data(Qt.ItemDataRole.UserRole)))


def plans_due_dialog(
    ctx: AppContext, open_pupil: Callable[[int], None], parent: QWidget | None = None
) -> DueListDialog:
    """Pupils on the register whose plan has not been reviewed this term."""
    rows = []
    for due in plans_due(ctx.session, ctx.today):
        last = format_date(due.last_reviewed) if due.last_reviewed else "never"
        state = "has a plan" if due.has_plan else "no plan yet"
        rows.append((due.pupil.id, [due.pupil.display_name, last, state]))
    return DueListDialog(
        "Plans not reviewed this term",
        f"{len(rows)} pupils on the SEN register have no plan review this term.",
        ["Pupil", "Last reviewed", "Plan"],
        rows,
        open_pupil,
        parent,
    )


def actions_due_dialog(
    ctx: AppContext, open_pupil: Callable[[int], None], parent: QWidget | None = None
) -> DueListDialog:
    """Meeting actions not done, due within a week or overdue."""
    rows = []
    for due in actions_due(ctx.session, ctx.today):
        when = format_date(due.action.due_on)
        if due.overdue(ctx.today):
            when += " (overdue)"
        rows.append(
            (due.pupil.id, [due.pupil.display_name, due.action.text, due.action.owner, when])
        )
    return DueListDialog(
        "Meeting actions due",
        f"{len(rows)} actions agreed at meetings are due within a week or overdue.",
        ["Pupil", "Action", "Who", "Due"],
        rows,
        open_pupil,
        parent,
    )


def annual_review_steps_dialog(
    ctx: AppContext, open_pupil: Callable[[int], None], parent: QWidget | None = None
) -> DueListDialog:
    """Steps of EHC plan annual reviews not done, due within two weeks or overdue."""
    rows = []
    for due in steps_due(ctx.session, ctx.today):
        when = format_date(due.step.due)
        if due.overdue(ctx.today):
            when += " (overdue)"
        started = "in progress" if due.started else "not started"
        rows.append((due.pupil.id, [due.pupil.display_name, due.step.label, when, started]))
    return DueListDialog(
        "EHC plan annual review steps due",
        f"{len(rows)} steps of EHC plan annual reviews are due within "
        f"{STEPS_DUE_WITHIN_DAYS} days or overdue.",
        ["Pupil", "Step", "Due by", "Review"],
        rows,
        open_pupil,
        parent,
    )
