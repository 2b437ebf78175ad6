"""The whole-school map PDF, read back with pypdf: names under the right headings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from provmap_desktop.models import Provision
from provmap_desktop.reports.base import make_table, write_pdf
from provmap_desktop.reports.map_pdf import hours_text, write_map_pdf
from provmap_desktop.reports.page import ReportInfo
from provmap_desktop.services.provision_map import MapFilters
from tests.schools.map_school import AUTUMN, MapSchool, add_group, add_pupil, join, map_school

PRINTED = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class Word:
    text: str
    x: float
    y: float
    page: int


#: Names run on in a cell, separated by commas (never the comma inside a note).
NAME_SEPARATOR = re.compile(r",\s+(?![^()]*\))")


def words(path: Path) -> list[Word]:
    """Every piece of text drawn in the PDF with where it was drawn.

    A line of names run on ("Ava Adams, Ben Baker") gives one word per name, each
    placed where the line starts (same cell, same row).
    """
    found: list[Word] = []
    for number, page in enumerate(PdfReader(path).pages, start=1):

        def visit(text, cm, tm, _font, _size, number=number):  # type: ignore[no-untyped-def]
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                for part in NAME_SEPARATOR.split(text.strip()):
                    found.append(Word(part.strip(), x, y, number))

        page.extract_text(visitor_text=visit)
    return found


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def find(all_words: list[Word], text: str, page: int | None = None) -> Word:
    hits = [w for w in all_words if w.text == text and (page is None or w.page == page)]
    assert hits, f"{text!r} is not in the PDF"
    return hits[0]


def column_of(all_words: list[Word], word: Word) -> str:
    """The header of the column the word sits in (headers are on the same page)."""
    headers = [
        w
        for w in all_words
        if w.page == word.page
        and w.text in {"Provision", "Reception", "Year 1", "Year 2", "Year 3", "Total"}
    ]
    top = max(h.y for h in headers)
    row = sorted((h for h in headers if abs(h.y - top) < 1), key=lambda h: h.x)
    left = [h for h in row if h.x <= word.x + 0.5]
    return left[-1].text


def provision_of(all_words: list[Word], word: Word, names: list[str]) -> str:
    """The provision whose row the word is in: the nearest provision name above it."""
    above = [
        w for w in all_words if w.page == word.page and w.text in names and w.y >= word.y - 0.5
    ]
    return min(above, key=lambda w: w.y).text


@pytest.fixture
def school(session: Session) -> MapSchool:
    return map_school(session)


def write(session: Session, school: MapSchool, tmp_path: Path, **kw: object) -> Path:
    options: dict[str, object] = {
        "academic_year_id": school.year.id,
        "term_name": "Autumn",
        "printed_on": PRINTED,
    }
    options.update(kw)
    return write_map_pdf(session, tmp_path / "map.pdf", **options)  # type: ignore[arg-type]


PROVISIONS = ["Talk Boost", "Lego therapy", "Old reading scheme", "Precision Teaching"]


def test_pupils_appear_under_their_provision_and_year_group(session, school, tmp_path):
    path = write(session, school, tmp_path)
    found = words(path)
    for name, provision, year_group in [
        ("Ava Adams", "Precision Teaching", "Year 3"),
        ("Ben Baker", "Precision Teaching", "Year 3"),
        ("Gus Green", "Old reading scheme", "Year 2"),
    ]:
        places = {
            (provision_of(found, w, PROVISIONS), column_of(found, w))
            for w in found
            if w.text == name
        }
        assert (provision, year_group) in places
        assert all(column == year_group for _, column in places)
    # Ava is in Talk Boost too, in the same column.
    avas = [w for w in found if w.text == "Ava Adams"]
    assert {provision_of(found, w, PROVISIONS) for w in avas} == {
        "Talk Boost",
        "Precision Teaching",
    }
    text = page_texts(path)[0]
    assert "Mrs Ahmed · Tue, Thu 09:10" in text
    assert "Dan Dean (left 30/09/2026)" in text
    assert "Fay Ford" not in text  # her group runs in Spring
    assert "Zed Young" not in text  # archived


def test_every_page_has_school_term_date_and_page_x_of_y(session, school, tmp_path):
    # Enough provisions with pupils to run over several pages.
    year3 = school.year_groups["Year 3"]
    pupils = [add_pupil(session, f"Kid{i}", f"Many{i}", year3, primary="SPLD") for i in range(6)]
    for n in range(40):
        provision = Provision(name=f"Extra provision {n:02d}", area="CL", wave=2)
        session.add(provision)
        group = add_group(session, provision, school.year, year3, AUTUMN, name=f"E{n}")
        for pupil in pupils:
            join(session, group, pupil)
    session.commit()
    path = write(session, school, tmp_path)
    texts = page_texts(path)
    total = len(texts)
    assert total > 1
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "Oakfield Primary" in text
        assert "Autumn term 2026/27" in text
        assert "Printed 23/11/2026" in text
        # The header row is repeated on every page.
        assert re.search(r"Provision\s+Reception\s+Year 1\s+Year 2\s+Year 3\s+Total", text)


def test_a_cell_with_fifteen_names_is_printed_in_full(session, school, tmp_path):
    year3 = school.year_groups["Year 3"]
    group = school.groups["talk_y3"]
    names = []
    for i in range(15):
        pupil = add_pupil(session, f"Pupil{i:02d}", f"Surname{i:02d}", year3, primary="SLCN")
        join(session, group, pupil)
        names.append(pupil.display_name)
    session.commit()
    path = write(session, school, tmp_path)
    found = words(path)
    for name in names:
        word = find(found, name)
        assert column_of(found, word) == "Year 3"
        assert provision_of(found, word, PROVISIONS) == "Talk Boost"


def test_a_cell_taller_than_a_page_splits_across_pages_without_losing_names(
    session, school, tmp_path
):
    year3 = school.year_groups["Year 3"]
    group = add_group(session, school.provisions["lego"], school.year, year3, AUTUMN)
    names = []
    # Names run on across a wide column, so it takes many to fill more than a page.
    for i in range(260):
        pupil = add_pupil(session, f"Child{i:02d}", f"Long{i:02d}", year3, primary="ASD")
        join(session, group, pupil)
        names.append(pupil.display_name)
    session.commit()
    path = write(session, school, tmp_path)
    found = words(path)
    pages = {find(found, name).page for name in names}
    assert len(pages) > 1
    for name in names:
        assert column_of(found, find(found, name)) == "Year 3"


def test_a3_pages_are_landscape_and_larger(session, school, tmp_path):
    a4 = PdfReader(write(session, school, tmp_path)).pages[0].mediabox
    a3 = PdfReader(write(session, school, tmp_path, page_size="A3")).pages[0].mediabox
    assert a4.width > a4.height
    assert a3.width > a4.width
    assert a3.width > a3.height


def test_filters_are_applied_and_stated(session, school, tmp_path):
    path = write(session, school, tmp_path, filters=MapFilters(sen_statuses=["E"]))
    text = page_texts(path)[0]
    assert "Showing only: EHC plan" in text
    assert "Ben Baker" in text
    assert "Ava Adams" not in text


def test_totals_row_counts_pupils_and_hours(session, school, tmp_path):
    text = page_texts(write(session, school, tmp_path))[0]
    # Year 3: Ava, Ben, Cal, Dan; 30 + 60 minutes a week.
    assert "4 pupils\n1.5 h a week" in text


def test_hours_text():
    assert hours_text(90) == "1.5 h"
    assert hours_text(50) == "0.83 h"
    assert hours_text(0) == "0 h"


def test_unknown_paper_size_is_refused_and_no_file_is_left(session, school, tmp_path):
    with pytest.raises(ValueError, match="A4 or A3"):
        write(session, school, tmp_path, page_size="Letter")
    assert list(tmp_path.iterdir()) == []


def test_write_pdf_replaces_the_file_only_when_the_build_succeeds(tmp_path):
    target = tmp_path / "report.pdf"
    info = ReportInfo(title="Test", school_name="Oakfield Primary", printed_on=PRINTED)
    write_pdf(target, info, [make_table(["A"], [["first"]], [100])])
    before = target.read_bytes()

    def broken(_doc):  # type: ignore[no-untyped-def]
        raise RuntimeError("story failed")

    with pytest.raises(RuntimeError):
        write_pdf(target, info, broken)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def _springboard_school(session: Session, school: MapSchool) -> None:
    """Groups named the way schools write them on their maps.

    The exemplar maps write the group in the cell ("Springboard mathematics 4", five
    pupils; "Incredible Years" social skills groups), so a school's Year 3 might run:

    - Springboard mathematics, group "Springboard 3", 14/09/2026-18/12/2026: Jamia,
      Jordan, Mary and Kalam from the start, Ben Lee from 05/10/2026;
    - Social skills group, group "Incredible Years", 14/09/2026-18/12/2026: Gareth;
    - Social skills group, a second group named "Social skills group" (the provision's
      own name) with Cameron; its name adds nothing, so it is not printed;
    - Springboard mathematics in Year 2 named "Springboard mathematics – Year 2", which
      says no more than its row and column, with Reggie.
    """
    y2, y3 = school.year_groups["Year 2"], school.year_groups["Year 3"]
    dates = (dt.date(2026, 9, 14), dt.date(2026, 12, 18))
    springboard = Provision(name="Springboard mathematics", area="CL", wave=2)
    social = Provision(name="Social skills group", area="SEMH", wave=2)
    session.add_all([springboard, social])
    sb3 = add_group(session, springboard, school.year, y3, dates, name="Springboard 3")
    for forename, surname in (("Jamia", "Khan"), ("Jordan", "Lewis"), ("Mary", "Moss")):
        join(session, sb3, add_pupil(session, forename, surname, y3))
    join(session, sb3, add_pupil(session, "Kalam", "Nash", y3))
    join(session, sb3, add_pupil(session, "Ben", "Lee", y3), join_date=dt.date(2026, 10, 5))
    iy = add_group(session, social, school.year, y3, dates, name="Incredible Years")
    join(session, iy, add_pupil(session, "Gareth", "Owen", y3))
    plain = add_group(session, social, school.year, y3, dates, name="Social skills group")
    join(session, plain, add_pupil(session, "Cameron", "Park", y3))
    sb2 = add_group(
        session, springboard, school.year, y2, dates, name="Springboard mathematics – Year 2"
    )
    join(session, sb2, add_pupil(session, "Reggie", "Quinn", y2))
    session.commit()


def test_group_names_are_printed_when_they_say_more_than_the_provision(session, school, tmp_path):
    _springboard_school(session, school)
    path = write(session, school, tmp_path, term_name=None)
    found = words(path)
    text = "\n".join(page_texts(path))
    # "Springboard 3" and "Incredible Years" each head their group in Year 3.
    for name in ("Springboard 3", "Incredible Years"):
        assert column_of(found, find(found, name)) == "Year 3"
    # A name equal to the provision's, or to the provision and its year group, is not
    # printed again in the cell: each appears once, as the row's heading.
    assert text.count("Social skills group") == 1
    assert text.count("Springboard mathematics") == 1
    assert "Springboard mathematics – Year 2" not in text


def test_from_date_only_for_a_pupil_who_joined_after_the_group_started(session, school, tmp_path):
    _springboard_school(session, school)
    # The whole year runs from 01/09/2026; every group here starts later than that,
    # but only Ben Lee joined after his group had started (05/10/2026, group 14/09/2026).
    path = write(session, school, tmp_path, term_name=None)
    text = "\n".join(page_texts(path))
    assert re.search(r"Ben Lee\s*\(from\s+05/10/2026\)", text)
    assert len(re.findall(r"\(from", text)) == 1
    for name in ("Jamia Khan", "Jordan Lewis", "Mary Moss", "Kalam Nash", "Ava Adams"):
        assert name in text
    # Dan left Precision Teaching on 30/09/2026, before the group ended (18/12/2026).
    assert re.search(r"Dan Dean\s*\(left\s+30/09/2026\)", text)


def test_provisions_without_pupils_are_listed_once_at_the_end(session, school, tmp_path):
    # In Autumn, Lego therapy runs no group: one line at the end, not an empty row.
    path = write(session, school, tmp_path)
    text = "\n".join(page_texts(path))
    assert re.search(r"Also offered:\s+Lego therapy", text)
    assert text.count("Lego therapy") == 1
    assert "Wave 3" not in text  # its row (Wave 3 · …) is not printed
    assert text.index("Also offered") > text.index("Total pupils")


def test_no_text_on_the_map_is_smaller_than_8_pt(session, school, tmp_path):
    _springboard_school(session, school)
    path = write(session, school, tmp_path, term_name=None)
    sizes: list[float] = []
    for page in PdfReader(path).pages:

        def visit(text, cm, tm, _font, size):  # type: ignore[no-untyped-def]
            if text.strip():
                sizes.append(size * abs(tm[3]) * abs(cm[3]))

        page.extract_text(visitor_text=visit)
    assert sizes
    assert min(sizes) >= 8 - 1e-6


def test_year_group_columns_are_as_wide_as_their_content(session, school, tmp_path):
    year3 = school.year_groups["Year 3"]
    for i in range(8):
        join(session, school.groups["talk_y3"], add_pupil(session, f"Long{i}", "Name", year3))
    session.commit()
    found = words(write(session, school, tmp_path))
    header = {
        w.text: w.x
        for w in found
        if w.page == 1 and w.text in {"Reception", "Year 1", "Year 2", "Year 3", "Total"}
    }
    reception = header["Year 1"] - header["Reception"]  # empty in Autumn
    year3_width = header["Total"] - header["Year 3"]
    assert reception < 0.6 * year3_width
