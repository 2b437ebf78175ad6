"""What every ProvMap report is built from: text styles, paragraphs, tables, the file.

A report module makes a ``ReportInfo`` (see ``page``) and a story of flowables,
then calls ``write_pdf``.

Text is Helvetica at 8 pt or more. Tables made with ``make_table`` repeat their
header row on every page, wrap every cell in a ``Paragraph`` so long text wraps
instead of being clipped, and may split a tall row across pages.

Files are written to a temporary file beside the target and then moved over it, so
a failed build never leaves half a PDF where the user expects one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table
from reportlab.platypus.tables import TableStyle

from ..storage.safe_files import atomic_write
from .page import FONT, FONT_BOLD, FONT_ITALIC, GRID_COLOUR, ReportDocument, ReportInfo
from .plain_text import plain_text
from .quick_table import QuickTable, shared_cell_styles
from .small_table import SmallTable

HEADER_FILL = colors.HexColor("#e4e8ee")


def _style(
    name: str, size: float, *, bold: bool = False, font: str = "", **extra: Any
) -> ParagraphStyle:
    """A paragraph style in the report font (or ``font``), with the house line spacing."""
    return ParagraphStyle(
        name,
        fontName=font or (FONT_BOLD if bold else FONT),
        fontSize=size,
        leading=size * 1.22,
        **extra,
    )


#: The shared paragraph styles; none is smaller than 8 pt so print stays readable.
STYLES: dict[str, ParagraphStyle] = {
    "title": _style("title", 16, bold=True, spaceAfter=6),
    "heading": _style("heading", 13, bold=True, spaceBefore=8, spaceAfter=4),
    "subheading": _style("subheading", 10.5, bold=True, spaceBefore=6, spaceAfter=3),
    "body": _style("body", 9.5, spaceAfter=4),
    "small": _style("small", 8),
    "cell": _style("cell", 8),
    "cell_bold": _style("cell_bold", 8, bold=True),
    "cell_italic": _style("cell_italic", 8, font=FONT_ITALIC),
    "cell_right": _style("cell_right", 8, alignment=TA_RIGHT),
    "header_cell": _style("header_cell", 8.5, bold=True),
}


def para(text: object, style: str | ParagraphStyle = "cell") -> Flowable:
    """A paragraph of plain text, line breaks kept (see ``plain_text``: no mark-up)."""
    chosen = STYLES[style] if isinstance(style, str) else style
    return plain_text(str(text), chosen)


def markup_para(markup: str, style: str | ParagraphStyle = "cell") -> Paragraph:
    """A paragraph of ReportLab mark-up the caller has already escaped."""
    return Paragraph(markup, STYLES[style] if isinstance(style, str) else style)


def continued(flowable: Flowable, text: str) -> Flowable:
    """Mark a cell's flowable so a row split across pages starts again with ``text``.

    For example the provision's name in the first column: its continuation on the
    next page reads "Lego therapy (continued)" instead of being blank.
    """
    flowable.continued_text = text  # type: ignore[attr-defined]
    return flowable


def _cell(value: object, style: str) -> list[Flowable]:
    """A table cell's content as a list of flowables."""
    # Always a list: ReportLab splits list cells flowable by flowable when a row is
    # split across pages, but gives up on a cell holding a bare flowable.
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, Flowable):
        return [value]
    return [para("" if value is None else value, style)]


CELL_SIZE = 8.0
CELL_PADDING = 6.0  # left and right padding of a table cell together


@lru_cache(maxsize=32768)
def _text_width(text: str) -> float:
    """The width of one line of plain cell text, remembered for big tables."""
    return stringWidth(text, FONT, CELL_SIZE)


def _plain_or_cell(value: object, width: float, style: str) -> object:
    """A short plain value as text the table draws itself; anything else as ``_cell``.

    Laying out a paragraph costs far more than drawing a string, and a big table has
    thousands of one-line cells ("£27.00", "Wave 2"); a value that would wrap, or
    holds a line break, is still a paragraph.
    """
    if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        text = str(value)
        if "\n" not in text and _text_width(text) <= width - CELL_PADDING:
            return text
    return _cell(value, style)


class _PageSplitTable(QuickTable):
    """A table that splits a row across pages only when it must.

    ReportLab, allowed to split inside rows, will also start a second copy of the
    table (header and all) in the few points left at the foot of a page. This one
    keeps rows whole, and splits inside a row only when the row is taller than a
    whole page; such a row starts at once, so no space is wasted. Set
    ``frame_height`` on a subclass: see ``_table_class``.
    """

    frame_height: float = 0.0

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """Split where rows end, or inside a row only if the row is taller than a page."""
        self._calc(avail_width, avail_height)
        heights = self._rowHeights
        n = self._getFirstPossibleSplitRowPosition(avail_height)
        repeat = self.repeatRows if isinstance(self.repeatRows, int) else 0
        header = sum(heights[:repeat])
        too_tall = n < len(heights) and heights[n] > self.frame_height - header
        if too_tall:
            result = self._splitRows(avail_height, doInRowSplit=True)
            if result:
                return result
        return self._splitRows(avail_height, doInRowSplit=False)

    def _splitCell(self, value, style, old_height, new_height, width):  # type: ignore[no-untyped-def]
        """Split a cell as ReportLab does; an empty second part repeats the cell's label."""
        result = super()._splitCell(value, style, old_height, new_height, width)
        if result and isinstance(value, list | tuple) and not result[1]:
            label = next((getattr(f, "continued_text", "") for f in value), "")
            if label:
                return (result[0], (continued(para(label, "cell_bold"), label),))
        return result


@lru_cache(maxsize=8)
def _table_class(frame_height: float) -> type[_PageSplitTable]:
    """A page-splitting table class that knows the height of a page's frame."""
    # ReportLab makes the split pieces with self.__class__(...) and its own
    # arguments, so the height travels as a class attribute.
    return type("PageSplitTable", (_PageSplitTable,), {"frame_height": frame_height})


def _table_commands(
    align_right: Sequence[int], extra_style: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The style of every table: a grid, a shaded header row, the cell font and padding."""
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        # Plain text cells (see _plain_or_cell) look like the "cell" style.
        ("FONT", (0, 1), (-1, -1), FONT, CELL_SIZE, STYLES["cell"].leading),
        *(("ALIGN", (c, 1), (c, -1), "RIGHT") for c in align_right),
        *extra_style,
    ]


def make_table(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float],
    *,
    extra_style: Sequence[tuple[Any, ...]] = (),
    align_right: Sequence[int] = (),
    frame_height: float | None = None,
) -> Table:
    """A grid table whose header repeats on every page and whose text always wraps.

    Strings become ``Paragraph`` cells (columns in ``align_right`` are right
    aligned); flowables and lists of flowables are used as they are. Rows are kept
    whole where they fit; a row taller than the space left is split across pages
    rather than clipped. Pass ``frame_height`` (``doc.story_height``) so rows are
    split only where they must be.
    """
    data: list[list[object]] = [[_cell(h, "header_cell") for h in header]]
    for row in rows:
        data.append(
            [
                _plain_or_cell(v, col_widths[i], "cell_right" if i in align_right else "cell")
                for i, v in enumerate(row)
            ]
        )
    commands = _table_commands(align_right, extra_style)
    styles, rest = shared_cell_styles(len(data), max(map(len, data)), commands)
    table_class = _table_class(frame_height) if frame_height else QuickTable
    table = table_class(
        data, colWidths=list(col_widths), repeatRows=1, splitInRow=1, cellStyles=styles
    )
    table.setStyle(TableStyle(rest))
    return table


def small_table(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float],
    *,
    extra_style: Sequence[tuple[Any, ...]] = (),
    frame_height: float | None = None,
) -> Flowable:
    """``make_table``'s table, as a ``SmallTable`` where it is one of plain texts.

    The same page, in less time: for the few-row tables a batch prints thousands of
    (a profile's sections). Cells must be flowables (``para``), not strings; a table
    of another shape, or one too tall for the space left, is ``make_table``'s.
    """

    def full() -> Table:
        return make_table(
            header, rows, col_widths, extra_style=extra_style, frame_height=frame_height
        )

    data = [[_cell(h, "header_cell") for h in header]]
    data += [[_cell(v, "cell") for v in row] for row in rows]
    simple = all(not isinstance(v, str | int | Decimal) for row in rows for v in row) and all(
        getattr(f, "draws_lines_directly", False) for row in data for cell in row for f in cell
    )
    if not simple or len({len(row) for row in data}) != 1:
        return full()
    commands = _table_commands((), extra_style)
    styles, rest = shared_cell_styles(len(data), len(col_widths), commands)
    if styles is None or any(
        s.valign != "TOP" or s.alignment != "LEFT" or s.href or s.destination
        for row in styles
        for s in row
    ):
        return full()
    fills: list[tuple[int, int, Any]] = []
    grid: tuple[float, Any] | None = None
    for command in rest:
        op, (sc, sr), (ec, er), *args = command
        if (sc, ec) != (0, -1) or not isinstance(sr, int) or not isinstance(er, int):
            return full()
        if op == "GRID" and (sr, er) == (0, -1) and len(args) == 2 and grid is None:
            grid = (args[0], args[1])
        elif op == "BACKGROUND" and len(args) == 1 and isinstance(args[0], colors.Color):
            fills.append((sr % len(data), er % len(data), args[0]))
        else:
            return full()
    if grid is None:
        return full()
    return SmallTable(full, data, styles, col_widths, fills, grid)


StoryBuilder = Callable[[ReportDocument], list[Flowable]]


def write_pdf(
    path: str | Path,
    info: ReportInfo,
    story: list[Flowable] | StoryBuilder,
    *,
    page_size: str = "A4",
    landscape_pages: bool = False,
    document_class: type[ReportDocument] = ReportDocument,
) -> Path:
    """Build the PDF and move it into place at ``path``; return the path.

    ``story`` is a list of flowables, or a function given the document (to size
    tables to ``doc.story_width``) that returns them. The file appears only when
    the whole document has been built.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target) as temp:
        doc = document_class(str(temp), info, page_size=page_size, landscape_pages=landscape_pages)
        doc.write(story(doc) if callable(story) else story)
    return target
