"""The pupil's custom fields on the Profile tab: one box per field the school defined.

A field is saved when the user leaves it, as one undoable edit; a value that does not
fit (a date that is not one) is refused with the reason and the box shows the saved
value again. The boxes are rebuilt only when the school's fields change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from ...domain import custom_fields
from ...models import CustomField, FieldKind, Pupil
from ...ui.edits import DomainEdit
from .widgets import CommitTextEdit, when_finished

if TYPE_CHECKING:
    from .pane import PupilPane

NOT_RECORDED = "(not recorded)"


class CustomFieldsGroup(QGroupBox):
    """A box per custom field; hidden when the school keeps none."""

    def __init__(self, pane: PupilPane) -> None:
        super().__init__("More about the pupil (the school's own fields)")
        self.pane = pane
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.boxes: dict[int, QWidget] = {}
        self._shape: tuple[tuple[int, str, str, str], ...] = ()
        self.hide()

    def _build(self, fields: list[CustomField]) -> None:
        shape = tuple((f.id, f.name, f.kind, f.choices) for f in fields)
        if shape == self._shape:
            return
        self._shape = shape
        while self.form.rowCount():
            self.form.removeRow(0)
        self.boxes = {}
        for field in fields:
            box = self._box(field)
            box.setAccessibleName(field.name)
            field_id = field.id
            when_finished(box, lambda f=field_id: self.save(f))  # type: ignore[misc]
            caption = QLabel(field.name)
            caption.setBuddy(box)
            self.form.addRow(caption, box)
            self.boxes[field.id] = box

    @staticmethod
    def _box(field: CustomField) -> QWidget:
        kind = FieldKind(field.kind)
        if kind is FieldKind.LONG_TEXT:
            return CommitTextEdit(field.name)
        if kind in (FieldKind.YES_NO, FieldKind.CHOICE):
            combo = QComboBox()
            combo.addItem(NOT_RECORDED, "")
            options = ["Yes", "No"] if kind is FieldKind.YES_NO else field.choice_list
            for option in options:
                combo.addItem(option, option)
            return combo
        line = QLineEdit()
        if kind is FieldKind.DATE:
            line.setPlaceholderText("dd/mm/yyyy")
        return line

    def load(self, pupil: Pupil) -> None:
        """Show the pupil's value in each field's box."""
        session = self.pane.ctx.session
        fields = custom_fields.fields_in_order(session)
        self._build(fields)
        self.setVisible(bool(fields))
        values = custom_fields.values_of(session, pupil.id)
        for field in fields:
            self._show(self.boxes[field.id], custom_fields.shown_value(field, values.get(field.id)))

    @staticmethod
    def _show(box: QWidget, text: str) -> None:
        if isinstance(box, QComboBox):
            box.setCurrentIndex(max(box.findData(text), 0))
        elif isinstance(box, QLineEdit):
            box.setText(text)
            box.setCursorPosition(0)
        elif isinstance(box, CommitTextEdit) and box.toPlainText() != text:
            box.setPlainText(text)

    @staticmethod
    def _typed(box: QWidget) -> str:
        if isinstance(box, QComboBox):
            return str(box.currentData() or "")
        if isinstance(box, QLineEdit):
            return box.text()
        assert isinstance(box, CommitTextEdit)
        return box.toPlainText()

    def save(self, field_id: int) -> None:
        """Save what the box of ``field_id`` holds, if it differs from what is saved."""
        pupil = self.pane.pupil()
        field = self.pane.ctx.session.get(CustomField, field_id)
        box = self.boxes.get(field_id)
        if pupil is None or field is None or box is None:
            return
        typed: Any = self._typed(box)
        saved = custom_fields.values_of(self.pane.ctx.session, pupil.id).get(field_id)
        if typed.strip() == custom_fields.shown_value(field, saved).strip():
            return
        pupil_id = pupil.id
        label = f"change {field.name} of {pupil.display_name}"
        edit = DomainEdit(
            self.pane.ctx,
            label,
            lambda s: custom_fields.set_value(s, pupil_id, field_id, typed),
        )
        self.pane.perform(edit)
