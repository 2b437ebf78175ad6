"""``small_table`` prints the page ``make_table`` prints, with less work.

ReportLab's ``Table`` (through ``make_table``) is the reference: the same story built
with either must put every character, fill and line in the same place, font and
colour, including a table that runs over a page (handed over to the full table,
header repeated).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table

from provmap_desktop.reports.base import make_table, para, small_table, write_pdf
from provmap_desktop.reports.page import ReportInfo, frame_size
from provmap_desktop.reports.profile_pdf import _section_table
from provmap_desktop.reports.small_table import SmallTable

FILL = colors.HexColor("#eef3ea")
EXTRA = [
    ("BACKGROUND", (0, 0), (-1, 0), FILL),
    ("TOPPADDING", (0, 1), (-1, -1), 4),
    ("LEFTPADDING", (0, 0), (-1, -1), 5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 5),
]


def _lines(text: str) -> list[Flowable]:
    return [para(line, "body") for line in text.split("\n")]


def _story(table: Any) -> list[Flowable]:
    width = frame_size()[0]
    long_answer = "\n".join(
        f"Line {i}: needs a quiet start and a visual timetable" for i in range(90)
    )
    story: list[Flowable] = [para("Profile", "title")]
    for n, cells in enumerate(
        [
            [_lines("Kind, funny; always helps a friend")],
            [_lines("Reading with an adult\nMaths games"), _lines("Not recorded yet.")],
            [_lines(long_answer)],
            [[para("", "body")], _lines("Short")],
        ]
    ):
        header = [para(f"Section {n} heading", "header_cell") for _ in cells]
        story.append(
            table(
                header,
                [cells],
                [width / len(cells)] * len(cells),
                extra_style=EXTRA,
                frame_height=frame_size()[1],
            )
        )
        story.append(Spacer(0, 5))
    return story


def _pages(path: Path) -> list[dict[str, list[tuple[Any, ...]]]]:
    """Each page's characters, fills and lines: where, and in what font and colour."""

    def at(item: dict[str, Any], *keys: str) -> tuple[Any, ...]:
        return tuple(round(v, 3) if isinstance(v, float) else v for v in map(item.get, keys))

    box = ("x0", "top", "x1", "bottom")
    with pdfplumber.open(path) as pdf:
        return [
            {
                "chars": [
                    at(c, "text", "fontname", "size", "non_stroking_color", *box)
                    for c in page.chars
                ],
                "rects": [at(r, "fill", "non_stroking_color", *box) for r in page.rects],
                "lines": [at(ln, "linewidth", "stroking_color", *box) for ln in page.lines],
            }
            for page in pdf.pages
        ]


def test_a_small_table_prints_what_make_table_prints(tmp_path: Path) -> None:
    info = ReportInfo(title="Tables")
    ours = _pages(write_pdf(tmp_path / "ours.pdf", info, _story(small_table)))
    theirs = _pages(write_pdf(tmp_path / "theirs.pdf", info, _story(make_table)))
    assert len(theirs) >= 2  # the long answer runs over a page, its header repeated
    assert ours == theirs
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "ours.pdf").pages)
    assert "Line 89: needs a quiet start" in text
    assert text.count("Section 2 heading") >= 2


def test_only_plain_text_tables_are_small() -> None:
    width = [100.0, 100.0]
    assert isinstance(
        small_table([para("A"), para("B")], [[_lines("x"), _lines("y")]], width), SmallTable
    )
    # Strings, right-aligned columns or lines other than the grid: the full table.
    assert isinstance(small_table(["A", "B"], [["x", "y"]], width), Table)
    assert isinstance(
        small_table(
            [para("A"), para("B")],
            [[_lines("x"), _lines("y")]],
            width,
            extra_style=[("LINEBELOW", (0, 0), (-1, 0), 1, colors.black)],
        ),
        Table,
    )
    assert isinstance(
        small_table(
            [para("A"), para("B")],
            [[_lines("x"), _lines("y")]],
            width,
            extra_style=[("ALIGN", (1, 1), (1, -1), "RIGHT")],
        ),
        Table,
    )


def test_a_profile_section_is_a_small_table() -> None:
    """A batch of 500 profiles prints 3,500 of them: each is a ``SmallTable``."""
    section = _section_table((("strengths", "My strengths"), ("needs", "My needs")), None, 500)
    assert isinstance(section, SmallTable)
