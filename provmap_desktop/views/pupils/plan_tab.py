"""The pupil pane's Plan tab: the SEN support plan, version by version.

The current version is edited in place, each field saved when the user leaves it:
review date, long-term outcomes (copied from the EHC plan's Section E where there is
one), small-step targets in a table (target, baseline, success criterion, date),
strategies for class teachers, ideas for home, and the provisions from the map that
serve it. Earlier versions are shown as they were, with each target's result and the
voices heard at their review. "Review plan…" closes the version and starts the next.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)
from sqlalchemy.orm import Session

from ...domain import plans
from ...domain.change import Change, Steps
from ...models import LearningPlan, PlanOutcome, Pupil
from ...services.formatting import format_date
from ...services.plans import plan_versions
from ...ui.speech import ValueLabel
from .dialogs import choice_combo, read_date
from .ehcp_items import button_row
from .plan_parts import PlanParts
from .plan_review import PlanReviewDialog
from .widgets import CommitTextEdit, show_value

if TYPE_CHECKING:
    from .pane import PupilPane


class PlanTab(PlanParts):
    """The pupil's SEN support plan: the current version to edit, earlier ones to read."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__(pane)
        self.plan_id: int | None = None
        self.review_dialog: PlanReviewDialog | None = None
        layout = QVBoxLayout(self.body)
        self.state = ValueLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Which plan is shown")
        layout.addWidget(self.state)
        layout.addLayout(self._top_row())
        self.plan_box = QGroupBox()
        self.plan_box.setFlat(True)
        box = QVBoxLayout(self.plan_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self._plan_fields())
        box.addWidget(self._outcomes_box())
        box.addWidget(self._targets_box())
        box.addLayout(self._text_fields())
        box.addWidget(self._provision_box())
        self.voices = ValueLabel()
        self.voices.setWordWrap(True)
        self.voices.setAccessibleName("What the review heard")
        box.addWidget(self.voices)
        layout.addWidget(self.plan_box)
        layout.addStretch(1)

    # -- building -------------------------------------------------------------------

    def _top_row(self) -> QHBoxLayout:
        self.version = choice_combo("Plan version", [])
        self.version.activated.connect(lambda _i: self._show_version(self.version.currentData()))
        version_label = QLabel("Versio&n")
        version_label.setBuddy(self.version)
        self.start_button = QPushButton("Start a &plan")
        self.start_button.clicked.connect(self.start_plan)
        self.review_button = QPushButton("Revie&w plan…")
        self.review_button.clicked.connect(self.open_review)
        self.family_button = QPushButton("&Save for family…")
        self.family_button.clicked.connect(self.ask_family_pdf)
        row = QHBoxLayout()
        for widget in (version_label, self.version, self.start_button, self.review_button):
            row.addWidget(widget)
        row.addWidget(self.family_button)
        row.addStretch(1)
        return row

    def _plan_fields(self) -> QFormLayout:
        self.review_due = QLineEdit()
        self.review_due.setPlaceholderText("dd/mm/yyyy")
        self.review_due.setAccessibleName("Review due")
        self.review_due.editingFinished.connect(self._save_review_due)
        form = QFormLayout()
        label = QLabel("Review d&ue")
        label.setBuddy(self.review_due)
        form.addRow(label, self.review_due)
        return form

    def _outcomes_box(self) -> QGroupBox:
        box = QGroupBox("Long-term outcomes")
        self.outcomes = QListWidget()
        self.outcomes.setAccessibleName("Long-term outcomes")
        self.outcomes.setTabKeyNavigation(False)
        self.outcomes.setWordWrap(True)
        self.outcomes.setMaximumHeight(90)
        self.outcomes.itemChanged.connect(self._outcome_edited)
        self.add_outcome_button = QPushButton("Add outcome")
        self.add_outcome_button.clicked.connect(self.add_outcome)
        self.remove_outcome_button = QPushButton("Remove outcome")
        self.remove_outcome_button.clicked.connect(self.remove_outcome)
        self.copy_ehcp_button = QPushButton("Copy EHC plan outcomes")
        self.copy_ehcp_button.clicked.connect(self.copy_ehcp_outcomes)
        layout = QVBoxLayout(box)
        layout.addWidget(self.outcomes)
        layout.addLayout(
            button_row(self.add_outcome_button, self.remove_outcome_button, self.copy_ehcp_button)
        )
        return box

    def _text_fields(self) -> QFormLayout:
        self.strategies = CommitTextEdit("Strategies for class teachers", 56)
        self.strategies.committed.connect(
            lambda: self._save_plan("strategies", self.strategies.toPlainText())
        )
        self.home_help = CommitTextEdit("How to help at home", 48)
        self.home_help.committed.connect(
            lambda: self._save_plan("home_help", self.home_help.toPlainText())
        )
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, widget in (
            ("S&trategies for class teachers", self.strategies),
            ("How to help at h&ome", self.home_help),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        return form

    # -- showing --------------------------------------------------------------------

    def load(self, pupil: Pupil) -> None:
        """Show the pupil's current plan (or the version chosen, if still there)."""
        versions = plan_versions(self.pane.ctx.session, pupil.id)
        self.version.clear()
        for plan in reversed(versions):
            when = f"reviewed {format_date(plan.reviewed_on)}" if plan.reviewed_on else "current"
            self.version.addItem(f"Plan {plan.version} ({when})", plan.id)
        has_open = any(v.reviewed_on is None for v in versions)
        self.start_button.setVisible(not has_open)
        known = {v.id for v in versions}
        chosen = self.plan_id if self.plan_id in known else (versions[-1].id if versions else None)
        self._show_version(chosen)

    def _show_version(self, plan_id: int | None) -> None:
        self.plan_id = plan_id
        plan = self.plan()
        self.plan_box.setVisible(plan is not None)
        self.version.setVisible(plan is not None)
        self.family_button.setVisible(plan is not None)
        self.review_button.setVisible(plan is not None and plan.reviewed_on is None)
        if plan is None:
            self.state.setText("No SEN support plan yet. Start one to set targets with the family.")
            return
        self.version.setCurrentIndex(max(self.version.findData(plan.id), 0))
        is_open = plan.reviewed_on is None
        due = format_date(plan.review_due) if plan.review_due else "not set"
        self.state.setText(
            f"Plan {plan.version}, from {format_date(plan.started_on)}; review due {due}."
            if is_open
            else f"Plan {plan.version}, reviewed {format_date(plan.reviewed_on)}: kept as it "
            "was (read only)."
        )
        for widget in (
            self.review_due, self.add_outcome_button, self.remove_outcome_button,
            self.copy_ehcp_button, self.add_target_button, self.remove_target_button,
            self.allocation, self.link_button, self.unlink_button,
        ):  # fmt: skip
            widget.setEnabled(is_open)
        for text_box in (self.strategies, self.home_help):
            text_box.setReadOnly(not is_open)
        pupil = self.pane.pupil()
        self.copy_ehcp_button.setVisible(pupil is not None and pupil.ehcp is not None)
        show_value(self.review_due, plan.review_due)
        show_value(self.strategies, plan.strategies)
        show_value(self.home_help, plan.home_help)
        self._fill_outcomes(plan, is_open)
        self._fill_targets(plan, is_open)
        self._fill_provision(plan)
        voices = [
            f"{label}: {text}"
            for label, text in (
                ("Pupil voice", plan.pupil_voice),
                ("Parent/carer views", plan.parent_views),
                ("Notes", plan.review_notes),
            )
            if text
        ]
        self.voices.setText("\n".join(voices))
        self.voices.setVisible(bool(voices))

    def _fill_outcomes(self, plan: LearningPlan, editable: bool) -> None:
        self.outcomes.blockSignals(True)
        self.outcomes.clear()
        for outcome in plan.outcomes:
            linked = " (EHC plan)" if outcome.ehcp_outcome_id else ""
            item = QListWidgetItem(outcome.text)
            item.setToolTip(f"{outcome.text}{linked}")
            item.setData(Qt.ItemDataRole.UserRole, outcome.id)
            if editable:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.outcomes.addItem(item)
        self.outcomes.blockSignals(False)

    # -- editing --------------------------------------------------------------------

    def start_plan(self) -> None:
        """Start a plan from today, its first review in about twelve weeks."""
        pupil = self.pane.pupil()
        if pupil is None:
            return
        pupil_id, today = pupil.id, self.pane.ctx.today
        due = today + dt.timedelta(weeks=12)
        edit = self._edit(
            f"start a plan for {pupil.display_name}",
            lambda s: plans.start_plan(s, pupil_id, today, due),
        )
        if edit is not None:
            self.plan_id = None  # show the new current version
            self.pane.refresh()

    def _save_plan(self, field: str, value: Any) -> None:
        plan = self.plan()
        if plan is None or plan.reviewed_on is not None or getattr(plan, field) == value:
            return
        plan_id = plan.id
        what = {"strategies": "strategies", "home_help": "ideas for home"}.get(field, field)
        self._edit(f"change plan {what}", lambda s: plans.update_plan(s, plan_id, field, value))

    def _save_review_due(self) -> None:
        plan = self.plan()
        if plan is None or plan.reviewed_on is not None:
            return
        try:
            day = read_date(self.review_due.text(), "Review due")
        except ValueError as exc:
            self.pane.show_message(str(exc))
            show_value(self.review_due, plan.review_due)
            return
        self._save_plan("review_due", day)

    def add_outcome(self) -> None:
        """Add an outcome and start typing it."""
        plan = self.plan()
        if plan is None:
            return
        plan_id = plan.id
        if self._edit("add outcome", lambda s: plans.add_outcome(s, plan_id, "New outcome")):
            last = self.outcomes.item(self.outcomes.count() - 1)
            if last is not None:
                self.outcomes.setCurrentItem(last)
                self.outcomes.editItem(last)

    def remove_outcome(self) -> None:
        """Remove the chosen outcome."""
        current = self.outcomes.currentItem()
        if current is not None:
            outcome_id = current.data(Qt.ItemDataRole.UserRole)
            self._edit("remove outcome", lambda s: plans.remove_outcome(s, outcome_id))

    def _outcome_edited(self, item: QListWidgetItem) -> None:
        outcome_id = item.data(Qt.ItemDataRole.UserRole)
        outcome = self.pane.ctx.session.get(PlanOutcome, outcome_id)
        text = item.text().strip()
        if outcome is None or text == outcome.text:
            return
        self._edit("change outcome", lambda s: plans.update_outcome(s, outcome_id, "text", text))

    def copy_ehcp_outcomes(self) -> None:
        """Add each EHC plan Section E outcome not yet on the plan, linked to it."""
        plan, pupil = self.plan(), self.pane.pupil()
        if plan is None or pupil is None or pupil.ehcp is None:
            return
        linked = {o.ehcp_outcome_id for o in plan.outcomes}
        wanted = [(o.id, o.text) for o in pupil.ehcp.outcomes if o.id not in linked]
        if not wanted:
            self.pane.show_message("Every EHC plan outcome is already on this plan.")
            return
        plan_id = plan.id

        def write(session: Session) -> Change:
            return Steps([plans.add_outcome(session, plan_id, t, i) for i, t in wanted])

        self._edit("copy EHC plan outcomes", write)

    # -- reviewing and printing -----------------------------------------------------

    def open_review(self) -> PlanReviewDialog | None:
        """Open the review of the current version."""
        plan = self.plan()
        if plan is None or plan.reviewed_on is not None:
            return None
        dialog = PlanReviewDialog(self.pane.ctx, plan, self)
        dialog.reviewed.connect(self._after_review)
        self.review_dialog = dialog
        dialog.open()
        return dialog

    def _after_review(self) -> None:
        self.plan_id = None  # show the version the review started
        self.pane.refresh()

    def write_family_pdf(self, path: Path) -> Path | None:
        """Write the shown version for the family to ``path``."""
        plan, pupil = self.plan(), self.pane.pupil()
        if plan is None or pupil is None:
            return None
        from ...reports.family_plan_pdf import write_family_plan_pdf

        ctx = self.pane.ctx
        return write_family_plan_pdf(ctx.session, pupil, path, plan=plan, today=ctx.today)

    def ask_family_pdf(self) -> None:
        """Ask where to save the plan for the family, then save it."""
        from .actions import _ask_save, _busy, _safe_file_name, _tell

        pupil = self.pane.pupil()
        if pupil is None:
            return
        name = _safe_file_name(f"Support plan {pupil.display_name}") + ".pdf"
        path = _ask_save(self, "Save the plan for the family as", name)
        if path is not None and _busy(lambda: self.write_family_pdf(path), self, "Plan not saved"):
            _tell(self, f"{pupil.display_name}'s plan saved to {path}")
