"""The review wizard: Assess, Plan, Do, Review for one pupil's provision or a whole group.

Every pupil has a row in the Assess and Review tables (a single pupil has one row), so
a SENCO reviewing a group types each outcome and picks each decision in one place.
Pages are pre-filled from the open cycle, else from the last completed one. Nothing is
saved until Finish; then every pupil's cycle is saved in one undoable step. A pupil
with no decision keeps an open cycle (the plan is saved, the review is still to come).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy import select

from ..models import GroupMembership, ProvisionGroup, Review
from ..models.vocab import SessionStatus
from ..services import reviews as svc
from ..services.delivery import (
    Rate,
    group_label,
    group_sessions,
    membership_rate,
    rate_text,
    status_text,
)
from ..ui.commands import EditRefused, SavedCommand, perform
from ..ui.context import AppContext

KIND = "reviews"
# Review table columns
PUPIL, BASELINE, OUTCOME, PROGRESS, TARGET_MET, DECISION, ESCALATE_TO = range(7)
REVIEW_HEADERS = ("Pupil", "Baseline", "Outcome", "Progress", "Target", "Decision", "Escalate to")


def _qdate(day: dt.date | None) -> QDate:
    day = day or dt.date.today()
    return QDate(day.year, day.month, day.day)


def _combo(name: str, choices: dict[str, str], blank: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(blank, None)
    for code, label in choices.items():
        combo.addItem(label, code)
    return combo


@dataclass
class PupilDraft:
    """What the wizard holds for one pupil until Finish."""

    membership_id: int
    name: str
    review: Review  # the open cycle, or a pre-filled one not yet saved


class SaveCyclesCommand(SavedCommand):
    """Save every pupil's cycle; undo puts their reviews and leave dates back exactly."""

    kinds = (KIND, "groups")

    def __init__(self, ctx: AppContext, label: str, wizard: ReviewWizard) -> None:
        super().__init__(ctx, label)
        self.wizard = wizard
        self.membership_ids = [d.membership_id for d in wizard.drafts]
        self.before: svc.Snapshot | None = None
        self.after: svc.Snapshot | None = None
        self.steps: list[svc.NextStep] = []

    def apply(self) -> None:
        session = self.ctx.session
        if self.after is not None:
            svc.restore(session, self.after)
            return
        self.before = svc.snapshot(session, self.membership_ids)
        self.steps = self.wizard.save_all()
        self.after = svc.snapshot(session, self.membership_ids)

    def revert(self) -> None:
        assert self.before is not None
        svc.restore(self.ctx.session, self.before)


class AssessPage(QWizardPage):
    def __init__(self, wizard: ReviewWizard) -> None:
        super().__init__()
        self.setTitle("Assess")
        self.setSubTitle("The baseline: what was measured, when, and each pupil's result.")
        first = wizard.drafts[0].review
        self.measure = _combo("Measure type", svc.MEASURE_LABELS)
        self.measure.setCurrentIndex(max(self.measure.findData(first.baseline_type), 1))
        self.date = QDateEdit(_qdate(first.baseline_date))
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.date.setAccessibleName("Baseline date")
        self.table = QTableWidget(len(wizard.drafts), 2)
        self.table.setAccessibleName("Baseline of each pupil")
        self.table.setHorizontalHeaderLabels(("Pupil", "Baseline"))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, draft in enumerate(wizard.drafts):
            name = QTableWidgetItem(draft.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(draft.review.baseline_value))
        form = QFormLayout(self)
        form.addRow("&Measure", self.measure)
        form.addRow("Baseline &date", self.date)
        form.addRow(QLabel("Reading and spelling ages as 7y 4m, 7:4 or months; scores as numbers."))
        form.addRow(self.table)

    @property
    def measure_type(self) -> str:
        return str(self.measure.currentData() or "free_text")

    def baseline(self, row: int) -> str:
        item = self.table.item(row, 1)
        return item.text().strip() if item else ""


class PlanPage(QWizardPage):
    def __init__(self, wizard: ReviewWizard) -> None:
        super().__init__()
        self.setTitle("Plan")
        self.setSubTitle("The outcome sought, a measurable target and when to review.")
        first = wizard.drafts[0].review
        self.outcome_sought = QPlainTextEdit(first.outcome_sought)
        self.outcome_sought.setAccessibleName("Outcome sought")
        self.outcome_sought.setTabChangesFocus(True)
        self.outcome_sought.setMaximumHeight(70)
        self.target = QLineEdit(first.target)
        self.target.setAccessibleName("Target")
        self.target_value = QLineEdit(first.target_value)
        self.target_value.setAccessibleName("Target value")
        self.target_value.setPlaceholderText("+6m for a gain, or the value aimed for")
        self.review_date = QDateEdit(_qdate(first.review_date))
        self.review_date.setDisplayFormat("dd/MM/yyyy")
        self.review_date.setCalendarPopup(True)
        self.review_date.setAccessibleName("Review date")
        form = QFormLayout(self)
        form.addRow("&Outcome sought", self.outcome_sought)
        form.addRow("&Target", self.target)
        form.addRow("Target &value", self.target_value)
        form.addRow("&Review date", self.review_date)


class DoPage(QWizardPage):
    """The delivery record for the cycle's period, read-only."""

    def __init__(self, wizard: ReviewWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Do")
        self.setSubTitle("What was delivered between the baseline and the review.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Delivery rate for the period")
        self.sessions = QTableWidget(0, 2)
        self.sessions.setAccessibleName("Sessions in the period")
        self.sessions.setHorizontalHeaderLabels(("Date", "What happened"))
        self.sessions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.sessions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.sessions, 1)

    def initializePage(self) -> None:
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
        for draft in wizard.drafts:
            membership = session.get(GroupMembership, draft.membership_id)
            assert membership is not None
            rate = membership_rate(session, membership, first, last)
            lines.append(f"{draft.name}: {rate_text(rate, session)}")
        self.summary.setText("\n".join(lines))


class ReviewPage(QWizardPage):
    def __init__(self, wizard: ReviewWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Review")
        self.setSubTitle("Each pupil's outcome, whether the target was met, and the decision.")
        first = wizard.drafts[0].review
        self.outcome_date = QDateEdit(_qdate(first.outcome_date or wizard.ctx.today))
        self.outcome_date.setDisplayFormat("dd/MM/yyyy")
        self.outcome_date.setCalendarPopup(True)
        self.outcome_date.setAccessibleName("Outcome date")
        self.table = QTableWidget(len(wizard.drafts), len(REVIEW_HEADERS))
        self.table.setAccessibleName("Outcome and decision of each pupil")
        self.table.setHorizontalHeaderLabels(REVIEW_HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, draft in enumerate(wizard.drafts):
            for column in (PUPIL, BASELINE, PROGRESS):
                item = QTableWidgetItem(draft.name if column == PUPIL else "")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            self.table.setItem(row, OUTCOME, QTableWidgetItem(draft.review.outcome_value))
            met = _combo(f"Target met for {draft.name}", svc.TARGET_MET_LABELS)
            decision = _combo(f"Decision for {draft.name}", svc.DECISION_LABELS)
            escalate = QComboBox()
            escalate.setEditable(True)
            escalate.setAccessibleName(f"Escalate {draft.name} to")
            escalate.addItems(("", *svc.ESCALATE_CHOICES))
            decision.currentIndexChanged.connect(lambda _i, r=row: self._decision_changed(r))
            self.table.setCellWidget(row, TARGET_MET, met)
            self.table.setCellWidget(row, DECISION, decision)
            self.table.setCellWidget(row, ESCALATE_TO, escalate)
            escalate.setEnabled(False)
        self.table.itemChanged.connect(self._item_changed)
        self.pupil_voice = QPlainTextEdit(first.pupil_voice or "")
        self.pupil_voice.setAccessibleName("Pupil voice")
        self.parent_views = QPlainTextEdit(first.parent_views or "")
        self.parent_views.setAccessibleName("Parent and carer views")
        for edit in (self.pupil_voice, self.parent_views):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(60)
        self.next_step = QLabel()
        self.next_step.setWordWrap(True)
        self.next_step.setAccessibleName("Next step")
        form = QFormLayout(self)
        form.addRow("Outcome &date", self.outcome_date)
        form.addRow(self.table)
        if len(wizard.drafts) == 1:
            form.addRow("&Pupil voice", self.pupil_voice)
            form.addRow("P&arent/carer views", self.parent_views)
        else:
            self.pupil_voice.hide()
            self.parent_views.hide()
        form.addRow(self.next_step)

    def initializePage(self) -> None:
        assess = self.wizard_.assess
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            self.table.item(row, BASELINE).setText(assess.baseline(row))
        self.table.blockSignals(False)
        for row in range(self.table.rowCount()):
            self._update_progress(row, suggest=False)

    def widget(self, row: int, column: int) -> Any:
        return self.table.cellWidget(row, column)

    def outcome(self, row: int) -> str:
        item = self.table.item(row, OUTCOME)
        return item.text().strip() if item else ""

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == OUTCOME:
            self._update_progress(item.row(), suggest=True)

    def _update_progress(self, row: int, *, suggest: bool) -> None:
        wizard = self.wizard_
        measure = wizard.assess.measure_type
        baseline = wizard.assess.baseline(row)
        gained = svc.progress(measure, baseline, self.outcome(row))
        self.table.blockSignals(True)
        self.table.item(row, PROGRESS).setText(svc.progress_text(measure, gained))
        self.table.blockSignals(False)
        if suggest:
            target = wizard.plan.target_value.text()
            met = svc.suggest_target_met(measure, baseline, self.outcome(row), target)
            if met is not None:
                combo = self.widget(row, TARGET_MET)
                combo.setCurrentIndex(combo.findData(met))

    def _decision_changed(self, row: int) -> None:
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
            review = svc.preview_cycle(session, membership_id, today=ctx.today)
            self.drafts.append(PupilDraft(membership_id, membership.pupil.display_name, review))
        first = session.get(GroupMembership, membership_ids[0])
        assert first is not None
        self.group_id = first.group_id
        self.message = ""
        self.command: SaveCyclesCommand | None = None
        who = self.drafts[0].name if len(self.drafts) == 1 else f"{len(self.drafts)} pupils"
        self.setWindowTitle(f"Review: {group_label(first.group)} – {who}")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.assess = AssessPage(self)
        self.plan = PlanPage(self)
        self.do = DoPage(self)
        self.review = ReviewPage(self)
        for page in (self.assess, self.plan, self.do, self.review):
            self.addPage(page)
        self.resize(820, 560)

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

    def period(self) -> tuple[dt.date, dt.date]:
        first = self.assess.date.date().toPython()
        last = min(self.plan.review_date.date().toPython(), self.ctx.today)
        return first, max(first, last)

    def save_all(self) -> list[svc.NextStep]:
        """Write every pupil's cycle into the session (no commit); return the next steps."""
        session = self.ctx.session
        steps = []
        assess, plan, review_page = self.assess, self.plan, self.review
        for row, draft in enumerate(self.drafts):
            review = svc.start_cycle(session, draft.membership_id, today=self.ctx.today)
            svc.save_assessment(
                review, assess.measure_type, assess.baseline(row), assess.date.date().toPython()
            )
            svc.save_plan(
                review,
                outcome_sought=plan.outcome_sought.toPlainText(),
                target=plan.target.text(),
                target_value=plan.target_value.text(),
                review_date=plan.review_date.date().toPython(),
            )
            decision = review_page.widget(row, DECISION).currentData()
            if decision:
                steps.append(
                    svc.complete_review(
                        session,
                        review,
                        outcome_value=review_page.outcome(row),
                        outcome_date=review_page.outcome_date.date().toPython(),
                        target_met=review_page.widget(row, TARGET_MET).currentData(),
                        decision=decision,
                        pupil_voice=review_page.pupil_voice.toPlainText(),
                        parent_views=review_page.parent_views.toPlainText(),
                        escalate_to=review_page.widget(row, ESCALATE_TO).currentText(),
                        today=self.ctx.today,
                    )
                )
        session.flush()
        return steps

    def accept(self) -> None:
        who = self.drafts[0].name if len(self.drafts) == 1 else f"{len(self.drafts)} pupils"
        command = SaveCyclesCommand(self.ctx, f"review {who}", self)
        try:
            perform(self.ctx, command)
        except (EditRefused, ValueError) as exc:
            self.review.next_step.setText(str(exc))
            return
        self.command = command
        done = len(command.steps)
        self.message = f"Saved {done} completed review{'s' if done != 1 else ''}." + "".join(
            f" {step.text}" for step in command.steps if step.text
        )
        super().accept()
