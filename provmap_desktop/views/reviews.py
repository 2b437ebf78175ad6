"""The Reviews screen: reviews overdue, due and upcoming; the wizard; the pupil's cycles;
and the impact of each provision with the number of pupils behind every figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ..models import Provision, ProvisionGroup, Review, YearGroup
from ..services import review_impact
from ..services.delivery import rag
from ..services.formatting import format_date, format_money
from ..services.planned_sessions import group_label
from ..services.review_cycle import (
    DECISION_LABELS,
    DUE_WITHIN_DAYS,
    TARGET_MET_LABELS,
    cycles_for_pupil,
    due_reviews,
)
from ..services.review_measures import MEASURE_LABELS, progress, progress_text
from ..ui.context import AppContext
from ..ui.fitted_columns import fit_columns
from ..ui.lazy import ReloadWhenShown
from ..ui.speech import ValueLabel

if TYPE_CHECKING:
    # The wizard (and the pupil plan dialogs it brings) loads when a review is first
    # recorded, not while the screen opens.
    from .review_wizard import ReviewWizard

DUE_COLUMNS = ("Status", "Review date", "Pupil", "Provision", "Group")
CYCLE_COLUMNS = (
    "Baseline",
    "Provision",
    "Measure",
    "Target",
    "Outcome",
    "Progress",
    "Met",
    "Decision",
)
IMPACT_COLUMNS = (
    "Provision",
    "Reviews (pupils)",
    "Targets met (pupils)",
    "Mean progress (pupils)",
    "Delivery (pupils)",
    "Cost per pupil (pupils)",
)


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    # Columns fit their texts once, after the fill, measured from the rows themselves:
    # fitting them to contents after every item made hundreds of rows take seconds.
    table.setUpdatesEnabled(False)
    try:
        table.setRowCount(len(rows))
        headers = [
            table.model().headerData(c, Qt.Orientation.Horizontal)
            for c in range(table.columnCount())
        ]
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{headers[c]}: {text}")
                table.setItem(r, c, item)
    finally:
        fit_columns(table, lambda c: (values[c] for values in rows if c < len(values)))
        table.setUpdatesEnabled(True)


class ReviewsScreen(ReloadWhenShown):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.listed: list[Review] = []
        self.wizard: ReviewWizard | None = None
        self.message = ValueLabel(announces=True)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Reviews message")

        self.due = _table("Reviews overdue, due and upcoming", DUE_COLUMNS)
        self.due.itemSelectionChanged.connect(self._show_cycles)
        self.due.doubleClicked.connect(lambda _i: self.review_selected())
        self.review_button = QPushButton("&Review this pupil…")
        self.review_button.clicked.connect(self.review_selected)
        self.group_review_button = QPushButton("Review the whole &group…")
        self.group_review_button.clicked.connect(self.review_selected_group)
        self.groups = QComboBox()
        self.groups.setAccessibleName("Group to start a review for")
        self._group_items: list[tuple[str, int]] = []
        start = QPushButton("&Start a review for this group…")
        start.clicked.connect(self.review_chosen_group)
        buttons = QHBoxLayout()
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.group_review_button)
        buttons.addStretch(1)
        buttons.addWidget(self.groups, 1)
        buttons.addWidget(start)

        self.cycles = _table("The pupil's APDR cycles in order", CYCLE_COLUMNS)
        self.cycles_box = QGroupBox("The pupil's cycles")
        QVBoxLayout(self.cycles_box).addWidget(self.cycles)
        self.impact = _table("Impact by provision", IMPACT_COLUMNS)
        impact_box = QGroupBox("Impact by provision (this academic year)")
        QVBoxLayout(impact_box).addWidget(self.impact)

        self.due_box = due_box = QGroupBox("Reviews")
        due_layout = QVBoxLayout(due_box)
        due_layout.addWidget(self.due, 1)
        due_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(due_box)
        splitter.addWidget(self.cycles_box)
        splitter.addWidget(impact_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        #: Impact by provision shown for (year, today, edits seen): worked out once
        #: per change, never again for a repeat reload or a term change in the year.
        self._edits_seen = 0
        self._impact_key: tuple[object, ...] | None = None
        self._impact_rows: list[tuple[str, ...]] = []
        ctx.data_changed.connect(self._count_edit)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.period_changed.connect(self._period_changed)
        self.reload()

    def _count_edit(self, _kinds: object) -> None:
        self._edits_seen += 1

    def _period_changed(self) -> None:
        # Hidden, the screen waits until it is shown, like any edit elsewhere.
        self._on_data_changed(None)

    # -- loading --------------------------------------------------------------------

    def reload(self) -> None:
        session, today = self.ctx.session, self.ctx.today
        lists = due_reviews(session, today)
        overdue, due = lists.overdue, lists.due
        self.listed = overdue + due + lists.upcoming
        self.due_box.setTitle(
            f"Reviews: {lists.count} overdue or due in the next {DUE_WITHIN_DAYS} days, "
            "then later ones"
        )
        rows = []
        for review in self.listed:
            if review in overdue:
                days = (today - review.review_date).days if review.review_date else 0
                status = f"Overdue by {days} day{'s' if days != 1 else ''}"
            elif review in due:
                status = "Due"
            else:
                status = "Upcoming"
            group = review.membership.group if review.membership else None
            rows.append(
                (
                    status,
                    format_date(review.review_date, blank="no date"),
                    review.pupil.display_name,
                    group.provision.name if group else "",
                    group_label(group) if group else "",
                )
            )
        _fill(self.due, rows)
        if rows and not self.due.selectionModel().hasSelection():
            # The first review due is the one to start with.
            self.due.selectRow(0)
        self._load_groups()
        self._load_impact()
        self._show_cycles()

    def _load_groups(self) -> None:
        """The year's groups to start a review for, newest first; the choice is kept.

        Plain columns, not group objects: a big school has hundreds of groups a year,
        and the list is read again after every edit. Left alone when nothing in it
        changed.
        """
        query = (
            select(
                ProvisionGroup.id,
                ProvisionGroup.name,
                ProvisionGroup.start_date,
                ProvisionGroup.end_date,
                Provision.name,
                YearGroup.name,
            )
            .join(Provision, ProvisionGroup.provision_id == Provision.id)
            .outerjoin(YearGroup, ProvisionGroup.year_group_id == YearGroup.id)
            .order_by(ProvisionGroup.start_date.desc())
        )
        if self.ctx.academic_year_id is not None:
            query = query.where(ProvisionGroup.academic_year_id == self.ctx.academic_year_id)
        items = []
        spans: list[tuple[int, dt.date, dt.date]] = []
        for group_id, name, start, end, provision, year_group in self.ctx.session.execute(query):
            label = name or f"{provision} ({year_group or 'whole school'})"
            # dd/mm/yyyy as format_date gives it, without strftime's cost for each group
            items.append((f"{label} from {start.day:02d}/{start.month:02d}/{start.year}", group_id))
            spans.append((group_id, start, end))
        if items == self._group_items:
            return
        self._group_items = items
        keep = self.groups.currentData()
        self.groups.clear()
        for text, group_id in items:
            self.groups.addItem(text, group_id)
        if keep is None:
            keep = self._sensible_group(spans)
        if keep is not None and (index := self.groups.findData(keep)) >= 0:
            self.groups.setCurrentIndex(index)

    def _sensible_group(self, spans: Sequence[tuple[int, dt.date, dt.date]]) -> int | None:
        """The group to offer first: that of the first review due, else one running
        today (the latest started), else the latest that has started at all.

        ``spans`` are the listed groups' (id, start, end), latest start first.
        """
        review = self.listed[0] if self.listed else None
        shown = {group_id for group_id, _start, _end in spans}
        if review is not None and review.membership and review.membership.group_id in shown:
            return review.membership.group_id
        today = self.ctx.today
        running = [g for g, start, end in spans if start <= today <= end]
        started = [g for g, start, _end in spans if start <= today]
        offered = running or started or [g for g, _start, _end in spans]
        return offered[0] if offered else None

    def _load_impact(self) -> None:
        key = (self.ctx.academic_year_id, self.ctx.today, self._edits_seen)
        if key == self._impact_key:
            return
        self._impact_key = key
        session = self.ctx.session
        rows: list[tuple[str, ...]] = []
        for row in review_impact.impact_by_provision(
            session, self.ctx.academic_year_id, as_of=self.ctx.today
        ):
            met = f"{round(100 * row.met_share)}%" if row.met_share is not None else "–"
            progress = "; ".join(f"{m.text} ({m.pupils})" for m in row.progress) or "–"
            rate = row.delivery_rate
            delivery = "–"
            if rate is not None:
                delivery = f"{round(100 * rate)}% {rag(rate, session)[0]}"
            rows.append(
                (
                    row.name,
                    f"{row.reviews} ({row.reviewed_pupils})",
                    f"{met} ({row.target_pupils})",
                    progress,
                    f"{delivery} ({row.delivery_pupils})",
                    f"{format_money(row.cost_per_pupil, blank='–')} ({row.cost_pupils})",
                )
            )
        if rows != self._impact_rows:  # an edit that moved no figure leaves the table be
            self._impact_rows = rows
            _fill(self.impact, rows)

    def selected_review(self) -> Review | None:
        rows = self.due.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.listed):
            return None
        return self.listed[rows[0].row()]

    def _show_cycles(self) -> None:
        review = self.selected_review()
        has = review is not None and review.membership_id is not None
        self.review_button.setEnabled(has)
        self.group_review_button.setEnabled(has)
        if review is None:
            self.cycles_box.setTitle("The pupil's cycles (choose a review above)")
            _fill(self.cycles, [])
            return
        self.cycles_box.setTitle(f"{review.pupil.display_name}'s cycles, in order")
        rows = []
        for cycle in cycles_for_pupil(self.ctx.session, review.pupil_id):
            group = cycle.membership.group if cycle.membership else None
            gained = progress(cycle.baseline_type, cycle.baseline_value, cycle.outcome_value)
            rows.append(
                (
                    format_date(cycle.baseline_date),
                    group.provision.name if group else "",
                    f"{MEASURE_LABELS.get(cycle.baseline_type, '')} {cycle.baseline_value}",
                    cycle.target,
                    cycle.outcome_value or "(open)",
                    progress_text(cycle.baseline_type, gained),
                    TARGET_MET_LABELS.get(cycle.target_met or "", ""),
                    DECISION_LABELS.get(cycle.decision or "", ""),
                )
            )
        _fill(self.cycles, rows)

    # -- the wizard -----------------------------------------------------------------

    def review_selected(self) -> None:
        review = self.selected_review()
        if review is not None and review.membership_id is not None:
            from .review_wizard import ReviewWizard

            self._open(ReviewWizard(self.ctx, [review.membership_id], self))

    def review_selected_group(self) -> None:
        review = self.selected_review()
        if review is not None and review.membership is not None:
            self._open_group(review.membership.group_id)

    def review_chosen_group(self) -> None:
        group_id = self.groups.currentData()
        if group_id is not None:
            self._open_group(group_id)

    def _open_group(self, group_id: int) -> None:
        from .review_wizard import ReviewWizard

        try:
            wizard = ReviewWizard.for_group(self.ctx, group_id, self)
        except ValueError:
            self.message.setText("That group has no pupils on the review day.")
            return
        self._open(wizard)

    def _open(self, wizard: ReviewWizard) -> None:
        self.wizard = wizard
        wizard.accepted.connect(lambda: self._finished(wizard))
        wizard.open()

    def _finished(self, wizard: ReviewWizard) -> None:
        """Say what was saved; a "modify" decision opens its group to be changed."""
        self.message.setText(wizard.message)
        steps = wizard.steps
        to_open = [s.group_id for s in steps if s.decision == "modify" and s.group_id]
        if to_open:
            from .map.group_dialog import GroupDialog

            self.group_dialog = GroupDialog(self.ctx, to_open[0], self)
            self.group_dialog.open()
