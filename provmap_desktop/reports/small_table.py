"""A small table of plain text, laid out and drawn in one go, as ReportLab draws it.

A batch of 500 one-page profiles holds 3,500 two-row section tables. ReportLab's
``Table`` spends far more on being a general table (style commands read cell by cell,
each cell measured through several layers, every line and fill drawn through its
own bookkeeping) than on the few texts such a table holds. ``SmallTable`` does the
same arithmetic directly for the one shape it knows: a grid, whole-row backgrounds
and cells of texts that draw themselves (``PlainText``). It writes the same drawing
operators in the same order, so the page is the same.

When it does not fit where it is put, it hands over to the full table (``full``,
made only then), which splits across pages with its header repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.platypus import Flowable

from .quick_table import stacked_in_cell

#: Line cap and join ReportLab gives a GRID command that names none (round).
_ROUND = 1


class SmallTable(Flowable):
    """A few rows of text cells with a grid and shaded rows; see the module docstring.

    ``cells`` holds, row by row, each cell's flowables; ``styles`` the ReportLab cell
    styles (paddings) of each cell; ``fills`` the (first row, last row, colour) of each
    background in the order drawn; ``grid`` the grid's (weight, colour). ``full()``
    makes the equivalent ReportLab table.
    """

    def __init__(
        self,
        full: Callable[[], Flowable],
        cells: Sequence[Sequence[Sequence[Any]]],
        styles: Sequence[Sequence[Any]],
        col_widths: Sequence[float],
        fills: Sequence[tuple[int, int, Any]],
        grid: tuple[float, Any],
    ) -> None:
        super().__init__()
        self._full_table = full
        self._full: Flowable | None = None
        self.cells = cells
        self.styles = styles
        self.col_widths = list(col_widths)
        self.fills = fills
        self.grid = grid
        self.hAlign = "CENTER"  # a Table's default
        self._rows: list[float] = []
        self._row_tops: list[float] = []
        self._columns: list[float] = [0.0]
        for width in self.col_widths:
            self._columns.append(self._columns[-1] + width)

    def full(self) -> Flowable:
        """The same table as ReportLab's ``Table``, made on first use."""
        if self._full is None:
            self._full = self._full_table()
            self._full.hAlign = self.hAlign
        return self._full

    # -- layout --------------------------------------------------------------------

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        """Each row as tall as its tallest cell; the table as wide as its columns (the
        column widths are fixed, so the space offered changes nothing)."""
        if not self._rows:
            self._rows = [
                self._row_height(row, styles)
                for row, styles in zip(self.cells, self.styles, strict=True)
            ]
            # Row tops from the foot up, summed as ReportLab sums them.
            tops: list[float] = []
            height = carry = 0.0
            for row_height in reversed(self._rows):
                tops.append(height)
                step = row_height - carry
                total = height + step
                carry = (total - height) - step
                height = total
            tops.append(height)
            tops.reverse()
            self._row_tops = tops
        self.width, self.height = self._columns[-1], self._row_tops[0]
        return self.width, self.height

    def _row_height(self, row: Sequence[Sequence[Any]], styles: Sequence[Any]) -> float:
        tallest = 0.0
        for cell, style, width in zip(row, styles, self.col_widths, strict=True):
            inner = width - style.leftPadding - style.rightPadding
            room = 72000 - style.topPadding - style.bottomPadding
            total = 0.0
            first_before = after = 0.0
            for k, item in enumerate(cell):
                _w, item_height = item.wrap(inner, room)
                before, after = item.getSpaceBefore(), item.getSpaceAfter()
                total += item_height + after + before
                if k == 0:
                    first_before = before
            if cell:
                total = total - first_before - after
            total += style.bottomPadding + style.topPadding
            tallest = max(tallest, total)
        return tallest

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """Too tall for the space left: the full table splits, header repeated."""
        return self.full().split(avail_width, avail_height)  # type: ignore[no-any-return]

    # -- drawing -------------------------------------------------------------------

    def draw(self) -> None:
        """Fills, cells, then the grid, with the operators ``Table.draw`` writes."""
        canvas = self.canv
        columns, tops = self._columns, self._row_tops
        canvas.saveState()
        for first, last, colour in self.fills:
            canvas.setFillColor(colour)
            canvas.rect(
                columns[0],
                tops[first],
                columns[-1] - columns[0],
                tops[last + 1] - tops[first],
                stroke=0,
                fill=1,
            )
        for r, (row, styles) in enumerate(zip(self.cells, self.styles, strict=True)):
            bottom, height = tops[r + 1], self._rows[r]
            for c, (cell, style) in enumerate(zip(row, styles, strict=True)):
                self._draw_cell(cell, style, columns[c], bottom, self.col_widths[c], height)
        self._draw_grid()
        canvas.restoreState()  # the font and fill colour the texts left, too

    def _draw_cell(
        self,
        cell: Sequence[Any],
        style: Any,
        left: float,
        bottom: float,
        width: float,
        height: float,
    ) -> None:
        """The cell's texts one under another from its top left (``stacked_in_cell``)."""
        for item, x, y in stacked_in_cell(cell, style, left, bottom, width, height):
            if item.has_lines():
                # Nothing drawn later in the table needs the font or fill colour back:
                # each text sets its own, the fills and the grid theirs.
                item.draw_lines(self.canv, x, y, restore=False)
            else:
                item.drawOn(self.canv, x, y)

    def _draw_grid(self) -> None:
        """The box, then the lines between rows and between columns, as ``GRID`` draws."""
        canvas = self.canv
        columns, tops = self._columns, self._row_tops
        weight, colour = self.grid
        left, right, top, foot = columns[0], columns[-1], tops[0], tops[-1]
        canvas.saveState()
        canvas.setLineCap(_ROUND)
        canvas.setLineJoin(_ROUND)
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(weight)
        canvas.line(left, top, right, top)
        canvas.line(left, foot, right, foot)
        canvas.line(left, foot, left, top)
        canvas.line(right, foot, right, top)
        for y in tops[1:-1]:
            canvas.line(left, y, right, y)
        for x in columns[1:-1]:
            canvas.line(x, foot, x, top)
        canvas.restoreState()
