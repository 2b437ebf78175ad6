"""The large bench school's PDFs, read back: nothing lost, nothing named that should not be.

The school comes from ``bench.generate_school`` (2,000 pupils, 150 provisions, five
years); the whole current year is printed, as the benchmark does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.generate_school import generate
from provmap_desktop.models import AcademicYear, Pupil
from provmap_desktop.reports.costed_pdf import write_costed_pdf
from provmap_desktop.reports.map_pdf import write_map_pdf
from provmap_desktop.services.provision_map import build_map
from provmap_desktop.storage import open_database

AS_OF = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, int, Path]]:
    folder = tmp_path_factory.mktemp("bench")
    path = folder / "bench.provmap"
    generate(path)
    db = open_database(path, read_only=True)
    with db.session_factory() as session:
        year = session.scalars(
            select(AcademicYear).order_by(AcademicYear.start_date.desc())
        ).first()
        assert year is not None
        yield session, year.id, folder
    db.close()


def test_every_pupil_on_the_large_map_is_in_the_pdf_in_under_60_pages(bench) -> None:  # type: ignore[no-untyped-def]
    session, year_id, folder = bench
    snapshot = build_map(session, year_id, None)
    names = {m.display_name for g in snapshot.groups.values() for m in g.members}
    assert len(names) > 400
    out = write_map_pdf(session, folder / "map.pdf", academic_year_id=year_id)
    pages = PdfReader(out).pages
    assert len(pages) <= 60
    text = "\n".join(page.extract_text() for page in pages)
    missing = [name for name in names if name not in text]
    assert missing == []


def test_the_governors_summary_of_the_large_school_names_no_pupil(bench) -> None:  # type: ignore[no-untyped-def]
    session, year_id, folder = bench
    out = write_costed_pdf(
        session, folder / "governors.pdf", academic_year_id=year_id, as_of=AS_OF, governors=True
    )
    pages = PdfReader(out).pages
    assert len(pages) == 1
    words = set(pages[0].extract_text().replace("\n", " ").split())
    people = set()
    for forename, surname in session.execute(select(Pupil.forename, Pupil.surname)):
        people |= {forename, surname}
    assert not words & people


def test_no_page_of_the_large_costed_map_ends_with_a_heading(bench) -> None:  # type: ignore[no-untyped-def]
    session, year_id, folder = bench
    out = write_costed_pdf(session, folder / "costed.pdf", academic_year_id=year_id, as_of=AS_OF)
    headings: set[str] = set()
    lowest: list[tuple[str, float]] = []
    for page in PdfReader(out).pages:
        found: list[tuple[float, str, float]] = []

        def visit(text, cm, tm, _font, size, found=found):  # type: ignore[no-untyped-def]
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > 12 * mm + 9 * mm:  # above the footer
                found.append((y, text.strip(), size * abs(tm[3])))

        page.extract_text(visitor_text=visit)
        headings |= {text for _y, text, size in found if size >= 10.5}
        _y, text, size = min(found)
        lowest.append((text, size))
    assert len(lowest) > 5
    assert headings
    # The heading sizes (13 pt and 10.5 pt) are never the last thing on a page.
    assert [text for text, size in lowest if size >= 10.5] == []
