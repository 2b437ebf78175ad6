"""``QuickTable`` and ``draw_string`` do less work than ReportLab and print the same page.

ReportLab's own ``Table`` and ``drawString`` are the reference: the same story built
with either must give byte-identical page contents.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from provmap_desktop.reports.quick_table import (
    QuickTable,
    draw_string,
    own_ranges,
    shared_cell_styles,
)

STYLE_ATTRIBUTES = (
    "fontname",
    "fontsize",
    "leading",
    "leftPadding",
    "rightPadding",
    "topPadding",
    "bottomPadding",
    "color",
    "alignment",
    "valign",
)


def test_own_ranges_lists_every_cell_column_by_column() -> None:
    assert list(own_ranges(2, 3).items()) == [
        ((0, 0), (0, 0, 0, 0)),
        ((0, 1), (0, 1, 0, 1)),
        ((0, 2), (0, 2, 0, 2)),
        ((1, 0), (1, 0, 1, 0)),
        ((1, 1), (1, 1, 1, 1)),
        ((1, 2), (1, 2, 1, 2)),
    ]
    # A bigger table of the same width afterwards, then a smaller one again.
    assert len(own_ranges(2, 200)) == 400
    assert list(own_ranges(2, 1)) == [(0, 0), (1, 0)]
    assert own_ranges(0, 5) == {}


COMMANDS = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("FONT", (0, 1), (-1, -1), "Helvetica", 8, 9.76),
    ("ALIGN", (2, 1), (2, -1), "RIGHT"),
    ("TEXTCOLOR", (1, 3), (1, 3), colors.red),
    ("BACKGROUND", (0, -1), (-1, -1), colors.lightgrey),
]


def test_shared_styles_are_the_styles_reportlab_gives_each_cell() -> None:
    rows, cols = 6, 3
    styles, rest = shared_cell_styles(rows, cols, COMMANDS)
    assert styles is not None
    assert [c[0] for c in rest] == ["GRID", "BACKGROUND"]
    reference = Table([["x"] * cols for _ in range(rows)], style=TableStyle(COMMANDS))
    for r in range(rows):
        for c in range(cols):
            for name in STYLE_ATTRIBUTES:
                ours, theirs = (
                    getattr(styles[r][c], name),
                    getattr(reference._cellStyles[r][c], name),
                )
                assert ours == theirs, (r, c, name)
    # Body rows 1, 2, 4 and 5 are styled by the same commands and share their styles;
    # row 3 has its own red cell, the header its own.
    assert styles[1][0] is styles[2][0] is styles[4][0] is styles[5][0]
    assert styles[3][1] is not styles[1][1]
    assert styles[0][0] is not styles[1][0]
    # Each row is its own list, as ReportLab inserts into and slices them.
    assert styles[1] is not styles[2]


@pytest.mark.parametrize(
    "command",
    [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, "splitlast"), (-1, "splitlast"), "Helvetica-Bold"),
    ],
)
def test_styles_are_not_shared_where_reportlab_changes_one_cell_later(command: tuple) -> None:
    styles, rest = shared_cell_styles(4, 2, [*COMMANDS, command])
    assert styles is None
    assert rest == [*COMMANDS, command]


@pytest.mark.parametrize(
    "text",
    ["£27.00", "Zoë O'Brien (from 03/02/2027)", "a (b) c\\d", "Cost – “quoted” €5", "", "Łukasz"],
)
@pytest.mark.parametrize("right", [False, True])
def test_draw_string_writes_what_reportlab_writes(text: str, right: bool) -> None:
    theirs, ours = Canvas(io.BytesIO()), Canvas(io.BytesIO())
    for canvas in (theirs, ours):
        canvas.setFont("Helvetica-Bold", 8, 9.76)
    (theirs.drawRightString if right else theirs.drawString)(100.5, 200.25, text)
    draw_string(ours, 100.5, 200.25, text, right=right)
    assert ours._code == theirs._code


def _pdf(table_class: type[Table]) -> list[bytes]:
    """A 120-row table over several pages, with spanned and kept-together rows."""
    data = [["Provision", "Pupils", "Cost"]]
    style = list(COMMANDS)
    for r in range(1, 121):
        if r % 25 == 1:
            data.append([f"Area {r}", "", ""])
            style += [("SPAN", (0, r), (-1, r)), ("NOSPLIT", (0, r), (-1, r + 1))]
        else:
            data.append(
                [f"Provision {r}", "Pupil A\nPupil B" if r % 7 == 0 else "Pupil", f"£{r}.00"]
            )
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    table = table_class(data, colWidths=[200, 150, 80], repeatRows=1, style=TableStyle(style))
    doc.build([table])
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def test_a_quick_table_over_several_pages_prints_what_a_table_prints() -> None:
    theirs, ours = _pdf(Table), _pdf(QuickTable)
    assert len(theirs) >= 3
    assert ours == theirs
