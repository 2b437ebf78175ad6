"""The review wizard: Assess, Plan, Do, Review for one pupil's provision or a whole group.

Every pupil has a row in each page's table (a single pupil has one row), so a SENCO
reviewing a group types each baseline, plan and outcome and picks each decision in one
place. Each pupil keeps their own measure, baseline date, plan and review date; a
whole-group value is written only into the columns whose "same for all" box is ticked
(see ``review_columns``). A review date must be a school day inside the group's dates:
the Plan page says why not and proposes the group's last school day. Pupil voice and
parent/carer views are each pupil's own, shown for the pupil chosen in the table.

Pages are pre-filled from the open cycle, else from the last completed one. Nothing is
saved until Finish; then every pupil's cycle is saved in one undoable step. A pupil
with no decision keeps an open cycle (the plan is saved, the review is still to come).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy import select

from ..domain.reviews import CycleChange, CycleEntry, NextStep, Outcome, record_cycles
from ..models import GroupMembership, LearningPlan, ProvisionGroup
from ..services.planned_sessions import group_label
from ..services.plans import current_plan
from ..services.review_cycle import (
    DECISION_LABELS,
    ESCALATE_CHOICES,
    TARGET_MET_LABELS,
    preview_cycle,
)
from ..services.review_measures import progress, progress_text, suggest_target_met
from ..ui.cells import py_date, table_item
from ..ui.context import AppContext
from ..ui.edits import DomainEdit, EditRefused, perform
from ..ui.speech import ValueLabel
from .pupils.plan_review import PlanReviewDialog
from .review_columns import combo, date_edit
from .review_pages import (
    AssessPage,
    DoPage,
    PlanPage,
    PupilDraft,
    pupil_table,
    read_only_item,
)

# Review table columns
PUPIL, BASELINE, AIM, OUTCOME, PROGRESS, TARGET_MET, DECISION, ESCALATE_TO = range(8)
REVIEW_HEADERS = (
    "Pupil",
    "Baseline",
    "Aiming for",
    "Outcome",
    "Progress",
    "Target met",
    "Decision",
    "Escalate to",
)


class ReviewPage(QWizardPage):
    """The Review page: each pupil's outcome, progress and decision, and their views."""

    def __init__(self, wizard: ReviewWizard) -> None:
        """Build the outcome date, the table of pupils, their views and the next step."""
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Review")
        self.setSubTitle(
            "Each pupil's outcome against their own target, the decision, and the views "
            "of the pupil and their parents or carers."
        )
        drafts = wizard.drafts
        first = drafts[0].review
        self.outcome_date = date_edit(first.outcome_date or wizard.ctx.today, "Outcome date")
        self._build_table(drafts)
        self._build_views(drafts)
        self.next_step = ValueLabel()
        self.next_step.setWordWrap(True)
        self.next_step.setAccessibleName("Next step")
        form = QFormLayout(self)
        form.addRow("Outcome &date", self.outcome_date)
        caption = QLabel("Each pupil's &outcome and decision")
        caption.setBuddy(self.table)
        form.addRow(caption)
        form.addRow(self.table)
        form.addRow(self.views_box)
        # The SEN support plan is reviewed with the family at the same meeting.
        self.plan_button = QPushButton("Review SEN support p&lan…")
        self.plan_button.clicked.connect(self.open_plan_review)
        self.plan_dialog: PlanReviewDialog | None = None
        form.addRow(self.plan_button)
        form.addRow(self.next_step)

    def _build_table(self, drafts: list[PupilDraft]) -> None:
        """Make the table with a row per pupil, wide enough to show where to escalate."""
        self.table = pupil_table("Outcome and decision of each pupil", REVIEW_HEADERS, len(drafts))
        for row, draft in enumerate(drafts):
            self._fill_row(row, draft)
        if drafts:
            needed = self.widget(0, ESCALATE_TO).sizeHint().width()
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(ESCALATE_TO, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(ESCALATE_TO, needed + 12)
        self.table.itemChanged.connect(self._item_changed)

    def _fill_row(self, row: int, draft: PupilDraft) -> None:
        """Put one pupil's name, outcome and the target met, decision and escalate choices."""
        for column in (PUPIL, BASELINE, AIM, PROGRESS):
            self.table.setItem(row, column, read_only_item(draft.name if column == PUPIL else ""))
        self.table.setItem(row, OUTCOME, QTableWidgetItem(draft.review.outcome_value))
        met = combo(f"Target met for {draft.name}", TARGET_MET_LABELS)
        decision = combo(f"Decision for {draft.name}", DECISION_LABELS)
        escalate = QComboBox()
        escalate.setEditable(True)
        escalate.setAccessibleName(f"Escalate {draft.name} to")
        escalate.addItems(("", *ESCALATE_CHOICES))
        # Wide enough for "Wave 3 specialist provision", never "Wave 3…vision".
        escalate.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        decision.currentIndexChanged.connect(lambda _i, r=row: self._decision_changed(r))
        self.table.setCellWidget(row, TARGET_MET, met)
        self.table.setCellWidget(row, DECISION, decision)
        self.table.setCellWidget(row, ESCALATE_TO, escalate)
        escalate.setEnabled(False)

    def _build_views(self, drafts: list[PupilDraft]) -> None:
        """Make the pupil voice and parent views boxes, which follow the pupil chosen."""
        # Each pupil's views, edited for the pupil chosen in the table.
        self.voices = [d.review.pupil_voice or "" for d in drafts]
        self.parents = [d.review.parent_views or "" for d in drafts]
        self.views_row = 0
        self.pupil_voice = QPlainTextEdit(self.voices[0])
        self.pupil_voice.setAccessibleName(f"Pupil voice of {drafts[0].name}")
        self.parent_views = QPlainTextEdit(self.parents[0])
        self.parent_views.setAccessibleName(f"Parent and carer views of {drafts[0].name}")
        for edit in (self.pupil_voice, self.parent_views):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(52)
        self.pupil_voice.textChanged.connect(self._store_views)
        self.parent_views.textChanged.connect(self._store_views)
        self.views_box = QGroupBox()
        views = QFormLayout(self.views_box)
        views.addRow("&Pupil voice", self.pupil_voice)
        views.addRow("P&arent/carer views", self.parent_views)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_views(row))
        self._show_views(0)

    def initializePage(self) -> None:
        """Show each pupil's baseline and aim from the earlier pages, and their progress."""
        assess, plan = self.wizard_.assess, self.wizard_.plan
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            table_item(self.table, row, BASELINE).setText(assess.baseline(row))
            table_item(self.table, row, AIM).setText(plan.target_value_of(row))
        self.table.blockSignals(False)
        for row in range(self.table.rowCount()):
            self._update_progress(row, suggest=False)

    def widget(self, row: int, column: int) -> Any:
        """The choice in the cell at `row`, `column`."""
        return self.table.cellWidget(row, column)

    def outcome(self, row: int) -> str:
        """The outcome typed for the pupil in `row`."""
        item = self.table.item(row, OUTCOME)
        return item.text().strip() if item else ""

    def voice_of(self, row: int) -> str:
        """The pupil voice typed for the pupil in `row`."""
        return self.voices[row].strip()

    def parent_views_of(self, row: int) -> str:
        """The parent and carer views typed for the pupil in `row`."""
        return self.parents[row].strip()

    def _show_views(self, row: int) -> None:
        """Show and name the views of the pupil in `row`."""
        if not 0 <= row < len(self.voices):
            return
        self.views_row = row
        name = self.wizard_.drafts[row].name
        several = len(self.voices) > 1
        self.views_box.setTitle(
            f"Views of {name}" + (" (the pupil chosen in the table)" if several else "")
        )
        for edit, texts, what in (
            (self.pupil_voice, self.voices, "Pupil voice"),
            (self.parent_views, self.parents, "Parent and carer views"),
        ):
            edit.blockSignals(True)
            edit.setPlainText(texts[row])
            edit.blockSignals(False)
            edit.setAccessibleName(f"{what} of {name}")

    def _current_plan(self) -> LearningPlan | None:
        """The current SEN support plan of the pupil chosen in the table, if any."""
        draft = self.wizard_.drafts[self.views_row]
        return current_plan(self.wizard_.ctx.session, draft.review.pupil_id)

    def open_plan_review(self) -> PlanReviewDialog | None:
        """Review the chosen pupil's SEN support plan, with the views typed here."""
        plan = self._current_plan()
        if plan is None:
            self.next_step.setText(
                f"{self.wizard_.drafts[self.views_row].name} has no current SEN support plan; "
                "start one on the Plan tab of the pupil."
            )
            return None
        dialog = PlanReviewDialog(self.wizard_.ctx, plan, self)
        dialog.pupil_voice.setPlainText(self.voice_of(self.views_row))
        dialog.parent_views.setPlainText(self.parent_views_of(self.views_row))
        self.plan_dialog = dialog
        dialog.open()
        return dialog

    def _store_views(self) -> None:
        """Keep the views typed for the pupil whose views are shown."""
        self.voices[self.views_row] = self.pupil_voice.toPlainText()
        self.parents[self.views_row] = self.parent_views.toPlainText()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        """Work out progress again when an outcome is typed."""
        if item.column() == OUTCOME:
            self._update_progress(item.row(), suggest=True)

    def _update_progress(self, row: int, *, suggest: bool) -> None:
        """Progress on the pupil's own measure; the suggestion against their own target."""
        wizard = self.wizard_
        measure = wizard.assess.measure_type(row)
        baseline = wizard.assess.baseline(row)
        gained = progress(measure, baseline, self.outcome(row))
        self.table.blockSignals(True)
        table_item(self.table, row, PROGRESS).setText(progress_text(measure, gained))
        self.table.blockSignals(False)
        if suggest:
            target = wizard.plan.target_value_of(row)
            met = suggest_target_met(measure, baseline, self.outcome(row), target)
            if met is not None:
                combo_box = self.widget(row, TARGET_MET)
                combo_box.setCurrentIndex(combo_box.findData(met))

    def _decision_changed(self, row: int) -> None:
        """Offer escalating only to an escalated pupil, and say what the decision does."""
        decision = self.widget(row, DECISION).currentData()
        self.widget(row, ESCALATE_TO).setEnabled(decision == "escalate")
        texts = {
            "continue": "Continue: the next cycle opens with this outcome as its baseline.",
            "modify": "Modify: the group is opened so you can change it.",
            "escalate": "Escalate: choose a higher wave or an EHC needs assessment.",
            "exit": "Exit: the allocation ends on the outcome date.",
        }
        self.next_step.setText(texts.get(decision, ""))

    def validatePage(self) -> bool:
        """Refuse to go on while a decided pupil lacks an outcome, target met or escalation."""
        for row, draft in enumerate(self.wizard_.drafts):
            decision = self.widget(row, DECISION).currentData()
            if decision and not self.outcome(row):
                self.next_step.setText(f"Enter {draft.name}'s outcome before deciding.")
                return False
            if decision and self.widget(row, TARGET_MET).currentData() is None:
                self.next_step.setText(f"Say whether {draft.name}'s target was met.")
                return False
            if decision == "escalate" and not self.widget(row, ESCALATE_TO).currentText().strip():
                self.next_step.setText(f"Say where to escalate {draft.name} to.")
                return False
        return True


class ReviewWizard(QWizard):
    """APDR for the given allocations (all in one group); Finish saves in one step."""

    def __init__(
        self, ctx: AppContext, membership_ids: list[int], parent: QWidget | None = None
    ) -> None:
        """Draft each allocation's cycle and add the Assess, Plan, Do and Review pages."""
        super().__init__(parent)
        if not membership_ids:
            raise ValueError("The wizard needs at least one pupil.")
        self.ctx = ctx
        session = ctx.session
        self.drafts: list[PupilDraft] = []
        for membership_id in membership_ids:
            membership = session.get(GroupMembership, membership_id)
            if membership is None:
                raise ValueError(f"There is no allocation {membership_id}.")
            review = preview_cycle(session, membership_id, today=ctx.today)
            self.drafts.append(PupilDraft(membership_id, membership.pupil.display_name, review))
        first = session.get(GroupMembership, membership_ids[0])
        assert first is not None
        self.group: ProvisionGroup = first.group
        self.group_id = first.group_id
        self.message = ""
        #: What each review completed at Finish led to, in order.
        self.steps: list[NextStep] = []
        who = self.drafts[0].name if len(self.drafts) == 1 else f"{len(self.drafts)} pupils"
        self.setWindowTitle(f"Review: {group_label(first.group)} – {who}")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.assess = AssessPage(self)
        self.plan = PlanPage(self)
        self.do = DoPage(self)
        self.review = ReviewPage(self)
        for page in (self.assess, self.plan, self.do, self.review):
            self.addPage(page)
        # Wide enough for a group's tables without scrolling sideways; fits 1366x768
        # at 125 % (1093x614 logical pixels).
        self.resize(1040, 600)

    @classmethod
    def for_group(
        cls, ctx: AppContext, group_id: int, parent: QWidget | None = None
    ) -> ReviewWizard:
        """Every pupil in the group on the review day (today, or its last day if ended)."""
        group = ctx.session.get(ProvisionGroup, group_id)
        if group is None:
            raise ValueError(f"There is no group {group_id}.")
        day = min(ctx.today, group.end_date)
        members = ctx.session.scalars(
            select(GroupMembership).where(GroupMembership.group_id == group_id)
        ).all()
        current = sorted(
            (m for m in members if m.is_current_on(day)), key=lambda m: m.pupil.display_name
        )
        return cls(ctx, [m.id for m in current], parent)

    def period(self, row: int | None = None) -> tuple[dt.date, dt.date]:
        """From the baseline to the review date (or today, if sooner): one pupil's, or
        the whole group's from the earliest baseline to the latest review date."""
        rows = range(len(self.drafts)) if row is None else [row]
        first = min(self.assess.baseline_date(r) for r in rows)
        last = min(max(self.plan.review_date_of(r) for r in rows), self.ctx.today)
        return first, max(first, last)

    def entries(self) -> list[CycleEntry]:
        """Every pupil's cycle as the pages hold it, for ``record_cycles``."""
        assess, plan, page = self.assess, self.plan, self.review
        found = []
        for row, draft in enumerate(self.drafts):
            decision = page.widget(row, DECISION).currentData()
            outcome = None
            if decision:
                outcome = Outcome(
                    value=page.outcome(row),
                    day=py_date(page.outcome_date.date()),
                    target_met=page.widget(row, TARGET_MET).currentData() or "",
                    decision=decision,
                    escalate_to=page.widget(row, ESCALATE_TO).currentText(),
                )
            found.append(
                CycleEntry(
                    membership_id=draft.membership_id,
                    measure_type=assess.measure_type(row),
                    baseline=assess.baseline(row),
                    baseline_date=assess.baseline_date(row),
                    outcome_sought=plan.outcome_sought_of(row),
                    target=plan.target_of(row),
                    target_value=plan.target_value_of(row),
                    review_date=plan.review_date_of(row),
                    pupil_voice=page.voice_of(row),
                    parent_views=page.parent_views_of(row),
                    outcome=outcome,
                )
            )
        return found

    def accept(self) -> None:
        """Finish: save every pupil's cycle as one undoable edit, then close."""
        who = self.drafts[0].name if len(self.drafts) == 1 else f"{len(self.drafts)} pupils"
        entries, today = self.entries(), self.ctx.today
        command = DomainEdit(
            self.ctx, f"review {who}", lambda session: record_cycles(session, entries, today=today)
        )
        try:
            perform(self.ctx, command)
        except EditRefused as exc:
            self.review.next_step.setText(str(exc))
            return
        assert isinstance(command.change, CycleChange)
        self.steps = list(command.change.steps)
        done = len(self.steps)
        self.message = f"Saved {done} completed review{'s' if done != 1 else ''}." + "".join(
            f" {step.text}" for step in self.steps if step.text
        )
        super().accept()
