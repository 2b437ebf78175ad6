"""Reviewing a SEN support plan: each target's result, the pupil's and family's views.

Accepting the dialog closes the current version and starts the next as one undoable
edit. Used from the pupil's Plan tab and from the APDR wizard's Review step.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain import plans
from ...domain.plans import PlanReview
from ...models import LearningPlan, TargetResult
from ...services.formatting import format_date
from ...ui.context import AppContext
from ...ui.edits import DomainEdit, EditRefused, perform
from ...ui.speech import ValueLabel
from .dialogs import choice_combo, read_date
from .widgets import CommitTextEdit

RESULTS = [(None, "Choose…"), *((r.value, r.label) for r in TargetResult)]


class PlanReviewDialog(QDialog):
    """Record the review of ``plan`` and start the next version."""

    reviewed = Signal()

    def __init__(self, ctx: AppContext, plan: LearningPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id = plan.id
        self.setWindowTitle(f"Review plan {plan.version}")
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Review message")
        self.message.hide()
        self.reviewed_on = QLineEdit(format_date(ctx.today))
        self.reviewed_on.setAccessibleName("Reviewed on")
        due = ctx.today + dt.timedelta(days=84)
        self.next_due = QLineEdit(format_date(due))
        self.next_due.setAccessibleName("Next review due")
        self.results: dict[int, QComboBox] = {}
        targets = QGroupBox("How far each target was met")
        target_form = QFormLayout(targets)
        target_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for target in plan.targets:
            combo = choice_combo(f"Result of {target.text}", RESULTS)
            self.results[target.id] = combo
            label = QLabel(target.text)
            label.setWordWrap(True)
            target_form.addRow(label, combo)
        if not plan.targets:
            target_form.addRow(QLabel("This plan has no targets to review."))
        self.pupil_voice = CommitTextEdit("Pupil voice", 48)
        self.parent_views = CommitTextEdit("Parent/carer views", 48)
        self.notes = CommitTextEdit("Review notes", 40)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, widget in (
            ("Reviewed &on", self.reviewed_on),
            ("&Pupil voice", self.pupil_voice),
            ("Parent/carer &views", self.parent_views),
            ("No&tes", self.notes),
            ("&Next review due", self.next_due),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.record_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.record_button.setText("&Record review")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(targets)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def review(self) -> PlanReview:
        """The review the fields describe; ``ValueError`` in plain words if one is wrong."""
        reviewed_on = read_date(self.reviewed_on.text(), "Reviewed on")
        if reviewed_on is None:
            raise ValueError("Reviewed on: type the day of the review as dd/mm/yyyy.")
        results: dict[int, TargetResult] = {}
        for target_id, combo in self.results.items():
            if combo.currentData() is not None:
                results[target_id] = TargetResult(combo.currentData())
        return PlanReview(
            reviewed_on=reviewed_on,
            results=results,
            pupil_voice=self.pupil_voice.toPlainText(),
            parent_views=self.parent_views.toPlainText(),
            notes=self.notes.toPlainText(),
            next_review_due=read_date(self.next_due.text(), "Next review due"),
        )

    def record(self) -> None:
        """Record the review as one undoable edit; stay open and say why if refused."""
        try:
            review = self.review()
        except ValueError as exc:
            self._say(str(exc))
            return
        plan_id = self.plan_id
        edit = DomainEdit(self.ctx, "review plan", lambda s: plans.review_plan(s, plan_id, review))
        try:
            perform(self.ctx, edit)
        except EditRefused as exc:
            self._say(str(exc))
            return
        self.accept()
        self.reviewed.emit()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
