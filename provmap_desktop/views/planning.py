"""The Planning screen: next year's (or this year's) needs against the provision planned.

Choose the year to plan: the projected needs by year group with the needs planned by
hand, the gap analysis, cost against budget, and staff deployment with timetable
clashes and the training needed. Every figure comes from ``services.planning``; the
edits (planned needs, contracted hours, training) go through the domain writes and
can be undone. The plan is worked out again when shown after any change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import planning as planning_writes
from ..domain import training as training_writes
from ..domain.change import Change, Changed, DomainError, Steps
from ..models import Provision, Staff, Training, YearGroup
from ..models.vocab import AreaOfNeed
from ..services.calendar import current_or_latest_year
from ..services.planning import Plan, build_plan
from ..services.planning import text as plan_text
from ..ui.context import AppContext
from ..ui.edits import DomainEdit, EditRefused, perform
from ..ui.folders import remember, start_in
from ..ui.printing import Printable
from ..ui.speech import ValueLabel
from .planning_tabs import CostTab, NeedsTab, StaffTab, sections_html, text_view


def year_after(label: str) -> str:
    """ "2026/27" -> "2027/28"."""
    first = int(label[:4]) + 1
    return f"{first}/{(first + 1) % 100:02d}"


class PlanningScreen(QWidget):
    """The Planning screen for the year chosen in its own "Plan for" box."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: Plan | None = None
        self._stale = True
        self.message = ValueLabel(announces=True)
        self.message.setAccessibleName("Planning message")
        self.message.setWordWrap(True)
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Plan for")
        self.summary = ValueLabel()
        self.summary.setAccessibleName("Plan summary")
        self.summary.setWordWrap(True)
        self.pdf_button = QPushButton("Save plan as P&DF…")
        self.pdf_button.setAccessibleName("Save plan as PDF")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.needs_tab = NeedsTab(ctx, self.year_label, self.show_message)
        self.needs_tab.add_button.clicked.connect(self.add_need)
        self.needs_tab.remove_button.clicked.connect(self.remove_need)
        self.gaps_view = text_view("Gap analysis")
        self.cost_tab = CostTab()
        self.staff_tab = StaffTab(ctx, self.show_message)
        self.training_row = self.staff_tab.training_row
        self.training_row.record_button.clicked.connect(self.record_training)
        self.training_row.needs_button.clicked.connect(self.provision_needs_training)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Planning views")
        self.tabs.addTab(self.needs_tab, "Needs")
        self.tabs.addTab(self.gaps_view, "Gap analysis")
        self.tabs.addTab(self.cost_tab, "Cost against budget")
        self.tabs.addTab(self.staff_tab, "Staff and training")
        self._filled: set[QWidget] = set()
        self.tabs.currentChanged.connect(lambda _i: self._fill_tab())
        self.setLayout(self._layout())
        self._fill_years()
        self.year_combo.currentIndexChanged.connect(lambda _i: self._changed())
        ctx.data_changed.connect(self._data_changed)
        ctx.period_changed.connect(self._changed)

    def _layout(self) -> QVBoxLayout:
        top = QHBoxLayout()
        label = QLabel("Pl&an for")
        label.setBuddy(self.year_combo)
        top.addWidget(label)
        top.addWidget(self.year_combo)
        top.addWidget(self.summary, 1)
        top.addWidget(self.pdf_button)
        layout = QVBoxLayout()
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        return layout

    def _fill_years(self) -> None:
        """This year and next, next year chosen: planning is mostly for September."""
        current = current_or_latest_year(self.ctx.session, self.ctx.today)
        self.year_combo.clear()
        if current is None:
            return
        self.year_combo.addItem(f"{current.label} (this year)", current.label)
        following = year_after(current.label)
        self.year_combo.addItem(f"{following} (next year)", following)
        self.year_combo.setCurrentIndex(1)

    def hasHeightForWidth(self) -> bool:
        """No: the screen fills the space it is given, and its tabs scroll inside it.

        (With word-wrapped labels Qt would ask for the tabs' preferred height instead,
        and the shell's scroll area would scroll the whole screen.)
        """
        return False

    def heightForWidth(self, _width: int) -> int:
        return -1

    def year_label(self) -> str:
        """The label of the year being planned ("" before the school has a year)."""
        return str(self.year_combo.currentData() or "")

    # -- keeping up to date ---------------------------------------------------------

    def _data_changed(self, changed: Changed) -> None:
        """After a change to everything (a new year, a restore) the years on offer too."""
        if changed.everything:
            chosen = self.year_combo.currentIndex()
            self.year_combo.blockSignals(True)
            self._fill_years()
            self.year_combo.setCurrentIndex(max(min(chosen, self.year_combo.count() - 1), 0))
            self.year_combo.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def reload(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Work the plan out again: the needs at once, each other tab when it is shown."""
        self._stale = False
        label = self.year_label()
        if not label:
            self.summary.setText("Add the school's academic year in Settings first.")
            return
        self.plan = plan = build_plan(self.ctx.session, label, self.ctx.today)
        self.summary.setText(
            f"{len(plan.scope.pupils)} pupils expected in {label}. Each tab shows one part "
            "of the plan; Save plan as PDF prints them all."
        )
        self.needs_tab.show_plan(plan)
        self._filled = {self.needs_tab}
        self._fill_tab()

    def _fill_tab(self) -> None:
        """Fill the tab on show from the plan, if it has not been since the plan changed."""
        tab, plan = self.tabs.currentWidget(), self.plan
        if plan is None or tab in self._filled:
            return
        self._filled.add(tab)
        if tab is self.gaps_view:
            self.gaps_view.setHtml(sections_html(plan_text.gap_sections(plan)))
        elif tab is self.cost_tab:
            self.cost_tab.show_plan(plan)
        elif tab is self.staff_tab:
            self.staff_tab.show_plan(plan)
            self._fill_training_choices()

    def _fill_training_choices(self) -> None:
        session = self.ctx.session
        staff = session.execute(
            select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name)
        ).all()
        trainings = list(session.scalars(select(Training.name).order_by(Training.name)))
        provisions = session.execute(
            select(Provision.id, Provision.name)
            .where(Provision.retired.is_(False))
            .order_by(Provision.name)
        ).all()
        self.training_row.fill(
            [(i, n) for i, n in staff], trainings, [(i, n) for i, n in provisions]
        )

    # -- edits ----------------------------------------------------------------------

    def _perform(self, label: str, write: Callable[[Session], Change]) -> bool:
        try:
            perform(self.ctx, DomainEdit(self.ctx, label, write))
        except (EditRefused, DomainError) as exc:
            self.show_message(str(exc))
            return False
        return True

    def add_need(self) -> None:
        """Add a need for one pupil in the first year group; the table is then typed in."""
        label = self.year_label()
        first = self.ctx.session.scalar(
            select(YearGroup.id).order_by(YearGroup.sort_order).limit(1)
        )
        if not label or first is None:
            self.show_message("Add the school's year groups in Settings first.")
            return

        def write(session: Session) -> Change:
            return planning_writes.add_planned_need(session, label, first, AreaOfNeed.COGNITION)

        if self._perform("add planned need", write):
            self.show_message("Planned need added: choose its year group, area, pupils and grade.")

    def remove_need(self) -> None:
        need_id = self.needs_tab.chosen_need_id()
        if need_id is None:
            self.show_message("Choose a planned need in the table first.")
            return
        self._perform(
            "remove planned need", lambda s: planning_writes.remove_planned_need(s, need_id)
        )

    def _training_write(self, session: Session, then: Callable[[Session, int], Change]) -> Change:
        """The training typed or chosen (added to the list if new), then ``then``."""
        name = self.training_row.training_combo.currentText().strip()
        found = training_writes.training_named(session, name)
        if found is not None:
            return then(session, found.id)
        added = training_writes.add_training(session, name)
        made = training_writes.training_named(session, name)
        assert made is not None
        return Steps([added, then(session, made.id)])

    def record_training(self) -> None:
        staff_id = self.training_row.staff_combo.currentData()
        if staff_id is None:
            self.show_message("Add members of staff in Settings first.")
            return
        self._perform(
            "record training",
            lambda s: self._training_write(
                s, lambda s2, t: training_writes.add_staff_training(s2, staff_id, t, self.ctx.today)
            ),
        )

    def provision_needs_training(self) -> None:
        provision_id = self.training_row.provision_combo.currentData()
        if provision_id is None:
            self.show_message("Add provisions first.")
            return
        self._perform(
            "record training a provision needs",
            lambda s: self._training_write(
                s, lambda s2, t: training_writes.set_provision_needs(s2, provision_id, t)
            ),
        )

    # -- printing -------------------------------------------------------------------

    def printable(self) -> Printable | None:
        label = self.year_label()
        if not label:
            return None
        return Printable(f"Plan for {label}", lambda path: self._write(self.ctx.session, path))

    def _write(self, session: Session, path: Path) -> Path:
        from ..reports.planning_pdf import write_planning_pdf

        return write_planning_pdf(session, path, year_label=self.year_label(), today=self.ctx.today)

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """Ask where (unless told), write the plan as a PDF and say where it went."""
        label = self.year_label()
        if not label:
            return None
        if path is None:
            suggested = f"plan-{label.replace('/', '-')}.pdf"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save plan as", start_in(suggested), "PDF (*.pdf)"
            )
            if not chosen:
                return None
            remember(chosen)
            path = Path(chosen)
        try:
            self._write(self.ctx.session, path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Not saved", f"{path.name} was not written: {exc}")
            return None
        self.show_message(f"Saved {path}")
        return path

    def show_message(self, text: str) -> None:
        self.message.setText(text)
