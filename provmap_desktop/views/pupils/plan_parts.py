"""The Plan tab's targets table and its provision from the map (a part of ``plan_tab``).

Targets are edited in their table cells (F2 or a double click; Enter saves), each
change one undoable edit. Provision is linked from the pupil's allocations, so the
plan names what the map holds rather than retyping it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)
from sqlalchemy.orm import Session

from ...domain import plans
from ...domain.change import Change
from ...models import LearningPlan, PlanTarget, ProvisionGroup, TargetResult
from ...services.formatting import format_date
from ...services.plans import linked_provision_names
from ...ui.edits import DomainEdit
from .dialogs import choice_combo, read_date
from .ehcp_items import button_row
from .records import membership_label, pupil_memberships, read_only_table
from .widgets import BoundTab

TARGET_HEADERS = ["Target", "Baseline", "Success criterion", "By", "Result"]
TARGET_FIELDS = ["text", "baseline", "success_criterion", "target_date"]


class PlanParts(BoundTab):
    """The targets and linked provision of the plan version shown."""

    plan_id: int | None = None

    def plan(self) -> LearningPlan | None:
        """The version shown, if any."""
        if self.plan_id is None:
            return None
        return self.pane.ctx.session.get(LearningPlan, self.plan_id)

    def _edit(self, label: str, write: Callable[[Session], Change]) -> DomainEdit | None:
        edit = DomainEdit(self.pane.ctx, label, write)
        return edit if self.pane.perform(edit) else None

    def _targets_box(self) -> QGroupBox:
        box = QGroupBox("Small-step targets")
        self.targets = read_only_table("Small-step targets", TARGET_HEADERS)
        self.targets.setMinimumHeight(110)
        self.targets.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.targets.itemChanged.connect(self._target_edited)
        self.add_target_button = QPushButton("Add tar&get")
        self.add_target_button.clicked.connect(self.add_target)
        self.remove_target_button = QPushButton("Remove target")
        self.remove_target_button.clicked.connect(self.remove_target)
        layout = QVBoxLayout(box)
        layout.addWidget(self.targets)
        layout.addLayout(button_row(self.add_target_button, self.remove_target_button))
        return box

    def _provision_box(self) -> QGroupBox:
        box = QGroupBox("Provision from the map")
        self.provision = QListWidget()
        self.provision.setAccessibleName("Provision serving the plan")
        self.provision.setTabKeyNavigation(False)
        self.provision.setMaximumHeight(70)
        self.allocation = choice_combo("Allocation to link", [])
        self.allocation.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.allocation.setMinimumContentsLength(20)
        self.link_button = QPushButton("Link")
        self.link_button.clicked.connect(self.link_allocation)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.clicked.connect(self.unlink)
        row = QHBoxLayout()
        row.addWidget(self.allocation, 1)
        row.addWidget(self.link_button)
        row.addWidget(self.unlink_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.provision)
        layout.addLayout(row)
        return box

    def _fill_targets(self, plan: LearningPlan, editable: bool) -> None:
        self.targets.blockSignals(True)
        self.targets.setRowCount(len(plan.targets))
        for row, target in enumerate(plan.targets):
            result = TargetResult(target.result).label if target.result else ""
            date = format_date(target.target_date) if target.target_date else ""
            values = [target.text, target.baseline, target.success_criterion, date, result]
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, target.id)
                cell.setData(Qt.ItemDataRole.AccessibleTextRole, text or "blank")
                flags = cell.flags() & ~Qt.ItemFlag.ItemIsEditable
                if editable and column < len(TARGET_FIELDS):
                    flags |= Qt.ItemFlag.ItemIsEditable
                cell.setFlags(flags)
                self.targets.setItem(row, column, cell)
        self.targets.setEditTriggers(
            QTableWidget.EditTrigger.DoubleClicked | QTableWidget.EditTrigger.EditKeyPressed
            if editable
            else QTableWidget.EditTrigger.NoEditTriggers
        )
        self.targets.resizeRowsToContents()
        self.targets.blockSignals(False)

    def _fill_provision(self, plan: LearningPlan) -> None:
        session = self.pane.ctx.session
        self.provision.clear()
        for link, name in zip(plan.provisions, linked_provision_names(session, plan), strict=False):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, link.id)
            self.provision.addItem(item)
        self.allocation.clear()
        today = self.pane.ctx.today
        for membership in pupil_memberships(session, plan.pupil_id):
            if (membership.leave_date or membership.group.end_date) >= today:
                self.allocation.addItem(membership_label(membership), membership.group_id)

    def add_target(self) -> None:
        """Add a target and start typing its words."""
        plan = self.plan()
        if plan is None:
            return
        plan_id = plan.id
        if self._edit("add target", lambda s: plans.add_target(s, plan_id, "New target")):
            row = self.targets.rowCount() - 1
            self.targets.setCurrentCell(row, 0)
            self.targets.setFocus()
            if (cell := self.targets.item(row, 0)) is not None:
                self.targets.editItem(cell)

    def remove_target(self) -> None:
        """Remove the chosen target."""
        row = self.targets.currentRow()
        item = self.targets.item(row, 0) if row >= 0 else None
        if item is not None:
            target_id = item.data(Qt.ItemDataRole.UserRole)
            self._edit("remove target", lambda s: plans.remove_target(s, target_id))

    def _target_edited(self, item: QTableWidgetItem) -> None:
        column = item.column()
        if column >= len(TARGET_FIELDS):
            return
        target_id = item.data(Qt.ItemDataRole.UserRole)
        target = self.pane.ctx.session.get(PlanTarget, target_id)
        if target is None:
            return
        field = TARGET_FIELDS[column]
        value: Any = item.text().strip()
        if field == "target_date":
            try:
                value = read_date(value, "Target date")
            except ValueError as exc:
                self.pane.show_message(str(exc))
                self.pane.refresh()
                return
        if value == getattr(target, field):
            return
        what = TARGET_HEADERS[column].lower()
        self._edit(
            f"change target {what}", lambda s: plans.update_target(s, target_id, field, value)
        )

    def link_allocation(self) -> None:
        """Link the provision (and group) of the allocation chosen in the list."""
        plan = self.plan()
        group_id = self.allocation.currentData()
        if plan is None or group_id is None:
            return
        group = self.pane.ctx.session.get(ProvisionGroup, group_id)
        if group is None:
            return
        plan_id, provision_id = plan.id, group.provision_id
        self._edit(
            "link provision to plan",
            lambda s: plans.link_provision(s, plan_id, provision_id, group_id),
        )

    def unlink(self) -> None:
        """Take the chosen provision off the plan."""
        current = self.provision.currentItem()
        if current is not None:
            link_id = current.data(Qt.ItemDataRole.UserRole)
            self._edit("unlink provision", lambda s: plans.unlink_provision(s, link_id))
