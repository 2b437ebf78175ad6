"""``provmap trust-report``: two schools of a trust side by side, no pupil named.

The schools and their figures, worked by hand, are in ``tests/schools/trust.py``:
Test Primary (whole_year_costs) and Brook Lane Primary (brook_lane).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main

from .pg_schools import school_on_server
from .schools.templates import copy_school
from .schools.trust import TRUST_PUPILS

TODAY = "23/11/2026"

TEST_PRIMARY = {
    "school": "Test Primary",
    "academic_year": "2026/27",
    "provisions": 3,
    "sen_register": 6,
    "ehc_plans": 0,
    "planned_cost": "12882.00",
    "budget": "12000.00",
    "against_budget": "-882.00",
    "threshold": "6000.00",
    "at_or_over_threshold": 1,
}
BROOK_LANE = {
    "school": "Brook Lane Primary",
    "academic_year": "2026/27",
    "provisions": 2,
    "sen_register": 3,
    "ehc_plans": 2,
    "planned_cost": "8360.00",
    "budget": "9000.00",
    "against_budget": "640.00",
    "threshold": "6000.00",
    "at_or_over_threshold": 1,
}
TOTALS = {
    "provisions": 5,
    "sen_register": 9,
    "ehc_plans": 2,
    "planned_cost": "21242.00",
    "budget": "21000.00",
    "at_or_over_threshold": 2,
}


@pytest.fixture
def two_files(tmp_path: Path) -> list[str]:
    return [
        str(copy_school("whole_year_costs", tmp_path / "test-primary.provmap")),
        str(copy_school("brook_lane", tmp_path / "brook-lane.provmap")),
    ]


def _trust_report(sources: list[str], out: Path, *extra: str) -> int:
    dbs = [arg for source in sources for arg in ("--db", source)]
    return main(["trust-report", *dbs, "--out", str(out), "--today", TODAY, *extra])


def test_json_gives_each_schools_figures_and_the_trust_total(two_files, tmp_path) -> None:
    out = tmp_path / "trust.json"
    assert _trust_report(two_files, out) == EXIT_OK
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "provmap-trust-overview"
    assert document["schools"] == [TEST_PRIMARY, BROOK_LANE]
    assert document["totals"] == TOTALS


def test_pdf_shows_the_schools_side_by_side_and_names_no_pupil(two_files, tmp_path) -> None:
    out = tmp_path / "trust.pdf"
    assert _trust_report(two_files, out) == EXIT_OK
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Trust overview" in text
    lines = [line.strip() for line in text.splitlines()]

    def row(first: str, cells: int) -> list[str]:
        """The cells after ``first``: pypdf gives each table cell its own line."""
        at = lines.index(first)
        return lines[at + 1 : at + 1 + cells]

    # Year, provisions, register, EHC plans, planned, budget, against it, at or over.
    assert row("Test Primary", 8) == [
        "2026/27", "3", "6", "0", "£12,882.00", "£12,000.00", "£882.00 over", "1 (at £6,000.00)",
    ]  # fmt: skip
    assert row("Brook Lane Primary", 8) == [
        "2026/27", "2", "3", "2", "£8,360.00", "£9,000.00", "£640.00 under", "1 (at £6,000.00)",
    ]  # fmt: skip
    assert row("Trust total", 7) == ["5", "9", "2", "£21,242.00", "£21,000.00", "£242.00 over", "2"]
    for forename, surname in TRUST_PUPILS:
        assert f"{forename} {surname}" not in text
        assert surname not in text


def test_xlsx_has_a_row_per_school_and_the_total(two_files, tmp_path) -> None:
    out = tmp_path / "trust.xlsx"
    assert _trust_report(two_files, out) == EXIT_OK
    sheet = load_workbook(out)["Trust overview"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Test Primary", "2026/27", 3, 6, 0, 12882, 12000, -882, 6000, 1)
    assert rows[2] == ("Brook Lane Primary", "2026/27", 2, 3, 2, 8360, 9000, 640, 6000, 1)
    assert rows[3] == ("Trust total", None, 5, 9, 2, 21242, 21000, -242, None, 2)
    words = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for _forename, surname in TRUST_PUPILS:
        assert surname not in words


def test_a_school_on_the_server_sits_beside_a_school_sent_as_a_file(
    pg_server_url: str, tmp_path: Path
) -> None:
    on_server = school_on_server(pg_server_url, "brook_lane", f"brook_{uuid.uuid4().hex[:10]}")
    sent = str(copy_school("whole_year_costs", tmp_path / "test-primary.provmap"))
    out = tmp_path / "trust.json"
    assert _trust_report([sent, on_server], out, "--format", "json") == EXIT_OK
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["schools"] == [TEST_PRIMARY, BROOK_LANE]
    assert document["totals"] == TOTALS


def test_a_year_a_school_does_not_have_is_a_plain_message(two_files, tmp_path, capsys) -> None:
    out = tmp_path / "trust.pdf"
    assert _trust_report(two_files, out, "--year", "2030/31") == EXIT_FAILED
    assert "test-primary.provmap has no academic year 2030/31." in capsys.readouterr().err
    assert not out.exists()
