"""Per-pupil columns of the review wizard, each with a whole-group value.

Every pupil in a group review keeps their own measure, dates and plan: each is a cell
in the pupil's row. Above the table, a column's whole-group editor and its "same for
all" box let the SENCO give everyone one value where she wants that: ticked, the
group value is written into every pupil's cell; unticked, each pupil's own value comes
back. What is saved is always the cells, so a value is never shared by accident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)


def qdate(day: dt.date | None) -> QDate:
    day = day or dt.date.today()
    return QDate(day.year, day.month, day.day)


def date_edit(day: dt.date | None, name: str) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    return edit


def combo(name: str, choices: dict[str, str], blank: str = "") -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.addItem(blank, None)
    for code, label in choices.items():
        box.addItem(label, code)
    return box


def value_of(widget: QWidget | QTableWidgetItem) -> Any:
    """What an editor or a cell holds: text, a combo's code, or a date."""
    if isinstance(widget, QDateEdit):
        return widget.date().toPython()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit | QTableWidgetItem):
        return widget.text()
    raise TypeError(f"No value in {widget!r}")


def set_value(widget: QWidget | QTableWidgetItem, value: Any) -> None:
    if isinstance(widget, QDateEdit):
        widget.setDate(qdate(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0) if value is not None else 0)
    elif isinstance(widget, QPlainTextEdit):
        if widget.toPlainText() != value:
            widget.setPlainText(value or "")
    elif isinstance(widget, QLineEdit | QTableWidgetItem):
        widget.setText(value or "")
    else:
        raise TypeError(f"Cannot set {widget!r}")


def changed_signal(widget: QWidget) -> SignalInstance:
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QPlainTextEdit | QLineEdit):
        return widget.textChanged
    raise TypeError(f"No change signal on {widget!r}")


class SharedColumn:
    """One column of per-pupil cells, its whole-group editor and its "same for all" box.

    The box starts ticked only when every pupil already has the same value (always, for
    a single pupil); the group editor can be used only while it is ticked.
    """

    def __init__(self, table: QTableWidget, column: int, editor: QWidget, box: QCheckBox) -> None:
        self.table, self.column, self.editor, self.box = table, column, editor, box
        self._own: list[Any] | None = None
        values = [self.cell_value(row) for row in range(table.rowCount())]
        same = len(set(values)) <= 1
        if values and (same or isinstance(editor, QDateEdit)):
            set_value(editor, values[0])
        else:  # pupils differ: the group value starts blank rather than one pupil's
            set_value(editor, None)
        box.setChecked(same)
        self._lock(same)
        box.toggled.connect(self._toggled)
        changed_signal(editor).connect(self._group_changed)

    def _cell(self, row: int) -> QWidget | QTableWidgetItem:
        widget = self.table.cellWidget(row, self.column)
        if widget is not None:
            return widget
        item = self.table.item(row, self.column)
        assert item is not None
        return item

    def cell_value(self, row: int) -> Any:
        return value_of(self._cell(row))

    def set_cell(self, row: int, value: Any) -> None:
        set_value(self._cell(row), value)

    def set_for(self, row: int, value: Any) -> None:
        """Set one pupil's value: through the group editor while the box is ticked."""
        if self.box.isChecked():
            set_value(self.editor, value)
        else:
            self.set_cell(row, value)

    def _lock(self, same: bool) -> None:
        self.editor.setEnabled(same)
        for row in range(self.table.rowCount()):
            cell = self._cell(row)
            if isinstance(cell, QTableWidgetItem):
                flags = cell.flags()
                editable = Qt.ItemFlag.ItemIsEditable
                cell.setFlags(flags & ~editable if same else flags | editable)
            else:
                cell.setEnabled(not same)

    def _toggled(self, same: bool) -> None:
        if same:
            self._own = [self.cell_value(row) for row in range(self.table.rowCount())]
            self._group_changed()
        elif self._own is not None:
            for row, value in enumerate(self._own):
                self.set_cell(row, value)
            self._own = None
        self._lock(same)

    def _group_changed(self, *_args: object) -> None:
        if not self.box.isChecked():
            return
        value = value_of(self.editor)
        for row in range(self.table.rowCount()):
            self.set_cell(row, value)
