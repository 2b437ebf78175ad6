"""Section F of the EHC plan tab: the plan's provision items and the allocation meeting each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import ehcp
from ...domain.change import Change, ChildRowsAdded
from ...models import Ehcp, EhcpProvisionItem, Provision, Pupil
from ...services.pupils import section_f_gaps, suggest_membership
from ...ui.cells import table_item
from ...ui.edits import DomainEdit
from ...ui.speech import ValueLabel
from .dialogs import choice_combo
from .records import FIELD_NAMES, membership_label, pupil_memberships, read_only_table
from .widgets import BoundTab, CommitTextEdit, show_value

MATCHED = "✓ Matched"
NOT_MATCHED = "⚠ Not matched"


class SectionFTab(BoundTab):
    """The Section F part of the EHC plan tab: the items table and the chosen item's fields."""

    item_id: int | None = None

    def _section_f_box(self) -> QGroupBox:
        """Make the Section F table of items, its buttons, and the chosen item's details."""
        section_f = QGroupBox("Section F: provision")
        self.items = read_only_table(
            "Section F items", ["Provision in the plan", "Min/week", "Met by"]
        )
        # Room for four items of three lines each: the tab scrolls, the table need not.
        line = self.items.fontMetrics().lineSpacing()
        self.items.setMinimumHeight(4 * (3 * line + 8) + line + 12)
        self.items.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.items.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.items.itemSelectionChanged.connect(self._item_chosen)
        add_item = QPushButton("Add &Section F item")
        add_item.clicked.connect(self.add_item)
        self.remove_item_button = QPushButton("Remove item")
        self.remove_item_button.clicked.connect(self.remove_item)
        self.item_detail = self._item_detail()
        box = QVBoxLayout(section_f)
        box.addWidget(self.items)
        box.addLayout(button_row(add_item, self.remove_item_button, self.link_button))
        box.addWidget(self.item_detail)
        self.warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return section_f

    def _item_detail(self) -> QWidget:
        """Make the fields of one Section F item: text, minutes, links and whether it is met."""
        self.item_text = CommitTextEdit("Section F item text", 48)
        self.item_text.committed.connect(
            lambda: self._save_item("text", self.item_text.toPlainText())
        )
        self.item_minutes = QLineEdit()
        self.item_minutes.setAccessibleName("Minutes a week")
        self.item_minutes.editingFinished.connect(self._save_minutes)
        self.item_provision = choice_combo("Linked provision", [])
        self.item_provision.activated.connect(
            lambda _i: self._save_item("provision_id", self.item_provision.currentData())
        )
        self.item_membership = choice_combo("Linked allocation", [])
        self.item_membership.activated.connect(
            lambda _i: self._save_item("membership_id", self.item_membership.currentData())
        )
        self.link_button = QPushButton("Lin&k to current allocation")
        self.link_button.clicked.connect(self.link_current)
        self.item_status = ValueLabel()
        self.item_status.setWordWrap(True)
        self.item_status.setAccessibleName("Whether this item is met")
        detail = QFormLayout()
        detail.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        detail.addRow("Item &text", self.item_text)
        detail.addRow("Min&utes a week", self.item_minutes)
        detail.addRow("Linked &provision", self.item_provision)
        detail.addRow("Linked allocation", self.item_membership)
        detail.addRow(self.item_status)
        for combo in (self.item_provision, self.item_membership):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24)
        item_detail = QWidget()
        item_detail.setLayout(detail)
        return item_detail

    def _load_items(self, pupil: Pupil) -> None:
        """Fill the Section F table, marking each item matched or not, keeping the choice."""
        session = self.pane.ctx.session
        plan = pupil.ehcp
        assert plan is not None
        session.refresh(plan, ["provision_items"])
        gaps = {
            gap.item.id: gap.reason for gap in section_f_gaps(session, self.pane.ctx.today, pupil)
        }
        memberships = {m.id: m for m in pupil_memberships(session, pupil.id)}
        self.gaps = gaps
        self.memberships = memberships
        self.items.blockSignals(True)
        self.items.setRowCount(len(plan.provision_items))
        for row, item in enumerate(plan.provision_items):
            minutes = "" if item.minutes_per_week is None else str(item.minutes_per_week)
            if item.id in gaps:
                status = f"{NOT_MATCHED}: {gaps[item.id]}"
            else:
                status = f"{MATCHED}: {membership_label(memberships[item.membership_id])}"  # type: ignore[index]
            for column, text in enumerate((item.text, minutes, status)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                cell.setData(Qt.ItemDataRole.AccessibleTextRole, text or "blank")
                if column == 2 and item.id in gaps:
                    cell.setIcon(self.warning_icon)
                self.items.setItem(row, column, cell)
        self.items.resizeRowsToContents()
        position = next(
            (r for r, i in enumerate(plan.provision_items) if i.id == self.item_id), None
        )
        if position is None:
            self.items.clearSelection()
            self.item_id = None
        else:
            self.items.selectRow(position)
        self.items.blockSignals(False)
        self._show_item()

    def _item_chosen(self) -> None:
        """Remember the item chosen in the table and show its details."""
        rows = self.items.selectionModel().selectedRows()
        self.item_id = (
            table_item(self.items, rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            if rows
            else None
        )
        self._show_item()

    def _item(self) -> EhcpProvisionItem | None:
        """The chosen Section F item, if any."""
        return (
            None
            if self.item_id is None
            else self.pane.ctx.session.get(EhcpProvisionItem, self.item_id)
        )

    def _show_item(self) -> None:
        """Show the chosen item's fields, or blank, disabled fields when none is chosen."""
        item = self._item()
        self.item_detail.setEnabled(item is not None)
        self.remove_item_button.setEnabled(item is not None)
        self.link_button.setEnabled(item is not None)
        session = self.pane.ctx.session
        self.item_provision.clear()
        self.item_provision.addItem("(none)", None)
        for provision_id, name in session.execute(
            select(Provision.id, Provision.name).order_by(Provision.name)
        ):
            self.item_provision.addItem(name, provision_id)
        self.item_membership.clear()
        self.item_membership.addItem("(none)", None)
        for membership in self.memberships.values():
            self.item_membership.addItem(membership_label(membership), membership.id)
        if item is None:
            self.item_text.setPlainText("")
            self.item_minutes.clear()
            self.item_status.clear()
            return
        show_value(self.item_text, item.text)
        show_value(
            self.item_minutes, "" if item.minutes_per_week is None else str(item.minutes_per_week)
        )
        show_value(self.item_provision, item.provision_id)
        show_value(self.item_membership, item.membership_id)
        reason = self.gaps.get(item.id)
        self.item_status.setText(f"{NOT_MATCHED}: {reason}" if reason else MATCHED)

    def _plan(self) -> Ehcp | None:
        """The shown pupil's EHC plan, if any."""
        pupil = self.pane.pupil()
        return pupil.ehcp if pupil else None

    def _edit(self, label: str, write: Callable[[Session], Change]) -> DomainEdit | None:
        """Save through the EHC plan domain; the edit made, or ``None`` if refused."""
        edit = DomainEdit(self.pane.ctx, label, write)
        return edit if self.pane.perform(edit) else None

    def add_item(self) -> None:
        """Add a blank Section F item, choose it and put the cursor in its text."""
        plan = self._plan()
        if plan is None:
            return
        plan_id = plan.id
        edit = self._edit("add Section F item", lambda s: ehcp.add_item(s, plan_id))
        if edit is None or not isinstance(edit.change, ChildRowsAdded):
            return
        self.item_id = edit.change.row_id
        self.pane.refresh()
        self.item_text.setFocus()

    def remove_item(self) -> None:
        """Remove the chosen Section F item."""
        item_id = self.item_id
        if item_id is not None and self._item() is not None:
            self._edit("remove Section F item", lambda s: ehcp.remove_item(s, item_id))

    def _save_minutes(self) -> None:
        """Save the minutes a week typed, refusing anything but a whole number."""
        text = self.item_minutes.text().strip()
        try:
            minutes = int(text) if text else None
            if minutes is not None and minutes < 0:
                raise ValueError
        except ValueError:
            self.pane.show_message(f"Minutes a week: '{text}' is not a whole number of minutes.")
            self._show_item()
            return
        self._save_item("minutes_per_week", minutes)

    def _save_item(self, field: str, value: Any) -> None:
        """Save one field of the chosen item when it differs from the saved value."""
        item = self._item()
        if item is None or getattr(item, field) == value:
            return
        item_id = item.id
        label = f"change Section F item {FIELD_NAMES.get(field, field.replace('_', ' ')).lower()}"
        self._edit(label, lambda s: ehcp.update_item(s, item_id, field, value))

    def link_current(self) -> None:
        """Link the chosen item to the pupil's current allocation of its provision."""
        item = self._item()
        if item is None:
            return
        if item.provision_id is None:
            self.pane.show_message(
                "Choose the linked provision first, then link it to an allocation."
            )
            return
        membership = suggest_membership(self.pane.ctx.session, item, self.pane.ctx.today)
        if membership is None:
            self.pane.show_message(
                "This pupil has no current allocation of that provision. "
                "Add them to a group on the provision map, then link it here."
            )
            return
        self._save_item("membership_id", membership.id)


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """A row of buttons pushed to the left."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row
