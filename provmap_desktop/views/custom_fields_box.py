"""Settings: the custom pupil fields the school keeps (name, kind, choices).

Each field is a row: its name, kind and choices are edited in place (choices typed
with ";" between them). Adding, renaming and removing are undoable; removing a field
some pupils have values in asks first, saying how many.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ..domain import custom_fields
from ..domain.change import Change, Kind
from ..models import CustomField, FieldKind
from ..ui.context import AppContext
from ..ui.edits import DomainEdit, EditRefused, perform
from ..ui.entity_table import Column, EntityTableModel, install_delegates


def _choices_shown(value: Any) -> str:
    return "; ".join(str(value or "").splitlines())


def _update(session: Session, field_id: int, field: str, value: Any) -> Change:
    """The domain write, with choices typed as "a; b; c" made one a line."""
    if field == "choices":
        value = "\n".join(part.strip() for part in str(value).split(";"))
    return custom_fields.update_field(session, field_id, field, value)


class CustomFieldsBox(QGroupBox):
    """The table of custom pupil fields with Add and Remove buttons."""

    def __init__(
        self, ctx: AppContext, show_message: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__("Custom pupil fields (shown on each pupil's profile)", parent)
        self.ctx = ctx
        self.show_message = show_message
        kinds = [(kind.value, kind.label) for kind in FieldKind]
        self.model = EntityTableModel(
            ctx,
            CustomField,
            [
                Column("name", "Field"),
                Column("kind", "Kind", "choice", choices=lambda: kinds),
                Column("choices", "Choices (for one of a list: A; B; C)", display=_choices_shown),
            ],
            lambda: custom_fields.fields_in_order(ctx.session),
            Kind.SETTINGS,
            "custom field",
            update=_update,
        )
        self.model.edit_refused.connect(show_message)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Custom pupil fields")
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(120)
        install_delegates(self.table, self.model)
        self.add_button = QPushButton("Add custom f&ield")
        self.add_button.clicked.connect(self.add_field)
        self.remove_button = QPushButton("Remove custom field…")
        self.remove_button.clicked.connect(self.remove_field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def _perform(self, label: str, write: Callable[[Session], Change]) -> bool:
        try:
            perform(self.ctx, DomainEdit(self.ctx, label, write))
        except EditRefused as exc:
            self.show_message(str(exc))
            return False
        return True

    def add_field(self) -> None:
        """Add a text field called "New field 1" (or the next number) and rename it."""
        from ..domain.change import unused_name_in

        name = unused_name_in(self.ctx.session, CustomField.name, "New field")
        if self._perform("add custom field", lambda s: custom_fields.add_field(s, name)):
            row = self.model.rowCount() - 1
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.setFocus()
            self.table.edit(index)

    def chosen_field(self) -> CustomField | None:
        """The field of the current row, if any."""
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.rows):
            chosen = self.model.rows[row]
            assert isinstance(chosen, CustomField)
            return chosen
        return None

    def remove_field(self) -> None:
        """Remove the chosen field; ask first when pupils have values in it."""
        field = self.chosen_field()
        if field is None:
            self.show_message("Choose the custom field to remove first.")
            return
        field_id, name = field.id, field.name
        held = custom_fields.values_held(self.ctx.session, field_id)
        if held:
            pupils = "1 pupil has a value" if held == 1 else f"{held} pupils have values"
            answer = QMessageBox.question(
                self,
                "Remove custom field?",
                f"{pupils} in “{name}”. Remove the field and their values? "
                "You can undo this from the Edit menu.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._perform(
            f"remove custom field {name}", lambda s: custom_fields.remove_field(s, field_id)
        )
