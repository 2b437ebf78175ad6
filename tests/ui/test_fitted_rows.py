"""``FittedRowsTable``: rows as tall as Qt's own fitting makes them, measured once."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from provmap_desktop.ui.fitted_rows import FittedRowsTable

Index = QModelIndex | QPersistentModelIndex

NAMES = [
    "Precision teaching",
    "Structured cumulative literacy programme for pupils who need it",
    "Lego therapy",
    "Speech and language therapy group with the visiting therapist",
    "Reading",
    "Zones of regulation",
]


class CountingModel(QAbstractTableModel):
    """Three columns of text; counts how often a view measures a cell."""

    def __init__(self, rows: list[list[str]]) -> None:
        super().__init__()
        self.rows = rows
        self.size_hints = 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.SizeHintRole:
            self.size_hints += 1  # asked only when a cell is measured
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[index.row()][index.column()]
        return None


def _rows() -> list[list[str]]:
    return [
        [name, f"Wave {n % 3 + 1}", "Two\nlines" if n == 4 else "30"]
        for n, name in enumerate(NAMES * 5)
    ]


def _fitted_by_qt(model: CountingModel, widths: list[int], hidden: set[int]) -> list[int]:
    """The row heights Qt's own ``ResizeToContents`` gives, measuring every cell."""
    table = QTableView()
    table.setModel(model)
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    heights = _laid_out_heights(table, widths, hidden)
    table.close()
    return heights


def _laid_out_heights(table: QTableView, widths: list[int], hidden: set[int]) -> list[int]:
    """Each row's height once ``table`` is shown with these column widths and hidden."""
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
        table.setColumnHidden(column, column in hidden)
    table.resize(900, 600)
    table.show()
    table.doItemsLayout()
    return [table.rowHeight(row) for row in range(table.model().rowCount())]


@pytest.mark.parametrize(
    ("widths", "hidden"),
    [([120, 80, 60], set()), ([300, 80, 60], set()), ([90, 40, 60], {2}), ([600, 200, 90], set())],
)
def test_rows_are_as_tall_as_qt_fits_them(qtbot, widths: list[int], hidden: set[int]) -> None:  # type: ignore[no-untyped-def]
    model = CountingModel(_rows())
    table = FittedRowsTable()
    qtbot.addWidget(table)
    table.setModel(model)
    heights = _laid_out_heights(table, widths, hidden)
    expected = _fitted_by_qt(CountingModel(_rows()), widths, hidden)
    assert heights == expected
    # The check means something: some rows wrap onto more lines than others.
    assert len(set(heights)) > 1


def test_new_text_and_new_widths_are_measured_afresh(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = CountingModel(_rows())
    table = FittedRowsTable()
    qtbot.addWidget(table)
    table.setModel(model)
    table.setColumnWidth(0, 600)
    table.resize(900, 600)
    table.show()
    table.doItemsLayout()
    assert table.rowHeight(1) == table.rowHeight(0)  # the long name fits on one line
    table.setColumnWidth(0, 90)
    table.verticalHeader().resizeSections()
    assert table.rowHeight(1) > table.rowHeight(0)  # now it wraps
    model.beginResetModel()
    model.rows[1][0] = "Reading"
    model.rows[0][0] = NAMES[3]
    model.endResetModel()
    table.doItemsLayout()
    widths = [table.columnWidth(c) for c in range(3)]
    heights = [table.rowHeight(row) for row in range(model.rowCount())]
    assert heights == _fitted_by_qt(CountingModel(model.rows), widths, set())
    assert table.rowHeight(1) < table.rowHeight(0)


def test_the_cells_are_measured_once_while_the_window_settles(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Resizes that leave the columns' widths alone do not measure the rows again."""
    plain = CountingModel(_rows()[:6])
    fitted = CountingModel(_rows()[:6])
    tables: list[QTableView] = []
    for model, table in ((plain, QTableView()), (fitted, FittedRowsTable())):
        qtbot.addWidget(table)
        table.setModel(model)
        table.setWordWrap(True)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setColumnWidth(0, 150)
        table.resize(700, 500)
        table.show()
        table.doItemsLayout()
        tables.append(table)
    for model, table in zip((plain, fitted), tables, strict=True):
        model.size_hints = 0
        for _again in range(4):
            table.verticalHeader().resizeSections()
    assert fitted.size_hints == 0
    assert plain.size_hints >= 4 * 6  # Qt's own fitting measures every cell each time
