"""The one document base every ProvMap PDF is built on.

A report module makes a ``ReportInfo`` (title, school, period) and a story of
flowables, then calls ``write_pdf``; or it subclasses ``ReportDocument`` to change
the page decorations. Every page carries the school name, the report's title and
period, "Printed dd/mm/yyyy" and "Page x of y". Page templates exist for portrait
and landscape on the chosen paper (A4 or A3); a story can switch between them with
``NextPageTemplate(PORTRAIT)`` / ``NextPageTemplate(LANDSCAPE)`` before a
``PageBreak``.

Text is Helvetica at 8 pt or more. Tables made with ``make_table`` repeat their
header row on every page, wrap every cell in a ``Paragraph`` so long text wraps
instead of being clipped, and may split a tall row across pages.

Files are written to a temporary file beside the target and then moved over it, so
a failed build never leaves half a PDF where the user expects one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.tables import TableStyle

from ..services.formatting import format_date
from ..storage.safe_files import atomic_write

PORTRAIT = "portrait"
LANDSCAPE = "landscape"
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "A3": A3}
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
MARGIN = 12 * mm
HEADER_HEIGHT = 16 * mm
FOOTER_HEIGHT = 9 * mm
GRID_COLOUR = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#e4e8ee")
#: Footer text (printed date, note, page x of y): 9 pt, readable on every report.
FOOTER_SIZE = 9.0


@dataclass(frozen=True)
class ReportInfo:
    """What every page says about the report."""

    title: str
    school_name: str = ""
    period_text: str = ""
    printed_on: dt.date = field(default_factory=dt.date.today)
    #: A line centred in the footer, e.g. "Confidential: special category personal data."
    footer_note: str = ""


def paper(page_size: str, *, landscape_pages: bool) -> tuple[float, float]:
    """The page size in points for "A4" or "A3", turned as asked."""
    try:
        size = PAGE_SIZES[page_size.upper()]
    except KeyError:
        raise ValueError(f"Paper size must be A4 or A3, not {page_size!r}.") from None
    return landscape(size) if landscape_pages else portrait(size)


def frame_size(page_size: str = "A4", *, landscape_pages: bool = False) -> tuple[float, float]:
    """Width and height left for the story on such a page."""
    width, height = paper(page_size, landscape_pages=landscape_pages)
    return width - 2 * MARGIN, height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT


def _style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
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
    "cell_right": _style("cell_right", 8, alignment=TA_RIGHT),
    "header_cell": _style("header_cell", 8.5, bold=True),
}


def para(text: object, style: str | ParagraphStyle = "cell") -> Paragraph:
    """A paragraph of plain text: escaped for ReportLab, line breaks kept."""
    chosen = STYLES[style] if isinstance(style, str) else style
    markup = "<br/>".join(escape(line) for line in str(text).split("\n"))
    return Paragraph(markup, chosen)


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


class _PageSplitTable(Table):
    """A table that splits a row across pages only when it must.

    ReportLab, allowed to split inside rows, will also start a second copy of the
    table (header and all) in the few points left at the foot of a page. This one
    keeps rows whole, and splits inside a row only when the row is taller than a
    whole page; such a row starts at once, so no space is wasted. Set
    ``frame_height`` on a subclass: see ``_table_class``.
    """

    frame_height: float = 0.0

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
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
        result = super()._splitCell(value, style, old_height, new_height, width)
        if result and isinstance(value, list | tuple) and not result[1]:
            label = next((getattr(f, "continued_text", "") for f in value), "")
            if label:
                return (result[0], (continued(para(label, "cell_bold"), label),))
        return result


@lru_cache(maxsize=8)
def _table_class(frame_height: float) -> type[_PageSplitTable]:
    # ReportLab makes the split pieces with self.__class__(...) and its own
    # arguments, so the height travels as a class attribute.
    return type("PageSplitTable", (_PageSplitTable,), {"frame_height": frame_height})


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
    table_class = _table_class(frame_height) if frame_height else Table
    table = table_class(data, colWidths=list(col_widths), repeatRows=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
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
        )
    )
    return table


#: Paragraph styles that head what follows them (ours and the evidence pack's).
HEADING_STYLES = frozenset({"title", "heading", "subheading", "h1", "h2", "h3"})


def is_heading(flowable: object) -> bool:
    """A paragraph in a heading style, or one whose style asks to keep with the next."""
    style = getattr(flowable, "style", None)
    if not isinstance(flowable, Paragraph) or style is None:
        return False
    return style.name in HEADING_STYLES or bool(getattr(style, "keepWithNext", 0))


class HeadingWithNext(Flowable):
    """A heading and (the start of) what follows it, always on the same page.

    When what follows can split (a long table, a list of names), the heading goes with
    its first part and the rest runs on; when not even a first part fits below the
    heading, both move to the next page. Unlike ReportLab's ``keepWithNext``, a long
    table after a heading does not force a new page.
    """

    def __init__(self, heading: Flowable, following: Flowable) -> None:
        super().__init__()
        self.heading = heading
        self.following = following
        self._head_height = 0.0
        self._follow_size = (0.0, 0.0)

    def getSpaceBefore(self) -> float:
        return float(self.heading.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.following.getSpaceAfter())

    def _gap(self) -> float:
        return float(self.heading.getSpaceAfter()) + float(self.following.getSpaceBefore())

    def _wrap_part(self, part: Flowable, width: float, height: float) -> tuple[float, float]:
        canvas = getattr(self, "canv", None)
        if canvas is None:
            return part.wrap(width, height)  # type: ignore[no-any-return]
        return part.wrapOn(canvas, width, height)  # type: ignore[no-any-return]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, head = self._wrap_part(self.heading, avail_width, avail_height)
        self._head_height = head
        room = max(avail_height - head - self._gap(), 0.0)
        self._follow_size = self._wrap_part(self.following, avail_width, room)
        self.width = avail_width
        self.height = head + self._gap() + self._follow_size[1]
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        _, head = self._wrap_part(self.heading, avail_width, avail_height)
        room = avail_height - head - self._gap()
        if room <= 0:
            return []
        canvas = getattr(self, "canv", None)
        if canvas is None:
            parts = self.following.split(avail_width, room)
        else:
            parts = self.following.splitOn(canvas, avail_width, room)
        if len(parts) >= 2 and isinstance(parts[0], ActionFlowable):
            # What follows breaks the page first (a KeepTogether too tall for the
            # space left): the heading goes over with it.
            return [parts[0], HeadingWithNext(self.heading, parts[1]), *parts[2:]]
        if len(parts) < 2 or self._wrap_part(parts[0], avail_width, room)[1] > room:
            return []  # nothing of what follows fits here: move both on
        return [HeadingWithNext(self.heading, parts[0]), *parts[1:]]

    def draw(self) -> None:
        self.heading.drawOn(self.canv, 0, self.height - self._head_height)
        width = self._follow_size[0]
        align = getattr(self.following, "hAlign", "LEFT")
        x = 0.0
        if align in ("CENTER", "CENTRE"):
            x = (self.width - width) / 2
        elif align == "RIGHT":
            x = self.width - width
        self.following.drawOn(self.canv, x, 0)


def keep_headings_with_next(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with every heading joined to the flowable after it (see above).

    Headings in a row (a heading, then a subheading, then a table) nest, so all of
    them stay with the table. A heading before a page break is left as it is.
    """
    out: list[Flowable] = []
    for flowable in reversed(story):
        following = out[0] if out else None
        if (
            is_heading(flowable)
            and following is not None
            and not isinstance(following, ActionFlowable)
        ):
            out[0] = HeadingWithNext(flowable, following)
        else:
            out.insert(0, flowable)
    return out


class NumberedCanvas(Canvas):
    """A canvas that holds every page back until the end to print "Page x of y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.draw_page_number(total)
            super().showPage()
        super().save()

    def draw_page_number(self, total: int) -> None:
        width, _ = self._pagesize
        self.setFont(FONT, FOOTER_SIZE)
        self.setFillColor(colors.black)
        self.drawRightString(width - MARGIN, MARGIN + 2, f"Page {self._pageNumber} of {total}")


class ReportDocument(BaseDocTemplate):
    """A ProvMap PDF: header and footer on every page, portrait and landscape templates.

    Override ``draw_header`` or ``draw_footer`` to change the decorations; call
    ``write`` (or the module's ``write_pdf``) to produce the file.
    """

    def __init__(
        self,
        filename: str | Path,
        info: ReportInfo,
        *,
        page_size: str = "A4",
        landscape_pages: bool = False,
    ) -> None:
        self.info = info
        self.page_size_name = page_size.upper()
        first = paper(page_size, landscape_pages=landscape_pages)
        super().__init__(
            str(filename),
            pagesize=first,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_HEIGHT,
            bottomMargin=MARGIN + FOOTER_HEIGHT,
            title=info.title,
            author=info.school_name,
            creator="ProvMap Desktop",
        )
        templates = [
            self._template(PORTRAIT, paper(page_size, landscape_pages=False)),
            self._template(LANDSCAPE, paper(page_size, landscape_pages=True)),
        ]
        # The first template is the one the story starts on.
        if landscape_pages:
            templates.reverse()
        self.addPageTemplates(templates)

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        width, height = size
        frame = Frame(
            MARGIN,
            MARGIN + FOOTER_HEIGHT,
            width - 2 * MARGIN,
            height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=f"{name}-frame",
        )
        return PageTemplate(id=name, frames=[frame], onPage=self._decorate, pagesize=size)

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        self.draw_header(canvas)
        self.draw_footer(canvas)
        canvas.restoreState()

    def draw_header(self, canvas: Canvas) -> None:
        """Title and period on the left, the school's name on the right, a rule below."""
        width, height = canvas._pagesize
        top = height - MARGIN
        canvas.setFont(FONT_BOLD, 13)
        canvas.drawString(MARGIN, top - 12, self.info.title)
        canvas.setFont(FONT, 9.5)
        if self.info.period_text:
            canvas.drawString(MARGIN, top - 25, self.info.period_text)
        if self.info.school_name:
            canvas.setFont(FONT_BOLD, 10)
            canvas.drawRightString(width - MARGIN, top - 12, self.info.school_name)
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, top - HEADER_HEIGHT + 6, width - MARGIN, top - HEADER_HEIGHT + 6)

    def draw_footer(self, canvas: Canvas) -> None:
        """A rule, "Printed dd/mm/yyyy" and any note (the canvas adds the page number)."""
        width, _ = canvas._pagesize
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, MARGIN + FOOTER_HEIGHT - 4, width - MARGIN, MARGIN + FOOTER_HEIGHT - 4)
        canvas.setFont(FONT, FOOTER_SIZE)
        canvas.drawString(MARGIN, MARGIN + 2, f"Printed {format_date(self.info.printed_on)}")
        if self.info.footer_note:
            canvas.drawCentredString(width / 2, MARGIN + 2, self.info.footer_note)

    @property
    def story_width(self) -> float:
        """Width of the frame on the first page template."""
        return float(self.pageTemplates[0].frames[0]._width)

    @property
    def story_height(self) -> float:
        """Height of the frame on the first page template."""
        return float(self.pageTemplates[0].frames[0]._height)

    def write(self, story: list[Flowable]) -> None:
        self.build(keep_headings_with_next(story), canvasmaker=NumberedCanvas)


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
