"""The pupil pane's EHC plan tab: plan dates, Section E outcomes, Section F items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import ehcp
from ...models import EhcpOutcome, Pupil
from ...models.vocab import SenStatus
from ...services.annual_reviews import annual_review_words
from ...ui.speech import ValueLabel
from .annual_review import AnnualReviewsDialog
from .dialogs import read_date
from .ehcp_items import SectionFTab, button_row
from .widgets import Binding, plain

if TYPE_CHECKING:
    from .pane import PupilPane


class EhcpTab(SectionFTab):
    """Plan dates, Section E outcomes, and Section F items with the allocation meeting each."""

    def __init__(self, pane: PupilPane) -> None:
        """Build the no-plan note and the plan's dates, outcomes and items, stacked."""
        super().__init__(pane)
        self.item_id: int | None = None
        self.reviews_dialog: AnnualReviewsDialog | None = None
        layout = QVBoxLayout(self.body)
        self.no_plan = QLabel()
        self.no_plan.setWordWrap(True)
        self.add_plan_button = QPushButton("Add EHC plan")
        self.add_plan_button.clicked.connect(self.add_plan)
        layout.addWidget(self.no_plan)
        layout.addWidget(self.add_plan_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.plan_box = QWidget()
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        plan_layout.addLayout(self._plan_dates())
        self.reviews_button = QPushButton("Mana&ge annual reviews…")
        self.reviews_button.setToolTip(
            "When the annual review is due, its statutory steps, and each review recorded"
        )
        self.reviews_button.clicked.connect(self.open_annual_reviews)
        self.reviews_state = ValueLabel()
        self.reviews_state.setAccessibleName("Annual review")
        self.reviews_state.setWordWrap(True)
        reviews_row = button_row(self.reviews_button)
        reviews_row.insertWidget(1, self.reviews_state, 1)
        plan_layout.addLayout(reviews_row)
        plan_layout.addWidget(self._outcomes_box())
        plan_layout.addWidget(self._section_f_box())
        layout.addWidget(self.plan_box)
        layout.addStretch(1)

    def _plan_dates(self) -> QFormLayout:
        """Make the plan's issue date, next annual review date and LA reference fields."""
        dates = QFormLayout()
        for field, label in (
            ("issued_date", "Issue&d"),
            ("next_review_date", "Next annual revie&w"),
        ):
            edit = QLineEdit()
            edit.setPlaceholderText("dd/mm/yyyy")
            what = plain(label)
            parse = self._date_parser(what)
            dates.addRow(label, self.bind(Binding("ehcp", field, what, edit, parse)))
        dates.addRow(
            "LA refere&nce", self.bind(Binding("ehcp", "la_reference", "LA reference", QLineEdit()))
        )
        return dates

    def _outcomes_box(self) -> QGroupBox:
        """Make the Section E list of outcomes, edited in place, with its add and remove."""
        outcomes = QGroupBox("Section E: outcomes")
        self.outcomes = QListWidget()
        self.outcomes.setAccessibleName("Section E outcomes")
        self.outcomes.setTabKeyNavigation(False)
        self.outcomes.setWordWrap(True)
        self.outcomes.setAlternatingRowColors(True)  # one outcome per band
        self.outcomes.setMaximumHeight(120)
        self.outcomes.itemChanged.connect(self._outcome_edited)
        add_outcome = QPushButton("Add &outcome")
        add_outcome.clicked.connect(self.add_outcome)
        remove_outcome = QPushButton("Remove outcome")
        remove_outcome.clicked.connect(self.remove_outcome)
        box = QVBoxLayout(outcomes)
        box.addWidget(self.outcomes)
        box.addLayout(button_row(add_outcome, remove_outcome))
        return outcomes

    @staticmethod
    def _date_parser(what: str) -> Callable[[str], dt.date | None]:
        """A reader of dd/mm/yyyy text whose refusals name the field `what`."""
        return lambda text: read_date(text, what)

    # -- showing --------------------------------------------------------------------

    def load(self, pupil: Pupil) -> None:
        """Show the pupil's plan, or say why there is none and offer to add one."""
        plan = pupil.ehcp
        self.plan_box.setVisible(plan is not None)
        is_e = pupil.sen_status == SenStatus.EHCP.value
        self.add_plan_button.setVisible(plan is None and is_e)
        if plan is None:
            self.no_plan.setText(
                "No EHC plan is recorded for this pupil yet."
                if is_e
                else "No EHC plan. Set the SEN status to E (EHC plan) on the SEN tab to add one."
            )
            self.no_plan.show()
            return
        self.no_plan.hide()
        super().load(pupil)
        self.outcomes.blockSignals(True)
        self.outcomes.clear()
        for outcome in plan.outcomes:
            item = QListWidgetItem(outcome.text)
            item.setData(Qt.ItemDataRole.UserRole, outcome.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.outcomes.addItem(item)
        self.outcomes.blockSignals(False)
        self._load_items(pupil)
        self.reviews_state.setText(annual_review_words(plan, self.pane.ctx.today))

    # -- editing --------------------------------------------------------------------

    def add_plan(self) -> None:
        """Add an EHC plan to the shown pupil."""
        pupil = self.pane.pupil()
        if pupil is None or pupil.ehcp is not None:
            return
        pupil_id = pupil.id
        self._edit(f"add EHC plan for {pupil.display_name}", lambda s: ehcp.add_plan(s, pupil_id))

    def open_annual_reviews(self) -> AnnualReviewsDialog | None:
        """Open the plan's annual reviews beside the pupil pane."""
        plan = self._plan()
        if plan is None:
            return None
        if self.reviews_dialog is not None:
            self.reviews_dialog.close()
        self.reviews_dialog = AnnualReviewsDialog(self.pane.ctx, plan.id, self)
        self.reviews_dialog.show()
        return self.reviews_dialog

    def add_outcome(self) -> None:
        """Add a blank Section E outcome and start typing it."""
        plan = self._plan()
        if plan is None:
            return
        plan_id = plan.id
        self._edit("add Section E outcome", lambda s: ehcp.add_outcome(s, plan_id))
        last = self.outcomes.item(self.outcomes.count() - 1)
        if last is not None:
            self.outcomes.setCurrentItem(last)
            self.outcomes.editItem(last)

    def remove_outcome(self) -> None:
        """Remove the chosen Section E outcome."""
        current = self.outcomes.currentItem()
        if current is None:
            return
        outcome_id = current.data(Qt.ItemDataRole.UserRole)
        self._edit("remove Section E outcome", lambda s: ehcp.remove_outcome(s, outcome_id))

    def _outcome_edited(self, item: QListWidgetItem) -> None:
        """Save an outcome's text typed in the list."""
        outcome_id = item.data(Qt.ItemDataRole.UserRole)
        outcome = self.pane.ctx.session.get(EhcpOutcome, outcome_id)
        text = item.text().strip()
        if outcome is None or text == outcome.text:
            return
        self._edit("change Section E outcome", lambda s: ehcp.update_outcome(s, outcome_id, text))
