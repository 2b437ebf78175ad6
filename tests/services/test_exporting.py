"""The costed summary and the spreadsheet exports, read back and checked against the engine.

Figures are worked out by hand in ``tests/schools/costed.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from provmap_desktop.services.costed_tables import (
    costed_summary,
    threshold_difference_words,
    threshold_line,
)
from provmap_desktop.services.costing import cost_map
from provmap_desktop.services.exporting import (
    export_costed,
    export_costed_csv,
    export_costed_xlsx,
    export_map,
    export_map_csv,
    export_map_xlsx,
)
from provmap_desktop.services.formatting import round_money

from ..schools.costed import AS_OF, CostedSchool, costed_school

M = Decimal


@pytest.fixture
def school(session: Session) -> CostedSchool:
    return costed_school(session)


def _rows(sheet) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


# -- the summary ---------------------------------------------------------------------


def test_summary_has_the_hand_worked_totals(session: Session, school: CostedSchool) -> None:
    summary = costed_summary(session, school.year.id, as_of=AS_OF)
    assert summary.planned == M("227.00")
    assert round_money(summary.to_date) == M("6.00")
    assert summary.pupils_costed == 5
    by_provision = {p.name: p for p in summary.provisions}
    assert by_provision["Precision Teaching"].cost_per_pupil == M("27.00")
    assert by_provision["Precision Teaching"].pupils == 4
    assert by_provision["Lego therapy"].cost_per_pupil == M("119.00")
    assert {t.heading: t.planned for t in summary.by_year_group} == {
        "Year 4": M("108.00"),
        "Year 5": M("119.00"),
    }
    assert {t.heading: t.planned for t in summary.by_wave} == {
        "Wave 2": M("108.00"),
        "Wave 3": M("119.00"),
    }
    assert {t.heading: t.planned for t in summary.by_funding_stream} == {
        "High needs top-up": M("119.00"),
        "Notional SEN": M("108.00"),
    }
    assert [t.heading for t in summary.by_area] == [
        "Cognition and learning",
        "Social, emotional and mental health",
    ]
    assert summary.by_staff[0].heading == "Ms Jones"
    assert summary.by_staff[0].planned == M("227.00")


def test_a_year_group_summary_counts_only_that_year_group(
    session: Session, school: CostedSchool
) -> None:
    summary = costed_summary(session, school.year.id, year_group_id=school.year5.id, as_of=AS_OF)
    assert summary.year_group_name == "Year 5"
    assert summary.planned == M("119.00")
    assert [g.provision for g in summary.groups] == ["Lego therapy"]
    assert [row.name for row in summary.threshold.rows] == ["Eve Evans"]
    assert summary.budget is None


def test_a_term_summary_holds_that_terms_share(session: Session, school: CostedSchool) -> None:
    autumn = costed_summary(session, school.year.id, "Autumn", as_of=AS_OF)
    spring = costed_summary(session, school.year.id, "Spring", as_of=AS_OF)
    assert autumn.planned == M("108.00")
    assert spring.planned == M("119.00")
    assert autumn.period_label == "2026/27, Autumn term"
    # The threshold is annual whatever the period shown.
    assert spring.threshold.row_for(school.year4_pupils[0].id).annual_total == M("27.00")


def test_threshold_words_say_over_or_under_to_the_penny() -> None:
    assert threshold_line(M("4765.44"), M("6000")) == "£6,000.00 threshold: £1,234.56 under"
    assert threshold_line(M("6412"), M("6000")) == "£6,000.00 threshold: over by £412.00"
    assert threshold_difference_words(M("6000.001"), M("6000")) == "at the threshold"


# -- the costed workbook -------------------------------------------------------------


def test_costed_xlsx_holds_numbers_equal_to_the_engine(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = export_costed_xlsx(
        session, tmp_path / "costed.xlsx", academic_year_id=school.year.id, as_of=AS_OF
    )
    engine = cost_map(session, school.year, as_of=AS_OF)
    book = load_workbook(out)
    assert book.sheetnames == [
        "Costed map",
        "By provision",
        "Totals",
        "Pupils",
        "Threshold",
        "Budget",
    ]

    groups = _rows(book["Costed map"])
    assert sum(row["Planned cost"] for row in groups) == pytest.approx(float(engine.total.planned))
    precision = next(row for row in groups if row["Provision"] == "Precision Teaching")
    assert precision["Hourly rate"] == 18.0
    assert precision["Session cost"] == 3.0
    assert precision["Teaching weeks"] == 12.0
    assert precision["Staff cost"] == 108.0
    assert precision["Cost per pupil (average)"] == 27.0
    assert precision["Cost to date"] == 6.0
    assert precision["Delivered sessions"] == 2
    assert precision["Starts"] == dt.datetime(2026, 9, 7)

    sheet = book["Costed map"]
    assert sheet.freeze_panes == "A2"
    planned_column = [c.value for c in sheet[1]].index("Planned cost") + 1
    cell = sheet.cell(row=2, column=planned_column)
    assert isinstance(cell.value, int | float)  # a number, not text
    assert cell.value == 119
    assert cell.number_format == "£#,##0.00"
    assert sheet.column_dimensions["A"].width >= 20

    totals = {(r["Heading"], r["Name"]): r["Planned cost"] for r in _rows(book["Totals"])}
    assert totals[("Whole map", "Whole school")] == float(engine.total.planned) == 227.0
    assert totals[("Year group", "Year 4")] == 108.0
    assert totals[("Area of need", "Social, emotional and mental health")] == 119.0
    assert totals[("Wave", "Wave 2")] == 108.0
    assert totals[("Funding stream", "Notional SEN")] == 108.0

    threshold = {r["Pupil"]: r for r in _rows(book["Threshold"])}
    assert threshold["Eve Evans"]["Against the threshold"] == "over by £19.00"
    assert threshold["Eve Evans"]["At or above"] == "Yes"
    assert threshold["Ava Adams"]["Against the threshold"] == "£73.00 under"
    assert threshold["Ava Adams"]["Near"] == "Yes"

    budget = {r["Funding stream"]: r for r in _rows(book["Budget"])}
    assert budget["Notional SEN"]["Remaining"] == -8.0
    assert budget["Notional SEN"]["Warning"] == "Over budget"
    assert budget["High needs top-up"]["Warning"] is None


def test_costed_csv_has_a_bom_plain_numbers_and_a_total_row(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = export_costed_csv(
        session, tmp_path / "costed.csv", academic_year_id=school.year.id, as_of=AS_OF
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    precision = next(row for row in rows if row["Provision"] == "Precision Teaching")
    assert precision["Planned cost"] == "108.00"
    assert precision["Starts"] == "07/09/2026"
    assert rows[-1]["Provision"] == "Total"
    assert rows[-1]["Planned cost"] == "227.00"
    assert rows[-1]["Cost to date"] == "6.00"


def test_term_export_holds_only_the_terms_share(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = export_costed(
        session, tmp_path / "spring.csv", academic_year_id=school.year.id, term_name="Spring"
    )
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [row["Provision"] for row in rows] == ["Lego therapy", "Total"]
    assert rows[-1]["Planned cost"] == "119.00"


def test_an_unknown_suffix_is_refused_and_nothing_written(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"\.xlsx or \.csv"):
        export_costed(session, tmp_path / "costed.pdf", academic_year_id=school.year.id)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_keeps_the_earlier_file(
    session: Session, school: CostedSchool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "costed.xlsx"
    target.write_bytes(b"earlier")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.Workbook.save", broken)
    with pytest.raises(OSError, match="disk full"):
        export_costed_xlsx(session, target, academic_year_id=school.year.id)
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["costed.xlsx"]


# -- the provision map ---------------------------------------------------------------


def test_map_xlsx_has_a_row_per_membership_and_pupils_by_year_group(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = export_map_xlsx(session, tmp_path / "map.xlsx", academic_year_id=school.year.id)
    book = load_workbook(out)
    rows = _rows(book["Map"])
    assert len(rows) == 5
    eve = next(row for row in rows if row["Pupil"] == "Eve Evans")
    assert eve["Provision"] == "Lego therapy"
    assert eve["Timetable"] == "Tue 09:00"
    assert eve["SEN status"] == "EHC plan"
    assert eve["Joined"] == dt.datetime(2027, 1, 4)
    assert book["Map"].freeze_panes == "A2"
    cells = {(r["Provision"], r["Year group"]): r for r in _rows(book["By year group"])}
    precision = cells[("Precision Teaching", "Year 4")]
    assert precision["Pupils"] == 4
    assert precision["Who"] == "Ava Adams, Ben Brown, Cal Cole, Dan Dale"


def test_map_for_a_term_lists_only_groups_running_then(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    out = export_map_csv(
        session, tmp_path / "map.csv", academic_year_id=school.year.id, term_name="Autumn"
    )
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert {row["Provision"] for row in rows} == {"Precision Teaching"}
    assert [row["Pupil"] for row in rows] == ["Ava Adams", "Ben Brown", "Cal Cole", "Dan Dale"]
    assert rows[0]["Group starts"] == "07/09/2026"


def test_a_group_with_no_members_still_has_a_map_row(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    for membership in list(school.lego.memberships):
        session.delete(membership)
    session.flush()
    out = export_map(session, tmp_path / "map.csv", academic_year_id=school.year.id)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    lego = [row for row in rows if row["Provision"] == "Lego therapy"]
    assert len(lego) == 1
    assert lego[0]["Pupil"] == ""


# -- what a reader of the costed map needs told ----------------------------------------


def test_the_pupils_sheet_ends_with_the_engines_total(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    from provmap_desktop.models import AcademicYear
    from tests.schools.costed import add_member, make_group, make_provision, make_pupil

    year = session.get(AcademicYear, school.year.id)
    # £100.00 of resources shared by three pupils: £33.333… each, shown £33.33, so the
    # rounded shares add up to a penny less than the map's total.
    books = make_group(
        session,
        make_provision(session, "Reading books", sessions_per_week=0, resources_cost=M(100)),
        year,
    )
    for name in ("Fox", "Gray", "Hill"):
        add_member(session, books, make_pupil(session, name, school.year4))
    # And a group no one is in yet: £108.00 on no pupil's row.
    make_group(session, make_provision(session, "Maths club"), year, staff=school.precision.staff)
    out = export_costed_xlsx(
        session, tmp_path / "costed.xlsx", academic_year_id=school.year.id, as_of=AS_OF
    )
    engine = cost_map(session, school.year, as_of=AS_OF)
    rows = _rows(load_workbook(out)["Pupils"])
    pupils, extra, total = rows[:-2], rows[-2], rows[-1]
    # £227.00 + £100.00 + £108.00 = £435.00; the pupils' rounded shares make £326.99.
    assert round(sum(r["Planned cost"] for r in pupils), 2) == 326.99
    assert extra["Pupil"] == "Days when a group had no pupils (in no pupil's share)"
    assert extra["Planned cost"] == 108.0
    assert total["UPN"] == "Total"
    assert total["Planned cost"] == float(round_money(engine.total.planned)) == 435.0
    # To date: £6.00 of sessions, and the books' resources for 4 of their 60 teaching
    # days (07/09-10/09/2026): £100.00 x 4 / 60 = £6.67; £12.67.
    assert total["Cost to date"] == float(round_money(engine.total.to_date)) == 12.67


def test_a_one_to_one_group_holding_several_pupils_is_noted(
    session: Session, school: CostedSchool, tmp_path: Path
) -> None:
    from tests.schools.costed import add_member

    for pupil in school.year4_pupils[:2]:
        add_member(session, school.lego, pupil)
    summary = costed_summary(session, school.year.id, as_of=AS_OF)
    lego = next(g for g in summary.groups if g.provision == "Lego therapy")
    assert lego.note == "1:1 group with 3 pupils: each costs the full session"
    assert next(g for g in summary.groups if g.provision == "Precision Teaching").note == ""
    # Each of the three bears the 1:1 cost: 11 x £9.00 + £20.00 = £119.00, £357.00 in all.
    assert lego.planned == M(357)

    book = load_workbook(
        export_costed_xlsx(
            session, tmp_path / "costed.xlsx", academic_year_id=school.year.id, as_of=AS_OF
        )
    )
    rows = {r["Provision"]: r for r in _rows(book["Costed map"])}
    assert rows["Lego therapy"]["Note"] == "1:1 group with 3 pupils: each costs the full session"
    assert rows["Precision Teaching"]["Note"] is None
    csv_rows = list(
        csv.DictReader(
            export_costed_csv(
                session, tmp_path / "costed.csv", academic_year_id=school.year.id, as_of=AS_OF
            )
            .read_text(encoding="utf-8-sig")
            .splitlines()
        )
    )
    lego_csv = next(r for r in csv_rows if r["Provision"] == "Lego therapy")
    assert lego_csv["Note"] == "1:1 group with 3 pupils: each costs the full session"
