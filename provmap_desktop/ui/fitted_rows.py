"""A table whose rows are as tall as their wrapped text needs, measured cheaply.

A table view whose rows fit their contents (``ResizeToContents`` on the vertical
header) measures every cell of every row, asking the model for a dozen roles and
laying its text out, each time a column changes width. Opening a window changes the
widths several times before its first paint, so a catalogue of 150 rows was measured
nine times over, about a second of work.

Most rows hold one line in every column, and one-line rows are all as tall as one
another. ``FittedRowsTable`` therefore measures a row the full way only when one of
its texts is as wide as its column; the others take the one-line height, itself
measured the full way once for each set of columns shown and font. The width of each
cell's text is read once, and each row's height kept while its columns keep their
widths, until the model's rows or the font change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from .fitted_columns import text_margin


class FittedRowsTable(QTableView):
    """A ``QTableView`` whose rows take the height their wrapped text needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        #: The one-line height by the columns shown and the font.
        self._one_line: dict[tuple[tuple[int, ...], str], int] = {}
        #: Each cell's text width by row and column (a cell with lines of its own: -1).
        self._text_widths: dict[int, dict[int, int]] = {}
        #: Each row's height, with the columns shown, their widths and the font it is for.
        self._heights: dict[int, tuple[tuple[Any, ...], int]] = {}

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Show ``model``; the text widths read are forgotten whenever its rows change."""
        super().setModel(model)
        self._forget()
        if model is None:
            return
        for signal in (
            model.modelReset,
            model.layoutChanged,
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.rowsMoved,
            model.columnsInserted,
            model.columnsRemoved,
        ):
            signal.connect(self._forget)

    def _forget(self, *_args: Any) -> None:
        self._text_widths.clear()
        self._heights.clear()

    def changeEvent(self, event: QEvent) -> None:
        """A new font or style: every width and height is measured again."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget()
            self._one_line.clear()
        super().changeEvent(event)

    def _widths_of(self, row: int, columns: list[int]) -> dict[int, int]:
        """The width of the text in ``columns`` of ``row``, read once."""
        known = self._text_widths.setdefault(row, {})
        model = self.model()
        metrics = self.fontMetrics()
        for column in columns:
            if column not in known:
                text = model.data(model.index(row, column, QModelIndex()))
                if not isinstance(text, str):
                    known[column] = 0
                elif "\n" in text:
                    known[column] = -1
                else:
                    known[column] = metrics.horizontalAdvance(text)
        return known

    def sizeHintForRow(self, row: int) -> int:
        """The full measure for a row with a text as wide as its column, else one line."""
        model = self.model()
        if model is None:
            return super().sizeHintForRow(row)
        shown = [c for c in range(model.columnCount()) if not self.isColumnHidden(c)]
        room = [self.columnWidth(c) for c in shown]
        font = self.font().key()
        key = (tuple(shown), tuple(room), font)
        known = self._heights.get(row)
        if known is not None and known[0] == key:
            return known[1]
        height = self._measure(row, shown, room, font)
        self._heights[row] = (key, height)
        return height

    def _measure(self, row: int, shown: list[int], room: list[int], font: str) -> int:
        """Row ``row``'s height with ``shown`` columns ``room`` pixels wide."""
        margin = text_margin(self)
        widths = self._widths_of(row, shown)
        for column, width in zip(shown, room, strict=True):
            text_width = widths[column]
            # A text that reaches the margin is measured the full way, to be safe.
            if text_width < 0 or text_width >= width - margin:
                return super().sizeHintForRow(row)
        key = (tuple(shown), font)
        height = self._one_line.get(key)
        if height is None:
            height = self._one_line[key] = super().sizeHintForRow(row)
        return height
