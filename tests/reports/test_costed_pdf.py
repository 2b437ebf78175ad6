"""The costed PDFs read back with pypdf: the hand-worked figures and the threshold words.

Figures are worked out by hand in ``tests/schools/costed.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from provmap_desktop.reports.costed_pdf import (
    threshold_bar,
    write_costed_pdf,
    write_pupil_costed_pdf,
)
from provmap_desktop.services.pupil_costing import pupil_costing
from tests.schools.costed import AS_OF, CostedSchool, costed_school

PRINTED = dt.date(2026, 9, 11)


@pytest.fixture
def school(session: Session) -> CostedSchool:
    return costed_school(session)


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_school_costed_map_has_provisions_totals_and_pages(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = write_costed_pdf(
        session,
        tmp_path / "costed.pdf",
        academic_year_id=school.year.id,
        as_of=AS_OF,
        printed_on=PRINTED,
    )
    text = text_of(out)
    assert "Costed provision map" in text
    assert "Test Primary" in text
    assert "Printed 11/09/2026" in text
    assert "Page 1 of" in text
    for figure in ("£227.00", "£108.00", "£119.00", "£27.00", "£6.00", "£18.00", "£3.00"):
        assert figure in text, figure
    for heading in ("By year group", "By area of need", "By wave", "By funding stream"):
        assert heading in text
    assert "£100.00 threshold: over by £19.00" in text
    assert "£100.00 threshold: £73.00 under" in text
    assert "Over budget" in text


def test_year_group_costed_map_holds_only_that_year_group(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = write_costed_pdf(
        session,
        tmp_path / "y5.pdf",
        academic_year_id=school.year.id,
        year_group_id=school.year5.id,
        as_of=AS_OF,
    )
    text = text_of(out)
    assert "Costed provision map: Year 5" in text
    assert "Lego therapy" in text
    assert "Precision Teaching" not in text
    assert "£227.00" not in text


def test_term_costed_map(session: Session, school: CostedSchool, tmp_path: Path) -> None:
    out = write_costed_pdf(
        session, tmp_path / "autumn.pdf", academic_year_id=school.year.id, term_name="Autumn"
    )
    text = text_of(out)
    assert "2026/27, Autumn term" in text
    assert "Lego therapy" not in text.split("Pupils at or near")[0]


def test_pupil_costed_map_shows_shares_dates_and_the_threshold_line(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    eve = write_pupil_costed_pdf(
        session,
        tmp_path / "eve.pdf",
        academic_year_id=school.year.id,
        pupil_id=school.eve.id,
        as_of=AS_OF,
    )
    text = text_of(eve)
    assert "Costed provision map: Eve Evans" in text
    assert "04/01/2027" in text
    assert "£119.00" in text
    assert "£100.00 threshold: over by £19.00" in text
    assert "Page 1 of 1" in text

    ava = write_pupil_costed_pdf(
        session,
        tmp_path / "ava.pdf",
        academic_year_id=school.year.id,
        pupil_id=school.year4_pupils[0].id,
        as_of=AS_OF,
    )
    text = text_of(ava)
    assert "£27.00" in text
    assert "£100.00 threshold: £73.00 under" in text


def test_a_pupil_who_joins_half_way_pays_half_a_share(
    session: Session, school: CostedSchool
) -> None:
    # The 12-week group runs 7 weeks before half-term and 5 after; joining on Monday
    # 19/10/2026 leaves 6 of the 12 weeks (30 of 60 teaching days): half of £27.00.
    ava = school.year4_pupils[0]
    membership = next(m for m in school.precision.memberships if m.pupil_id == ava.id)
    membership.join_date = dt.date(2026, 10, 19)
    session.flush()
    costing = pupil_costing(session, school.year.id, ava.id, as_of=AS_OF)
    (line,) = costing.lines
    assert line.planned == Decimal("13.50")
    assert line.joined == dt.date(2026, 10, 19)
    assert sum(line.by_term.values()) == line.planned
    assert costing.threshold_text == "£100.00 threshold: £86.50 under"


def test_threshold_bar_marks_the_threshold_and_says_both_amounts() -> None:
    drawing = threshold_bar(Decimal("6412"), Decimal("6000"), width=400)
    labels = [item.text for item in drawing.contents if hasattr(item, "text")]
    assert "threshold £6,000.00" in labels
    assert "annual total £6,412.00" in labels
    bars = [item for item in drawing.contents if type(item).__name__ == "Rect"]
    # The filled bar is longer than the threshold mark's position: over.
    assert bars[1].width > 400 * 6000 / (6412 * 1.15)


def test_the_costed_map_says_when_a_one_to_one_group_holds_several_pupils(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    from tests.schools.costed import add_member

    for pupil in school.year4_pupils[:2]:
        add_member(session, school.lego, pupil)
    out = write_costed_pdf(
        session, tmp_path / "costed.pdf", academic_year_id=school.year.id, as_of=AS_OF
    )
    text = " ".join(text_of(out).split())
    assert "Lego Eve (Lego therapy): 1:1 group with 3 pupils: each costs the full session" in text
    # The method at the foot follows the engine: weeks are teaching days / 5, capped.
    assert "teaching days in the group's dates ÷ 5" in text
    assert "pro rata" not in text


# -- the governors' page ---------------------------------------------------------------

PUPIL_NAMES = ("Ava", "Adams", "Ben", "Brown", "Cal", "Cole", "Dan", "Dale", "Eve", "Evans")


def _sizes(pdf: Path) -> list[float]:
    sizes: list[float] = []
    for page in PdfReader(pdf).pages:

        def visit(text, cm, tm, _font, size):  # type: ignore[no-untyped-def]
            if text.strip():
                sizes.append(size * abs(tm[3]) * abs(cm[3]))

        page.extract_text(visitor_text=visit)
    return sizes


def test_the_governors_version_is_one_page_of_totals_with_no_pupil_names(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = write_costed_pdf(
        session,
        tmp_path / "governors.pdf",
        academic_year_id=school.year.id,
        as_of=AS_OF,
        printed_on=PRINTED,
        governors=True,
    )
    pages = PdfReader(out).pages
    assert len(pages) == 1
    text = text_of(out)
    assert "governors" in text.lower()
    # Worked by hand in tests/schools/costed.py: £227.00 planned, £6.00 to date.
    assert "£227.00" in text
    assert "£6.00" in text
    # By area: Cognition and learning £108.00 (£6.00 to date); SEMH £119.00.
    assert "Cognition and learning" in text
    assert "£108.00" in text
    assert "£119.00" in text
    # By year group: Year 4 £108.00, Year 5 £119.00.
    assert "Year 4" in text
    assert "Year 5" in text
    # Funding streams against budget: Notional SEN £100.00 budget, £108.00 planned,
    # £8.00 over; High needs top-up £500.00 budget, £119.00 planned, £381.00 left.
    assert "Notional SEN" in text
    assert "£8.00 over" in text
    assert "£381.00 under" in text
    # Eve alone is at or over the £100.00 threshold: a number, never a name.
    assert "Pupils at or over the £100.00 threshold: 1" in text
    words = set(text.replace("\n", " ").split())
    assert not words & set(PUPIL_NAMES)
    assert min(_sizes(out)) >= 9 - 1e-6


def _placed_text(page: object) -> list[tuple[float, float, str, bool]]:
    """Each piece of text on ``page`` with its x, y and whether it is a table heading.

    Heading cells are the only text set in bold at 8.5 pt.
    """
    placed: list[tuple[float, float, str, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict, size: float) -> None:
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        bold = font is not None and font.get("/BaseFont") == "/Helvetica-Bold"
        if text.strip():
            placed.append((round(x, 1), y, text.strip(), bold and abs(size - 8.5) < 0.01))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return placed


def _groups_table_header(pdf: Path) -> list[str]:
    """The heading cells of the PDF's groups table, left to right, read from positions.

    A heading that wraps is put back together from its lines, which share the cell's
    left edge.
    """
    for page in PdfReader(pdf).pages:
        placed = _placed_text(page)
        title = [y for _, y, text, _ in placed if text.startswith("Groups, and how each")]
        if not title:
            continue
        below = [(x, y, text) for x, y, text, heading in placed if heading and y < title[0]]
        top = max(y for _, y, _ in below)
        cells: dict[float, list[tuple[float, str]]] = {}
        for x, y, text in below:
            if top - y < 25:  # the heading row: at most three lines of 10.4 pt
                cells.setdefault(x, []).append((y, text))
        return [" ".join(t for _, t in sorted(cells[x], reverse=True)) for x in sorted(cells)]
    raise AssertionError("the PDF has no groups table")


def test_the_pdf_and_the_workbook_name_the_costed_map_columns_in_one_order(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from provmap_desktop.services.costed_columns import COSTED_MAP_COLUMNS
    from provmap_desktop.services.exporting import export_costed_xlsx

    pdf = write_costed_pdf(
        session, tmp_path / "costed.pdf", academic_year_id=school.year.id, as_of=AS_OF
    )
    xlsx = export_costed_xlsx(
        session, tmp_path / "costed.xlsx", academic_year_id=school.year.id, as_of=AS_OF
    )
    sheet = load_workbook(xlsx, read_only=True)["Costed map"]
    workbook_header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    pdf_header = _groups_table_header(pdf)

    # The workbook holds every column; the page leaves out those marked spreadsheet-only
    # and keeps the rest in the workbook's order, under the same headings.
    spreadsheet_only = {c.heading for c in COSTED_MAP_COLUMNS if c.pdf_share is None}
    assert workbook_header == [c.heading for c in COSTED_MAP_COLUMNS]
    assert pdf_header == [h for h in workbook_header if h not in spreadsheet_only]
    assert pdf_header[:2] == ["Provision", "Group"]
    assert {"Starts", "Ends", "Planned cost", "Cost to date", "Pupils"} <= set(pdf_header)
