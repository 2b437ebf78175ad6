"""Plain text in table cells is drawn straight onto the page, where ReportLab puts it.

ReportLab saves the canvas's state, moves its origin and restores it again around
every flowable it draws; a batch of 500 profiles drew some 15,000 texts that way.
``PlainText`` draws its lines at their place on the page instead, and ``QuickTable``
places a cell of them without measuring them again. ReportLab's own way of drawing
the same story is the reference: every character must land in the same place, in the
same font and colour, and what is drawn after them must not change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from provmap_desktop.reports.base import STYLES, make_table, para, write_pdf
from provmap_desktop.reports.page import ReportInfo
from provmap_desktop.reports.plain_text import PlainText, plain_text

RED = ParagraphStyle("red", parent=STYLES["cell"], textColor=colors.HexColor("#aa1111"))
RIGHT = ParagraphStyle("right", parent=STYLES["cell_bold"], alignment=TA_RIGHT)
CENTRE = ParagraphStyle("centre", parent=STYLES["cell"], alignment=TA_CENTER)


class _DrawnByReportLab(PlainText):
    """The same text drawn the usual way: state saved, origin moved, state restored."""

    draws_lines_directly = False

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        Flowable.drawOn(self, canvas, x, y, _sW)


def _story(text_class: type[PlainText], rows: int = 12) -> list[Flowable]:
    def text(value: str, style: ParagraphStyle) -> Flowable:
        made = plain_text(value, style)
        return text_class(made.text, made.style) if isinstance(made, PlainText) else made

    body = [
        [
            [text(f"Provision {r}", STYLES["cell_bold"]), text("Cognition and learning", RED)],
            text("Mr Ahmed  and   Mrs  Jones, with the squeezed spaces of a paragraph", CENTRE),
            "A plain string, drawn in the cell's own font",
            [text(f"£{r},234.00", RIGHT)],
        ]
        for r in range(rows)
    ]
    header = [text(h, STYLES["header_cell"]) for h in ("Support", "Who", "Note", "Cost")]
    return [
        text("Before the table", STYLES["body"]),
        make_table(header, body, [120, 150, 160, 70]),
        para("After the table, in the body style", "body"),
    ]


def _characters(path: Path) -> list[tuple[Any, ...]]:
    with pdfplumber.open(path) as pdf:
        return [
            (
                page.page_number,
                c["text"],
                round(c["x0"], 4),
                round(c["top"], 4),
                c["fontname"],
                round(c["size"], 4),
                c["non_stroking_color"],
            )
            for page in pdf.pages
            for c in page.chars
        ]


def test_plain_text_in_cells_lands_where_reportlab_draws_it(tmp_path: Path) -> None:
    info = ReportInfo(title="Drawn")
    ours = write_pdf(tmp_path / "ours.pdf", info, _story(PlainText, rows=60))
    theirs = write_pdf(tmp_path / "theirs.pdf", info, _story(_DrawnByReportLab, rows=60))
    found, expected = _characters(ours), _characters(theirs)
    assert len({c[0] for c in expected}) >= 2  # the table runs over a page
    assert found == expected
    text = "".join(c[1] for c in found)
    assert "£59,234.00" in text
    assert "After the table, in the body style" in text


def _saved_states(path: Path) -> int:
    """How many times the pages save the graphics state (PDF's ``q`` operator)."""
    return sum(p.get_contents().get_data().split().count(b"q") for p in PdfReader(path).pages)


def test_a_cell_of_plain_text_saves_no_canvas_state(tmp_path: Path) -> None:
    info = ReportInfo(title="States")
    few = _saved_states(write_pdf(tmp_path / "few.pdf", info, _story(PlainText, rows=2)))
    many = _saved_states(write_pdf(tmp_path / "many.pdf", info, _story(PlainText, rows=20)))
    usual = _saved_states(write_pdf(tmp_path / "u.pdf", info, _story(_DrawnByReportLab, rows=20)))
    assert many == few  # the page and the table save it; no cell does
    assert usual >= few + 20 * 4  # four texts a row, each saved and restored


def test_tables_styled_alike_share_their_cell_styles() -> None:
    first = make_table(["A", "B"], [["1", "2"], ["3", "4"]], [50, 50], align_right=(1,))
    second = make_table(["C", "D"], [["5", "6"]], [50, 50], align_right=(1,))
    other = make_table(["E", "F"], [["7", "8"]], [50, 50])
    assert first._cellStyles[1][1] is second._cellStyles[1][1]
    assert first._cellStyles[0][0] is second._cellStyles[0][0]
    assert other._cellStyles[1][1] is not first._cellStyles[1][1]
    assert first._cellStyles[1][1].alignment == "RIGHT"
    assert other._cellStyles[1][1].alignment == "LEFT"
