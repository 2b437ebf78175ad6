"""Plain text breaks its lines where a ReportLab ``Paragraph`` would, and draws them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from provmap_desktop.reports.base import STYLES, make_table, write_pdf
from provmap_desktop.reports.page import ReportInfo
from provmap_desktop.reports.plain_text import PlainText, plain_text

TEXTS = [
    "Lego therapy",
    "Needs a quiet space to start the day; likes to help set up the room and hand out books",
    "Speech and language therapy with the NHS therapist, reviewed every half term",
    "Short\nlines kept\n\nwith a blank one between",
    "Mr Ahmed  and   Mrs  Jones (spaces squeezed as a paragraph squeezes them)",
    "Ms Wiśniewska-Ó'Brien: £1,234.00 – “quoted” & <angled> text",
]
WIDTHS = [40.0, 73.5, 120.0, 171.0, 260.0]


def _paragraph_lines(text: str, style: ParagraphStyle, width: float) -> list[str]:
    """The lines ReportLab's own Paragraph makes of the same text."""
    from xml.sax.saxutils import escape

    markup = "<br/>".join(escape(line) for line in text.split("\n"))
    paragraph = Paragraph(markup, style)
    paragraph.wrap(width, 10_000)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return [" ".join(words) for _spare, words in lines]
    # Mark-up (line breaks, entities) gives lines of fragments, spaces kept inside them.
    return [" ".join("".join(getattr(w, "text", "") for w in line.words).split()) for line in lines]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("style_name", ["cell", "body", "cell_bold", "subheading"])
def test_lines_break_where_a_paragraph_breaks_them(text: str, style_name: str) -> None:
    style = STYLES[style_name]
    for width in WIDTHS:
        flowable = plain_text(text, style)
        theirs = _paragraph_lines(text, style, width)
        if not isinstance(flowable, PlainText):
            continue  # handed to a Paragraph: the same by definition
        _w, height = flowable.wrap(width, 10_000)
        if flowable._lines is None:
            continue  # a word wider than the line: a Paragraph lays it out
        ours = [" ".join(words) for words, _spare in flowable._lines]
        assert ours == theirs, (width, text)
        assert height == len(theirs) * style.leading


def test_an_over_long_word_is_left_to_a_paragraph() -> None:
    flowable = plain_text("Supercalifragilisticexpialidocious", STYLES["cell"])
    _w, height = flowable.wrap(30, 1000)
    assert height > STYLES["cell"].leading  # split over lines, never running out of its cell


def test_a_long_cell_splits_between_lines_across_pages(tmp_path: Path) -> None:
    lines = [f"Line {i} of a long answer that runs on" for i in range(150)]
    table = make_table(["Answer"], [[plain_text("\n".join(lines), STYLES["cell"])]], [200])
    out = write_pdf(tmp_path / "t.pdf", ReportInfo(title="Long"), [table])
    pages = PdfReader(out).pages
    assert len(pages) >= 2
    text = "\n".join(p.extract_text() for p in pages)
    for i in range(150):
        assert f"Line {i} of a long answer that runs on" in text


def test_right_aligned_text_ends_at_the_right_edge(tmp_path: Path) -> None:
    style = ParagraphStyle("r", parent=STYLES["cell"], alignment=TA_RIGHT)
    out = write_pdf(tmp_path / "r.pdf", ReportInfo(title="R"), [plain_text("£5.00", style)])
    starts: list[float] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        if "£5.00" in text:
            starts.append(tm[4])

    PdfReader(out).pages[0].extract_text(visitor_text=visit)
    assert starts
    assert starts[0] > 400  # pushed to the right of an A4 frame, not at its left margin
