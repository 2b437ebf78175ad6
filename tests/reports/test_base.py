"""The shared document base: decorations on every page, orientation, tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import NextPageTemplate, PageBreak

from provmap_desktop.reports.base import STYLES, continued, make_table, para, write_pdf
from provmap_desktop.reports.page import LANDSCAPE, ReportInfo

INFO = ReportInfo(
    title="Section F check",
    school_name="Oakfield Primary",
    period_text="2026/27",
    printed_on=dt.date(2027, 1, 5),
    footer_note="Confidential",
)


def test_long_table_repeats_its_header_and_every_page_is_decorated(tmp_path):
    rows = [[f"Row {i:03d}", "a long cell " * 8] for i in range(150)]
    path = write_pdf(tmp_path / "t.pdf", INFO, [make_table(["Name", "Notes"], rows, [100, 300])])
    pages = [p.extract_text() for p in PdfReader(path).pages]
    assert len(pages) > 2
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in text
        assert "Section F check" in text
        assert "Oakfield Primary" in text
        assert "2026/27" in text
        assert "Printed 05/01/2027" in text
        assert "Confidential" in text
        assert "Name" in text
        assert "Notes" in text
    everything = "\n".join(pages)
    assert all(f"Row {i:03d}" in everything for i in range(150))


def test_story_can_turn_to_landscape_pages(tmp_path):
    story = [para("first"), NextPageTemplate(LANDSCAPE), PageBreak(), para("second")]
    path = write_pdf(tmp_path / "t.pdf", INFO, story, page_size="A4")
    first, second = PdfReader(path).pages
    assert first.mediabox.height > first.mediabox.width
    assert second.mediabox.width > second.mediabox.height
    assert "Page 2 of 2" in second.extract_text()


def test_a_row_taller_than_a_page_splits_and_repeats_its_label(tmp_path):
    names = [para(f"Name {i:03d}") for i in range(120)]

    def story(doc):  # type: ignore[no-untyped-def]
        label = continued(para("Reading club"), "Reading club (continued)")
        return [
            make_table(
                ["Provision", "Pupils"],
                [[label, names]],
                [150, 200],
                frame_height=doc.story_height,
            )
        ]

    path = write_pdf(tmp_path / "t.pdf", INFO, story)
    pages = [p.extract_text() for p in PdfReader(path).pages]
    assert len(pages) >= 2
    assert "Reading club (continued)" in pages[1]
    everything = "\n".join(pages)
    assert all(f"Name {i:03d}" in everything for i in range(120))


# -- headings stay with what follows them ------------------------------------------------


def _last_body_lines(pdf: Path) -> list[str]:
    """The lowest line of text above the footer on each page."""
    from reportlab.lib.units import mm

    lowest: list[str] = []
    for page in PdfReader(pdf).pages:
        found: list[tuple[float, str]] = []

        def visit(text, cm, tm, _font, _size, found=found):  # type: ignore[no-untyped-def]
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > 12 * mm + 9 * mm:  # above the footer rule
                found.append((y, text.strip()))

        page.extract_text(visitor_text=visit)
        lowest.append(min(found)[1] if found else "")
    return lowest


@pytest.mark.parametrize("style", ["heading", "subheading"])
@pytest.mark.parametrize("filler", range(36, 48))
def test_a_heading_never_ends_a_page(tmp_path: Path, filler: int, style: str) -> None:
    # Filler lines push the heading down the page a line at a time; somewhere in this
    # range it would land last on page 1 if nothing kept it with its table.
    story: list[object] = [para(f"Filler line {i}", "body") for i in range(filler)]
    story.append(para("Heading to keep", style))
    story.append(
        make_table(["Provision", "Cost"], [[f"Row {i}", "£1.00"] for i in range(60)], [200, 80])
    )
    out = write_pdf(tmp_path / "r.pdf", ReportInfo(title="T"), story)
    assert "Heading to keep" not in _last_body_lines(out)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for i in range(60):
        assert f"Row {i}\n" in text or f"Row {i} " in text


def test_short_cells_are_drawn_as_text_and_long_ones_still_wrap(tmp_path: Path) -> None:
    long_text = "A description long enough that it cannot fit on one line of the column"
    table = make_table(
        ["Provision", "Cost"],
        [["Lego therapy", "£1,234.00"], [long_text, "£5.00"]],
        [120, 60],
        align_right=(1,),
    )
    cells = table._cellvalues  # what ReportLab will lay out
    # One-line cells need no paragraph (quick to lay out, same text in the PDF) ...
    assert cells[1][0] == "Lego therapy"
    assert cells[1][1] == "£1,234.00"
    # ... a cell too wide for its column is laid out as a paragraph, so it wraps.
    _width, height = cells[2][0][0].wrap(114, 1000)
    assert height == 3 * STYLES["cell"].leading  # "A description long enough" / ...
    out = write_pdf(tmp_path / "t.pdf", ReportInfo(title="T"), [table])
    text = PdfReader(out).pages[0].extract_text()
    assert "Lego therapy" in text
    assert "£1,234.00" in text
    assert "cannot fit on" in text
    # The money column stays right-aligned: its right edges line up.
    edges: list[float] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if text.strip().startswith("£"):
            edges.append(tm[4] + stringWidth(text.strip(), "Helvetica", size))

    PdfReader(out).pages[0].extract_text(visitor_text=visit)
    assert len(edges) == 2
    assert abs(edges[0] - edges[1]) < 0.5
