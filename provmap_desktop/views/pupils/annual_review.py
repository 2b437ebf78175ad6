"""The EHC plan's annual reviews: when the next is due, each review's steps and record.

Opened from the pupil's EHC plan tab (Alt+G there). The list shows every review,
newest last; the chosen review shows its statutory steps, each with the date it was
done typed beside what is due (views sought and reports sent two weeks before the
meeting, the report within two weeks after), and what the review heard: who came,
the pupil's and family's views, the amendments proposed. Each field is saved when
the user leaves it, as an edit Ctrl+Z takes back here as on the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ...domain import annual_reviews
from ...domain.change import Change, ChildRowsAdded
from ...models import Ehcp, EhcpAnnualReview
from ...services.annual_reviews import annual_review_due, checklist, open_review
from ...services.formatting import format_date
from ...ui.context import AppContext
from ...ui.edits import DomainEdit, EditRefused, perform
from ...ui.speech import ValueLabel
from .dialogs import read_date
from .records import keep_chosen, read_only_table, set_row
from .widgets import CommitTextEdit, show_value

#: The steps' date fields: (column, label with access key, what the date records).
STEP_FIELDS = (
    ("views_sought_on", "&Views sought on", "Views sought on"),
    ("reports_sent_on", "Reports sent o&n", "Reports sent on"),
    ("meeting_on", "&Meeting on", "Meeting on"),
    ("report_sent_on", "Review report sen&t on", "Review report sent on"),
)
#: What the review heard: (column, label with access key).
RECORD_FIELDS = (
    ("attendees", "Who &attended"),
    ("pupil_views", "The &pupil's views"),
    ("parent_views", "The famil&y's views"),
    ("proposed_amendments", "Proposed amen&dments"),
)


class AnnualReviewsDialog(QDialog):
    """A plan's annual reviews; each edit is saved at once and can be undone."""

    def __init__(self, ctx: AppContext, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id = plan_id
        self.review_id: int | None = None
        plan = self.plan()
        name = plan.pupil.display_name if plan is not None else "pupil"
        self.setWindowTitle(f"EHC plan annual reviews: {name}")
        self.summary = ValueLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Next annual review")
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Annual review message")
        self.message.hide()
        self.table = read_only_table("Annual reviews", ["Meeting", "Report sent", "State"])
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setMaximumHeight(96)
        self.table.itemSelectionChanged.connect(self._review_chosen)
        self.start_button = QPushButton("&Start the next review")
        self.start_button.clicked.connect(self.start_review)
        self.remove_button = QPushButton("&Remove review")
        self.remove_button.clicked.connect(self.remove_review)
        self.detail = QGroupBox("The review: steps and record")
        self.dates: dict[str, QLineEdit] = {}
        self.states: dict[str, ValueLabel] = {}
        self.texts: dict[str, CommitTextEdit] = {}
        self._build_detail()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.detail, 1)
        layout.addWidget(buttons)
        # The main window's Undo and Redo, here too: the dialog is its own window.
        for keys, act in (
            (QKeySequence.StandardKey.Undo, ctx.undo_stack.undo),
            (QKeySequence.StandardKey.Redo, ctx.undo_stack.redo),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(act)
        ctx.data_changed.connect(self._data_changed)
        self.finished.connect(lambda _r: ctx.data_changed.disconnect(self._data_changed))
        self.resize(720, 540)
        self.reload()

    def _build_detail(self) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for field, label, what in STEP_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText("dd/mm/yyyy")
            edit.setAccessibleName(what)
            edit.setMaximumWidth(120)
            edit.editingFinished.connect(lambda f=field: self._save_date(f))
            state = ValueLabel()
            state.setAccessibleName(f"{what}: what is due")
            self.dates[field], self.states[field] = edit, state
            line = QHBoxLayout()
            line.addWidget(edit)
            line.addWidget(state, 1)
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, line)
        for field, label in RECORD_FIELDS:
            box = CommitTextEdit(label.replace("&", ""), 44)
            box.committed.connect(lambda f=field: self._save_text(f))
            self.texts[field] = box
            caption = QLabel(label)
            caption.setBuddy(box)
            form.addRow(caption, box)
        QVBoxLayout(self.detail).addLayout(form)

    # -- showing --------------------------------------------------------------------

    def plan(self) -> Ehcp | None:
        return self.ctx.session.get(Ehcp, self.plan_id)

    def review(self) -> EhcpAnnualReview | None:
        if self.review_id is None:
            return None
        return self.ctx.session.get(EhcpAnnualReview, self.review_id)

    def _data_changed(self, _changed: Any) -> None:
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        """Show the plan's reviews afresh, keeping the chosen one (else the latest)."""
        plan = self.plan()
        if plan is None:
            self.summary.setText("This pupil no longer has an EHC plan.")
            self.table.setRowCount(0)
            self.detail.hide()
            self.start_button.setEnabled(False)
            self.remove_button.setEnabled(False)
            return
        self.ctx.session.refresh(plan, ["annual_reviews"])
        today = self.ctx.today
        current = open_review(plan)
        due = annual_review_due(plan)
        if due is None:
            words = "Type the plan's issue date on the EHC plan tab to see when its review is due."
        else:
            state = "in progress" if current is not None else "not started yet"
            words = f"Annual review due by {format_date(due)}: {state}."
        self.summary.setText(words)
        self.start_button.setEnabled(current is None)
        reviews = plan.annual_reviews
        self.table.blockSignals(True)
        self.table.setRowCount(len(reviews))
        for number, review in enumerate(reviews):
            late = [s for s in checklist(plan, review) if s.overdue(today)]
            if not review.is_open:
                state = "Finished"
            elif late:
                state = f"In progress: {len(late)} overdue"
            else:
                state = "In progress"
            cells = [
                format_date(review.meeting_on) if review.meeting_on else "not booked",
                format_date(review.report_sent_on) if review.report_sent_on else "",
                state,
            ]
            set_row(self.table, number, cells, review.id)
        ids = [r.id for r in reviews]
        self.review_id = keep_chosen(self.table, ids, self.review_id, ids[-1] if ids else None)
        self.table.blockSignals(False)
        self.table.setVisible(bool(ids))
        self._show_review()

    def _review_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            item = self.table.item(rows[0].row(), 0)
            self.review_id = item.data(Qt.ItemDataRole.UserRole) if item else None
            self._show_review()

    def _show_review(self) -> None:
        plan, review = self.plan(), self.review()
        self.detail.setVisible(review is not None)
        self.remove_button.setEnabled(review is not None)
        if plan is None or review is None:
            return
        steps = {step.key: step for step in checklist(plan, review)}
        for field, edit in self.dates.items():
            show_value(edit, getattr(review, field))
            self.states[field].setText(steps[field].state(self.ctx.today))
        for field, box in self.texts.items():
            show_value(box, getattr(review, field))

    # -- editing --------------------------------------------------------------------

    def _edit(self, label: str, write: Callable[[Session], Change]) -> DomainEdit | None:
        edit = DomainEdit(self.ctx, label, write)
        try:
            perform(self.ctx, edit)
        except EditRefused as exc:
            self.message.setText(str(exc))
            self.message.show()
            self.reload()
            return None
        self.message.hide()
        return edit

    def start_review(self) -> None:
        """Start the plan's next review and move to its meeting date."""
        plan_id = self.plan_id
        edit = self._edit(
            "start EHC plan annual review", lambda s: annual_reviews.start_review(s, plan_id)
        )
        if edit is not None and isinstance(edit.change, ChildRowsAdded):
            self.review_id = edit.change.row_id
            self.reload()
            self.dates["meeting_on"].setFocus()

    def remove_review(self) -> None:
        """Remove the chosen review (Ctrl+Z brings it back)."""
        review_id = self.review_id
        if review_id is not None:
            self.review_id = None
            self._edit(
                "remove EHC plan annual review",
                lambda s: annual_reviews.remove_review(s, review_id),
            )
            self.reload()

    def _save_date(self, field: str) -> None:
        review = self.review()
        if review is None:
            return
        what = next(w for f, _l, w in STEP_FIELDS if f == field)
        try:
            value = read_date(self.dates[field].text(), what)
        except ValueError as exc:
            self.message.setText(str(exc))
            self.message.show()
            show_value(self.dates[field], getattr(review, field))
            return
        if value == getattr(review, field):
            return
        self._save(field, value, f"change annual review {what.lower()}")

    def _save_text(self, field: str) -> None:
        review = self.review()
        if review is None:
            return
        value = self.texts[field].toPlainText().strip()
        if value == getattr(review, field):
            return
        label = next(lbl for f, lbl in RECORD_FIELDS if f == field).replace("&", "")
        self._save(field, value, f"change annual review: {label.lower()}")

    def _save(self, field: str, value: Any, label: str) -> None:
        review_id = self.review_id
        assert review_id is not None
        self._edit(label, lambda s: annual_reviews.update_review(s, review_id, field, value))
