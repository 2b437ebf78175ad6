"""A table model over a list of ORM rows, editable in place, every edit undoable.

Used for the small tables of Settings (terms, staff roles, staff) and other lists
where each row is one database row and each column one field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QStyledItemDelegate, QWidget
from sqlalchemy.orm import Session

from ..domain.change import Change, Changed, Kind
from ..models import Base
from ..services.formatting import format_date, format_money, parse_date, parse_money
from .context import AppContext
from .edits import DomainEdit, EditRefused, perform

Index = QModelIndex | QPersistentModelIndex


#: A domain write for one field of one row: (session, row id, field, value) -> Change.
FieldUpdate = Callable[[Session, Any, str, Any], Change]


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str = "text"  # text | int | money | date | bool | choice
    editable: bool = True
    choices: Callable[[], Sequence[tuple[Any, str]]] | None = None  # (value, label)
    display: Callable[[Any], str] | None = None


def parse_value(column: Column, raw: Any) -> Any:
    """Turn what the user typed into the field's value, or raise ``ValueError``."""
    if column.kind == "bool":
        return raw in (True, Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
    if column.kind == "choice":
        return raw
    text = str(raw).strip()
    if column.kind == "money":
        return parse_money(text)
    if column.kind == "int":
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a whole number.") from None
        if number < 0:
            raise ValueError("The number cannot be negative.")
        return number
    if column.kind == "date":
        return parse_date(text) if text else None
    return text


def display_value(column: Column, value: Any, labels: dict[Any, str] | None = None) -> str:
    """``value`` as the table shows it; ``labels`` are a choice column's labels by
    value, when the caller has them already (asking ``choices`` may query the database)."""
    if column.display is not None:
        return column.display(value)
    if column.kind == "money":
        return format_money(value)
    if column.kind == "date":
        return format_date(value) if isinstance(value, dt.date) else ""
    if column.kind == "choice" and column.choices is not None:
        return (dict(column.choices()) if labels is None else labels).get(value, "")
    if value is None:
        return ""
    return str(value)


#: The roles ``EntityTableModel.data`` answers. A view asks for a dozen roles per cell
#: each time it measures a row (a table whose rows fit their text measures every row
#: on each resize), so the others are answered before the row is looked at.
_ANSWERED = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.TextAlignmentRole,
    )
)


class EntityTableModel(QAbstractTableModel):
    #: A user's edit was refused; the message says why.
    edit_refused = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        entity: type[Base],
        columns: Sequence[Column],
        load: Callable[[], Sequence[Base]],
        kind: Kind,
        noun: str,
        update: FieldUpdate,
    ) -> None:
        """``update`` is the domain write for one field: ``update(session, id, field,
        value)`` checks the value and returns the ``Change``."""
        super().__init__()
        self.update = update
        self.ctx = ctx
        self.entity = entity
        self.columns = list(columns)
        self._load = load
        self.kind = kind
        self.noun = noun
        self.rows: list[Base] = list(load())
        #: Each choice column's labels by value, asked for once until the data changes.
        self._labels: dict[int, dict[Any, str]] = {}
        ctx.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, changed: Changed) -> None:
        # A choice's label may live in another table (a staff role's name): forget them all.
        self._labels.clear()
        if changed.touches(self.kind):
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._labels.clear()
        self.rows = list(self._load())
        self.endResetModel()

    def _choice_labels(self, number: int) -> dict[Any, str] | None:
        """Column ``number``'s labels by value (None for a column that is not a choice)."""
        column = self.columns[number]
        if column.kind != "choice" or column.choices is None:
            return None
        labels = self._labels.get(number)
        if labels is None:
            labels = self._labels[number] = dict(column.choices())
        return labels

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.columns[index.column()]
        if column.editable:
            base |= (
                Qt.ItemFlag.ItemIsUserCheckable
                if column.kind == "bool"
                else Qt.ItemFlag.ItemIsEditable
            )
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED or not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        value = getattr(row, column.field)
        if column.kind == "bool":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Yes" if value else "No"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return display_value(column, value, self._choice_labels(index.column()))
        if role == Qt.ItemDataRole.EditRole:
            if column.kind == "choice":
                return value
            return display_value(column, value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("money", "int"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if role not in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.CheckStateRole):
            return False
        try:
            parsed = parse_value(column, value)
        except ValueError as exc:
            self.edit_refused.emit(str(exc))
            return False
        row = self.rows[index.row()]
        if parsed == getattr(row, column.field):
            return False
        label = f"change {self.noun} {column.header.lower()}"
        key = row.id  # type: ignore[attr-defined]
        update = self.update
        command = DomainEdit(
            self.ctx, label, lambda session: update(session, key, column.field, parsed)
        )
        try:
            perform(self.ctx, command)
        except EditRefused as exc:
            self.edit_refused.emit(str(exc))
            self.reload()
            return False
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down editor for ``choice`` columns; stores the chosen value, not the label."""

    def __init__(self, column: Column, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.column = column

    def createEditor(self, parent: QWidget, _option: Any, _index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(self.column.header)
        for value, label in self.column.choices() if self.column.choices else []:
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def install_delegates(view: QAbstractItemView, model: EntityTableModel) -> None:
    for number, column in enumerate(model.columns):
        if column.kind == "choice":
            view.setItemDelegateForColumn(number, ChoiceDelegate(column, view))
