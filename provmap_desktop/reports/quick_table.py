"""A ReportLab ``Table`` that lays out big tables in less time, drawing the same page.

Two costs grow with the size of a table rather than with what is printed:

- **Cell styles.** ReportLab makes a style object for every cell and then applies
  each style command to every cell it covers, one cell at a time. Rows that the same
  commands cover end up alike, so ``shared_cell_styles`` works out one row of styles
  per set of commands and lets those rows share it.
- **Spans across pages.** A table split over pages is made again for the rows left,
  and each time ReportLab builds a map of every remaining cell to its own range before
  marking the spans (and again for rows kept together), a new pair of tuples per cell.
  Over a 50-page map that is hundreds of thousands of small objects, and the garbage
  collector walks everything each time enough of them pile up. ``QuickTable`` builds
  the same maps, in the same order, from pairs made once per column count.

- **Strings in cells.** ``canvas.drawString`` makes a text object, works out the
  text's direction and shaping, and formats the text, for each of the ten thousand
  figures in the costed map's group table. ``draw_string`` writes the same operators
  for a plain string in one of the standard fonts directly; anything else (a
  TrueType font, text that needs shaping) goes to ReportLab.

The results are the ones ReportLab's own code gives; only the work is less.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from reportlab.lib.rl_accel import fp_str, unicode2T1
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen import textobject
from reportlab.platypus import Flowable, Table
from reportlab.platypus.tables import CellStyle, _setCellStyle

#: Style commands that do not style cells: ReportLab keeps them as they are.
_NOT_CELL_STYLES = frozenset(
    {
        "BACKGROUND",
        "ROWBACKGROUNDS",
        "COLBACKGROUNDS",
        "SPAN",
        "NOSPLIT",
        "ROUNDEDCORNERS",
        "GRID",
        "BOX",
        "OUTLINE",
        "INNERGRID",
        "LINEBELOW",
        "LINEABOVE",
        "LINEBEFORE",
        "LINEAFTER",
    }
)

Cell = tuple[int, int]
Range = tuple[int, int, int, int]

#: For each column count, each column's (cell, the cell's own range) pairs, row by row.
_OWN_RANGES: dict[int, list[list[tuple[Cell, Range]]]] = {}
#: The last map made, kept unmarked, by its (columns, rows).
_LAST_RANGES: dict[tuple[int, int], dict[Cell, Range | None]] = {}


def own_ranges(ncols: int, nrows: int) -> dict[Cell, Range | None]:
    """``{(col, row): (col, row, col, row)}`` for every cell, column by column.

    The order is ReportLab's (columns outer, rows inner); the pairs are made once and
    reused by every table of that many columns.
    """
    if ncols <= 0 or nrows <= 0:
        return {}
    # A table asks twice in a row (spans, then rows kept together): copy the last map.
    last = _LAST_RANGES.get((ncols, nrows))
    if last is not None:
        return last.copy()
    columns = _OWN_RANGES.get(ncols)
    if columns is None or len(columns[0]) < nrows:
        size = max(nrows, 2 * len(columns[0]) if columns else 64)
        columns = [[((x, y), (x, y, x, y)) for y in range(size)] for x in range(ncols)]
        _OWN_RANGES[ncols] = columns
    ranges: dict[Cell, Range | None] = dict(
        chain.from_iterable(column[:nrows] for column in columns)
    )
    _LAST_RANGES.clear()
    _LAST_RANGES[ncols, nrows] = ranges.copy()
    return ranges


def _mark_ranges(
    ranges: dict[Cell, Range | None], commands: list[Any], ncols: int, nrows: int
) -> tuple[list[Cell], list[Cell]]:
    """Mark each command's range in ``ranges`` as ReportLab does; the cells spanning
    columns and the cells spanning rows."""
    col_cells: list[Cell] = []
    row_cells: list[Cell] = []
    for _op, (x0, y0), (x1, y1) in commands:
        if x0 < 0:
            x0 += ncols
        if x1 < 0:
            x1 += ncols
        if y0 < 0:
            y0 += nrows
        if y1 < 0:
            y1 += nrows
        if x0 > x1:
            x0, x1 = x1, x0
        if y0 > y1:
            y0, y1 = y1, y0
        if x0 == x1 and y0 == y1:
            continue
        cells = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
        if x0 != x1:
            col_cells += cells
        if y0 != y1:
            row_cells += cells
        for cell in cells:
            ranges[cell] = None
        ranges[x0, y0] = (x0, y0, x1, y1)
    return col_cells, row_cells


def draw_string(canvas: Any, x: float, y: float, text: str, *, right: bool = False) -> None:
    """``canvas.drawString(x, y, text)`` (or ``drawRightString``), the same operators.

    For a standard (Type 1) font on a bottom-up page with no right-to-left support
    loaded; otherwise ReportLab draws it.
    """
    font = getFont(canvas._fontname)
    if font._dynamicFont or not canvas.bottomup or textobject.rtlSupport:
        (canvas.drawRightString if right else canvas.drawString)(x, y, text)
        return
    size, leading = canvas._fontsize, canvas._leading
    if right:
        x -= stringWidth(text, canvas._fontname, size)
    ops = []
    current = font
    for part_font, part in unicode2T1(text, [font, *font.substitutionFonts]):
        if part_font != current:
            name = canvas._doc.getInternalFontName(part_font.fontName)
            ops.append(f"{name} {fp_str(size)} Tf {fp_str(leading)} TL")
            current = part_font
        ops.append(f"({canvas._escape(part)}) Tj")
    if current != font:
        name = canvas._doc.getInternalFontName(font.fontName)
        ops.append(f"{name} {fp_str(size)} Tf {fp_str(leading)} TL")
    canvas._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {' '.join(ops)} T* ET")


class QuickTable(Table):
    """``Table`` with ReportLab's span and keep-together maps built without waste.

    It also remembers the size it was last laid out for: the frame asks a table that
    does not fit to ``wrap`` and then to ``split`` in the same space, and ReportLab
    would lay the whole remaining table out twice.
    """

    _laid_out_for: tuple[float, float] | None = None

    def _calc(self, availWidth: float, availHeight: float) -> None:  # noqa: N803 (ReportLab's names)
        if self._laid_out_for == (availWidth, availHeight):
            return
        super()._calc(availWidth, availHeight)
        self._laid_out_for = (availWidth, availHeight)

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        """A plain string at the top of its cell, left or right, drawn by ``draw_string``;
        plain texts (``PlainText``) at the top left of their cell drawn straight onto the
        page; any other cell as ReportLab draws it."""
        if (
            isinstance(cellval, list | tuple)
            and cellval
            and cellstyle.valign == "TOP"
            and cellstyle.alignment == "LEFT"
            and not (cellstyle.href or cellstyle.destination)
            and all(getattr(v, "draws_lines_directly", False) for v in cellval)
        ):
            self._draw_texts(cellval, cellstyle, pos, size)
            return
        if (
            isinstance(cellval, Flowable | list | tuple)
            or cellstyle.valign != "TOP"
            or cellstyle.alignment not in ("LEFT", "RIGHT")
            or cellstyle.direction
            or cellstyle.shaping
            or cellstyle.href
            or cellstyle.destination
            or getattr(cellval, "onDraw", None)
        ):
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        canvas = self.canv
        current = self._curcellstyle  # type: ignore[has-type]  # set by Table.draw
        if current is not cellstyle:
            if current is None or cellstyle.color != current.color:
                canvas.setFillColor(cellstyle.color)
            if current is None or (cellstyle.fontname, cellstyle.fontsize, cellstyle.leading) != (
                current.fontname,
                current.fontsize,
                current.leading,
            ):
                canvas.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        left, bottom = pos
        width, height = size
        right = cellstyle.alignment == "RIGHT"
        x = left + width - cellstyle.rightPadding if right else left + cellstyle.leftPadding
        y = bottom + height - cellstyle.topPadding - cellstyle.fontsize
        for line in str(cellval).split("\n"):
            draw_string(canvas, x, y, line, right=right)
            y -= cellstyle.leading

    def _draw_texts(self, texts: Sequence[Any], cellstyle: Any, pos: Any, size: Any) -> None:
        """Plain texts one under another from the top left of their cell, placed as
        ReportLab places flowables there, each drawn without a saved canvas state."""
        for text, x, y in stacked_in_cell(texts, cellstyle, *pos, *size):
            text.drawOn(self.canv, x, y)

    def _calcSpanRanges(self) -> None:
        ranges = own_ranges(self._ncols, self._nrows)
        self._colSpanCells, self._rowSpanCells = _mark_ranges(
            ranges, self._spanCmds, self._ncols, self._nrows
        )
        self._spanRanges = ranges

    def _calcNoSplitRanges(self) -> None:
        ranges = own_ranges(self._ncols, self._nrows)
        self._colNoSplitCells, self._rowNoSplitCells = _mark_ranges(
            ranges, self._nosplitCmds, self._ncols, self._nrows
        )
        self._nosplitRanges = ranges


def _rows_of(command: Sequence[Any], nrows: int) -> tuple[int, int] | None:
    """The first and last row a cell-style command covers; None if it is not one
    (or names a row ReportLab works out only when the table splits)."""
    if command[0] in _NOT_CELL_STYLES or len(command) < 3:
        return None
    (_sc, sr), (_ec, er) = command[1], command[2]
    if isinstance(sr, str) or isinstance(er, str):
        return None
    sr = sr + nrows if sr < 0 else sr
    er = er + nrows if er < 0 else er
    return max(0, sr), min(nrows - 1, er)


#: One row of cell styles for each column count and set of style commands, kept for every
#: later table: a batch of 500 profiles makes 4,000 small tables styled the same few ways.
_PROTOTYPES: dict[tuple[Any, ...], list[CellStyle]] = {}
_MAX_PROTOTYPES = 256


def shared_cell_styles(
    nrows: int, ncols: int, commands: Sequence[Sequence[Any]]
) -> tuple[list[list[CellStyle]] | None, list[Sequence[Any]]]:
    """Cell styles for a table, rows styled by the same commands sharing their styles.

    Returns the styles and the commands left for ``setStyle`` (backgrounds, lines,
    spans). Returns ``None`` and every command when sharing would be unsafe: a style
    set on rows named only when the table splits, or a cell centred vertically
    (ReportLab adjusts such a cell's own style when it splits its row).
    """
    cell_commands: list[tuple[tuple[Any, ...], int, int]] = []
    others: list[Sequence[Any]] = []
    for command in commands:
        if command[0] not in _NOT_CELL_STYLES:
            rows = _rows_of(command, nrows)
            if rows is None or (command[0] == "VALIGN" and command[3] == "MIDDLE"):
                return None, list(commands)
            cell_commands.append((tuple(command), *rows))
        else:
            others.append(command)
    local: dict[tuple[int, ...], list[CellStyle]] = {}
    styles: list[list[CellStyle]] = []
    for row in range(nrows):
        covering = tuple(
            k for k, (_c, first, last) in enumerate(cell_commands) if first <= row <= last
        )
        prototype = local.get(covering)
        if prototype is None:
            prototype = local[covering] = _prototype(ncols, [cell_commands[k][0] for k in covering])
        styles.append(list(prototype))
    return styles, others


def _prototype(ncols: int, commands: list[tuple[Any, ...]]) -> list[CellStyle]:
    """One row of cell styles made by ``commands``; made once for all tables alike."""
    key: tuple[Any, ...] | None = (ncols, *commands)
    try:
        found = _PROTOTYPES.get((ncols, *commands))
    except TypeError:  # a command holding something unhashable: made for this table alone
        key, found = None, None
    if found is not None:
        return found
    prototype = [CellStyle(repr((0, col))) for col in range(ncols)]
    for command in commands:
        (sc, _sr), (ec, _er) = command[1], command[2]
        sc = max(0, sc + ncols if sc < 0 else sc)
        ec = min(ncols - 1, ec + ncols if ec < 0 else ec)
        for col in range(sc, ec + 1):
            _setCellStyle([prototype], 0, col, command[0], command[3:])
    if key is not None and len(_PROTOTYPES) < _MAX_PROTOTYPES:
        _PROTOTYPES[key] = prototype
    return prototype


def stacked_in_cell(
    texts: Sequence[Any], style: Any, left: float, bottom: float, width: float, height: float
) -> Iterator[tuple[Any, float, float]]:
    """Each text of a cell with where it is drawn: one under another from the cell's top
    left inside its padding, as ReportLab places flowables in a table cell."""
    if not texts:
        return
    avail_width = width - style.leftPadding - style.rightPadding
    avail_height = height - style.topPadding - style.bottomPadding
    x = left + style.leftPadding
    y = bottom + height - style.topPadding + texts[0].getSpaceBefore()
    for text in texts:
        _width, text_height = text.wrap(avail_width, avail_height)
        y -= text.getSpaceBefore()
        y -= text_height
        yield text, x, y
        y -= text.getSpaceAfter()
