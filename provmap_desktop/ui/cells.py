"""Small typed accessors for Qt values that the bindings declare as optional."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def table_item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item in a cell the screen itself filled; a missing one is a programming error."""
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"no item at row {row}, column {column}")
    return item


def py_date(day: QDate) -> dt.date:
    """The Python date of a Qt date."""
    return dt.date(day.year(), day.month(), day.day())
