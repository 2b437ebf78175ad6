"""``provmap report costed`` and ``provmap export costed|map`` on a real database file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.models import Pupil
from provmap_desktop.storage import open_database

from .schools.templates import copy_school


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    return copy_school("costed", tmp_path / "school.provmap")


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *args])


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_export_costed_xlsx_defaults_to_the_latest_year(db_path: Path, tmp_path: Path) -> None:
    # Whether or not today falls in 2026/27, it is the year chosen: the only one.
    out = tmp_path / "costed.xlsx"
    assert run(db_path, "export", "costed", "--out", str(out)) == EXIT_OK
    totals = list(load_workbook(out)["Totals"].iter_rows(values_only=True))
    assert totals[1][:3] == ("Whole map", "Whole school", 227)


def test_export_costed_csv_for_a_year_group_and_term(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "year4.csv"
    code = run(
        db_path,
        "export",
        "costed",
        "--out",
        str(out),
        "--year",
        "2026/27",
        "--term",
        "autumn",
        "--year-group",
        "year 4",
        "--as-of",
        "10/09/2026",
    )
    assert code == EXIT_OK
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[-1]["Provision"] == "Total"
    assert rows[-1]["Planned cost"] == "108.00"
    assert rows[-1]["Cost to date"] == "6.00"


def test_export_map(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.xlsx"
    assert run(db_path, "export", "map", "--out", str(out), "--term", "Spring") == EXIT_OK
    rows = list(load_workbook(out)["Map"].iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "Lego therapy"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2030/31"], "There is no academic year 2030/31"),
        (["--term", "Winter"], "has no Winter term"),
        (["--year-group", "Year 12"], 'There is no year group "Year 12"'),
    ],
)
def test_user_mistakes_exit_with_one_line_and_write_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "costed.xlsx"
    assert run(db_path, "export", "costed", "--out", str(out), *args) == EXIT_FAILED
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_a_wrong_suffix_is_refused(db_path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db_path, "export", "map", "--out", str(tmp_path / "map.txt")) == EXIT_FAILED
    assert ".xlsx or .csv" in capsys.readouterr().err
    assert run(db_path, "report", "costed", "--out", str(tmp_path / "c.xlsx")) == EXIT_FAILED
    assert ".pdf" in capsys.readouterr().err


def test_a_missing_database_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere.provmap"
    code = run(missing, "export", "costed", "--out", str(tmp_path / "c.xlsx"))
    assert code == EXIT_FAILED
    assert capsys.readouterr().err.startswith("provmap: ")
    assert not missing.exists()


def test_report_costed_pdf_for_the_school(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "costed.pdf"
    assert run(db_path, "report", "costed", "--out", str(out), "--year", "2026/27") == EXIT_OK
    text = _text(out)
    assert "Precision Teaching" in text
    assert "£227.00" in text
    assert "Page 1 of" in text


def test_report_costed_pdf_for_a_pupil(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path, create=False)
    try:
        with db.session_factory() as session:
            upn = session.scalar(select(Pupil.upn).where(Pupil.forename == "Eve"))
    finally:
        db.close()
    assert upn is not None
    out = tmp_path / "eve.pdf"
    assert run(db_path, "report", "costed", "--pupil", upn, "--out", str(out)) == EXIT_OK
    text = _text(out)
    assert "Eve Evans" in text
    assert "£100.00 threshold: over by £19.00" in text


def test_report_for_an_unknown_pupil_fails(db_path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "p.pdf"
    code = run(db_path, "report", "costed", "--pupil", "A999999999999", "--out", str(out))
    assert code == EXIT_FAILED
    assert "No pupil has the UPN A999999999999" in capsys.readouterr().err
    assert not out.exists()


def test_report_costed_for_governors(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "governors.pdf"
    args = ("report", "costed", "--governors", "--out", str(out), "--year", "2026/27")
    assert run(db_path, *args) == EXIT_OK
    text = _text(out)
    assert "£227.00" in text
    assert "Eve" not in text
    assert "Ava Adams" not in text
    assert len(PdfReader(out).pages) == 1
