"""The Pupils list's table: its columns fitted to what they hold, never cut at the side.

Every column is as wide as its contents and its heading. When the list is too narrow
for all of them (the pupil pane beside it needs 600 pixels, and a 1366 laptop at 125 %
has about 1,090), the columns a SENCO can best do without give way, in this order: the
UPN (it is in the pupil pane's heading and the search finds it), then the flags, then
the primary need. A column is hidden whole rather than cut to "Wr…"; the class name
takes what is left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from ...ui.fitted_columns import column_width
from . import list_model as cols

#: Columns hidden, in this order, when the list is too narrow for every column.
GIVE_WAY = (cols.UPN, cols.FLAGS, cols.PRIMARY_NEED)


class PupilTable(QTableView):
    """A read-only table of pupils whose columns fit its width."""

    def __init__(self, model: cols.PupilListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self._widths: dict[int, int] = {}
        header = self.horizontalHeader()
        # Fitted once per fill (``fit_columns``), not on every resize of the header: a big
        # school's list was measured five times over while the window opened.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(cols.CLASS, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        self.setWordWrap(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def needed_width(self, column: int) -> int:
        """The width ``column`` needs for its contents and its heading, as last fitted."""
        return self._widths.get(column, 0)

    def fit_columns(self) -> None:
        """Measure every column, size all but the class to fit, and choose what shows.

        Each distinct text of a column is measured once (``column_width``), every row's:
        a big school's list has thousands of rows but a few hundred distinct years,
        classes and needs, and Qt's own measuring asked the model for every role of
        every cell it sampled.
        """
        measured: dict[str, int] = {}
        for column in range(self._model.columnCount()):
            texts = self._model.column_texts(column)
            width = self._widths[column] = column_width(self, column, texts, measured)
            if column != cols.CLASS:
                self.setColumnWidth(column, width)
        self._choose_columns()

    def _choose_columns(self) -> None:
        if not self._widths:
            return
        room = self.viewport().width()
        needed = sum(self._widths.values())
        for column in GIVE_WAY:
            hide = needed > room
            if hide:
                needed -= self._widths[column]
            if self.isColumnHidden(column) != hide:
                self.setColumnHidden(column, hide)
                if not hide:
                    self.setColumnWidth(column, self._widths[column])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._choose_columns()
