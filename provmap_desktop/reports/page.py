"""The page every ProvMap PDF is printed on: paper, margins, header and footer.

A report module makes a ``ReportInfo`` (title, school, period); ``ReportDocument``
puts on every page the school name, the report's title and period, "Printed
dd/mm/yyyy" and "Page x of y". Page templates exist for portrait and landscape on
the chosen paper (A4 or A3); a story can switch between them with
``NextPageTemplate(PORTRAIT)`` / ``NextPageTemplate(LANDSCAPE)`` before a
``PageBreak``. Subclass ``ReportDocument`` to change the page decorations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ..services.formatting import format_date
from .headings import keep_headings_with_next

PORTRAIT = "portrait"
LANDSCAPE = "landscape"
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "A3": A3}
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
MARGIN = 12 * mm
HEADER_HEIGHT = 16 * mm
FOOTER_HEIGHT = 9 * mm
GRID_COLOUR = colors.HexColor("#9a9a9a")
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


class NumberedCanvas(Canvas):
    """A canvas that holds every page back until the end to print "Page x of y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        """Keep the finished page to draw again when the total is known."""
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Draw every kept page with its page number, then write the file."""
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.draw_page_number(total)
            super().showPage()
        super().save()

    def draw_page_number(self, total: int) -> None:
        """Print "Page x of y" at the right of the footer."""
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
        """A page template of the given size with one frame inside the margins."""
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

    def _decorate(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        """Draw the header and footer on the page just started."""
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
        """Build the story into the file, headings kept with what follows."""
        self.build(keep_headings_with_next(story), canvasmaker=NumberedCanvas)
