"""The review wizard's first three pages: Assess, Plan and Do, and their table helpers.

Each pupil has a row in each page's table; a whole-group value is written only into the
columns whose "same for all" box is ticked (see ``review_columns``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ..models import GroupMembership, Review
from ..models.vocab import SessionStatus
from ..services.delivery import Rate, membership_rate, rate_text
from ..services.planned_sessions import group_sessions, status_text
from ..services.review_cycle import group_last_school_day, review_date_problem
from ..services.review_measures import MEASURE_LABELS
from ..ui.speech import ValueLabel
from .review_columns import SharedColumn, combo, date_edit

if TYPE_CHECKING:
    from .review_wizard import ReviewWizard

# Assess table columns
A_PUPIL, A_BASELINE, A_MEASURE, A_DATE = range(4)
ASSESS_HEADERS = ("Pupil", "Baseline", "Measure", "Baseline date")
# Plan table columns
P_PUPIL, P_OUTCOME_SOUGHT, P_TARGET, P_TARGET_VALUE, P_REVIEW_DATE = range(5)
PLAN_HEADERS = ("Pupil", "Outcome sought", "Target", "Target value", "Review date")


def pupil_table(name: str, headers: tuple[str, ...], rows: int) -> QTableWidget:
    """A table of `rows` pupils under `headers`, which Tab leaves rather than walks."""
    table = QTableWidget(rows, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setMinimumSectionSize(60)
    # Tab leaves the table (arrow keys move between cells), so every field after it
    # stays reachable from the keyboard.
    table.setTabKeyNavigation(False)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def read_only_item(text: str) -> QTableWidgetItem:
    """A table cell showing `text` that cannot be typed over."""
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _shared_row(form: QFormLayout, label: str, editor: QWidget, box: QCheckBox) -> None:
    """A form row: the labelled whole-group editor and its "same for all" box."""
    caption = QLabel(label)
    caption.setBuddy(editor)
    row = QHBoxLayout()
    row.addWidget(editor, 1)
    row.addWidget(box)
    form.addRow(caption, row)


def _same_box(text: str, what: str) -> QCheckBox:
    """A "same for all" box for the whole-group value `what`."""
    box = QCheckBox(text)
    box.setAccessibleName(f"Same {what} for every pupil")
    box.setToolTip(f"Ticked: one {what} for every pupil. Unticked: each pupil keeps their own.")
    return box


@dataclass
class PupilDraft:
    """What the wizard holds for one pupil until Finish."""

    membership_id: int
    name: str
    review: Review  # the open cycle, or a pre-filled one not yet saved


class AssessPage(QWizardPage):
    """The Assess page: each pupil's baseline, measure and baseline date."""

    def __init__(self, wizard: ReviewWizard) -> None:
        """Build the whole-group fields above the table of each pupil's baseline."""
        super().__init__()
        self.setTitle("Assess")
        self.setSubTitle("The baseline: what was measured, when, and each pupil's result.")
        drafts = wizard.drafts
        first = drafts[0].review
        self.table = pupil_table("Baseline of each pupil", ASSESS_HEADERS, len(drafts))
        for row, draft in enumerate(drafts):
            review = draft.review
            self.table.setItem(row, A_PUPIL, read_only_item(draft.name))
            self.table.setItem(row, A_BASELINE, QTableWidgetItem(review.baseline_value))
            measure = combo(f"Measure for {draft.name}", MEASURE_LABELS)
            measure.setCurrentIndex(max(measure.findData(review.baseline_type), 1))
            self.table.setCellWidget(row, A_MEASURE, measure)
            self.table.setCellWidget(
                row, A_DATE, date_edit(review.baseline_date, f"Baseline date for {draft.name}")
            )
        self.measure = combo("Measure for every pupil", MEASURE_LABELS)
        self.measure.setCurrentIndex(max(self.measure.findData(first.baseline_type), 1))
        self.date = date_edit(first.baseline_date, "Baseline date for every pupil")
        self.same_measure = _same_box("&Same measure for all", "measure")
        self.same_date = _same_box("Same da&te for all", "baseline date")
        self.columns = [
            SharedColumn(self.table, A_MEASURE, self.measure, self.same_measure),
            SharedColumn(self.table, A_DATE, self.date, self.same_date),
        ]
        form = QFormLayout(self)
        _shared_row(form, "&Measure", self.measure, self.same_measure)
        _shared_row(form, "Baseline &date", self.date, self.same_date)
        form.addRow(QLabel("Reading and spelling ages as 7y 4m, 7:4 or months; scores as numbers."))
        caption = QLabel("Each &pupil's baseline")
        caption.setBuddy(self.table)
        form.addRow(caption)
        form.addRow(self.table)
        if len(drafts) == 1:  # one pupil: the fields above are theirs
            for widget in (self.same_measure, self.same_date):
                widget.hide()
            self.table.hideColumn(A_MEASURE)
            self.table.hideColumn(A_DATE)

    def measure_type(self, row: int) -> str:
        """The measure of the pupil in `row` ("free_text" if none is chosen)."""
        widget = self.table.cellWidget(row, A_MEASURE)
        return str(widget.currentData() or "free_text") if isinstance(widget, QComboBox) else ""

    def baseline(self, row: int) -> str:
        """The baseline typed for the pupil in `row`."""
        item = self.table.item(row, A_BASELINE)
        return item.text().strip() if item else ""

    def baseline_date(self, row: int) -> dt.date:
        """The baseline date of the pupil in `row` (the shared one when ticked)."""
        return self.columns[1].cell_value(row)  # type: ignore[no-any-return]


class PlanPage(QWizardPage):
    """The Plan page: each pupil's outcome sought, target, target value and review date."""

    def __init__(self, wizard: ReviewWizard) -> None:
        """Build the whole-group fields above the table of each pupil's plan."""
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Plan")
        self.setSubTitle(
            "The outcome sought, a measurable target and when to review: a school day "
            "inside the group's dates."
        )
        drafts = wizard.drafts
        self._build_table(drafts)
        self._build_shared_fields(drafts[0].review)
        self.problem = ValueLabel(announces=True)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Plan message")
        form = QFormLayout(self)
        _shared_row(form, "&Outcome sought", self.outcome_sought, self.same_outcome)
        _shared_row(form, "&Target", self.target, self.same_target)
        _shared_row(form, "Target &value", self.target_value, self.same_target_value)
        _shared_row(form, "&Review date", self.review_date, self.same_review_date)
        caption = QLabel("Each &pupil's plan")
        caption.setBuddy(self.table)
        form.addRow(caption)
        form.addRow(self.table)
        form.addRow(self.problem)
        if len(drafts) == 1:  # one pupil: the fields above are theirs
            for widget in (caption, self.table, *self.boxes):
                widget.hide()

    def _build_table(self, drafts: list[PupilDraft]) -> None:
        """Make the table with each pupil's own plan and review date."""
        self.table = pupil_table("Plan of each pupil", PLAN_HEADERS, len(drafts))
        for row, draft in enumerate(drafts):
            review = draft.review
            self.table.setItem(row, P_PUPIL, read_only_item(draft.name))
            self.table.setItem(row, P_OUTCOME_SOUGHT, QTableWidgetItem(review.outcome_sought))
            self.table.setItem(row, P_TARGET, QTableWidgetItem(review.target))
            self.table.setItem(row, P_TARGET_VALUE, QTableWidgetItem(review.target_value))
            self.table.setCellWidget(
                row, P_REVIEW_DATE, date_edit(review.review_date, f"Review date for {draft.name}")
            )

    def _build_shared_fields(self, first: Review) -> None:
        """Make the whole-group fields, filled from `first`, each with its "same for all" box."""
        self.outcome_sought = QPlainTextEdit(first.outcome_sought)
        self.outcome_sought.setAccessibleName("Outcome sought")
        self.outcome_sought.setTabChangesFocus(True)
        self.outcome_sought.setMaximumHeight(56)
        self.target = QLineEdit(first.target)
        self.target.setAccessibleName("Target")
        self.target_value = QLineEdit(first.target_value)
        self.target_value.setAccessibleName("Target value")
        self.target_value.setPlaceholderText("+6m or -3 for a change, or the value aimed for")
        self.review_date = date_edit(first.review_date, "Review date")
        self.same_outcome = _same_box("Same o&utcome for all", "outcome sought")
        self.same_target = _same_box("Same tar&get for all", "target")
        self.same_target_value = _same_box("Same target va&lue for all", "target value")
        self.same_review_date = _same_box("Same review dat&e for all", "review date")
        self.columns = {
            P_OUTCOME_SOUGHT: SharedColumn(
                self.table, P_OUTCOME_SOUGHT, self.outcome_sought, self.same_outcome
            ),
            P_TARGET: SharedColumn(self.table, P_TARGET, self.target, self.same_target),
            P_TARGET_VALUE: SharedColumn(
                self.table, P_TARGET_VALUE, self.target_value, self.same_target_value
            ),
            P_REVIEW_DATE: SharedColumn(
                self.table, P_REVIEW_DATE, self.review_date, self.same_review_date
            ),
        }

    @property
    def boxes(self) -> list[QCheckBox]:
        """The "same for all" boxes."""
        return [self.same_outcome, self.same_target, self.same_target_value, self.same_review_date]

    def outcome_sought_of(self, row: int) -> str:
        """The outcome sought for the pupil in `row`."""
        return str(self.columns[P_OUTCOME_SOUGHT].cell_value(row))

    def target_of(self, row: int) -> str:
        """The target of the pupil in `row`."""
        return str(self.columns[P_TARGET].cell_value(row))

    def target_value_of(self, row: int) -> str:
        """The target value of the pupil in `row`."""
        return str(self.columns[P_TARGET_VALUE].cell_value(row)).strip()

    def review_date_of(self, row: int) -> dt.date:
        """The review date of the pupil in `row` (the shared one when ticked)."""
        return self.columns[P_REVIEW_DATE].cell_value(row)  # type: ignore[no-any-return]

    def review_date_cell(self, row: int) -> Any:
        """The review date field in the table's `row`."""
        return self.table.cellWidget(row, P_REVIEW_DATE)

    def validatePage(self) -> bool:
        """Every review date is a school day inside the group's dates, on or after the
        baseline; otherwise say why and propose the group's last school day."""
        wizard = self.wizard_
        session, group = wizard.ctx.session, wizard.group
        shared = self.same_review_date.isChecked() and len(wizard.drafts) > 1
        proposal = group_last_school_day(session, group)
        lines = []
        for row, draft in enumerate(wizard.drafts):
            problem = review_date_problem(
                session,
                group,
                self.review_date_of(row),
                baseline_date=wizard.assess.baseline_date(row),
            )
            if problem is None:
                continue
            who = f"{draft.name}: " if len(wizard.drafts) > 1 and not shared else ""
            if proposal is None:
                lines.append(f"{who}{problem} The group has no school day: change its dates.")
                continue
            lines.append(
                f"{who}{problem} Proposed instead: the group's last school day, "
                f"{proposal:%d/%m/%Y}."
            )
            self.columns[P_REVIEW_DATE].set_for(row, proposal)
            if shared:
                break
        if lines:
            if proposal is not None:
                lines.append("Press Next to accept, or choose another school day.")
            self.problem.setText("\n".join(lines))
            return False
        self.problem.clear()
        return True


class DoPage(QWizardPage):
    """The delivery record for the cycle's period, read-only."""

    def __init__(self, wizard: ReviewWizard) -> None:
        """Build the delivery summary above the list of sessions."""
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Do")
        self.setSubTitle("What was delivered between the baseline and the review.")
        self.summary = ValueLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Delivery rate for the period")
        self.sessions = QTableWidget(0, 2)
        self.sessions.setAccessibleName("Sessions in the period")
        self.sessions.setTabKeyNavigation(False)
        self.sessions.setHorizontalHeaderLabels(("Date", "What happened"))
        self.sessions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.sessions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.sessions, 1)

    def initializePage(self) -> None:
        """List the group's sessions in the period and each pupil's delivery rate."""
        wizard = self.wizard_
        first, last = wizard.period()
        session = wizard.ctx.session
        group_id = wizard.group_id
        rows = group_sessions(session, group_id, first, last)
        self.sessions.setRowCount(len(rows))
        for row, (day, record) in enumerate(rows):
            self.sessions.setItem(row, 0, QTableWidgetItem(day.strftime("%a %d/%m/%Y")))
            self.sessions.setItem(row, 1, QTableWidgetItem(status_text(record)))
        delivered = sum(
            1 for _d, r in rows if r is not None and r.status == SessionStatus.DELIVERED.value
        )
        lines = [
            f"{first:%d/%m/%Y} to {last:%d/%m/%Y}: group "
            f"{rate_text(Rate(delivered, len(rows)), session)}"
        ]
        for row, draft in enumerate(wizard.drafts):
            membership = session.get(GroupMembership, draft.membership_id)
            assert membership is not None
            start, end = wizard.period(row)
            rate = membership_rate(session, membership, start, end)
            lines.append(f"{draft.name}: {rate_text(rate, session)}")
        self.summary.setText("\n".join(lines))
