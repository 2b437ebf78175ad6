"""The workbook reader of the map import: values, hidden sheets and merged ranges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from provmap_desktop.services.map_import.grid import MapFileError, read_grids
from provmap_desktop.services.map_import.xlsx import read_workbook


def _book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Map"
    sheet["A1"] = "Provision"
    sheet["B1"] = "Year 1"
    sheet["A2"] = "Lego therapy"
    sheet.merge_cells("A2:A3")  # one provision over two rows
    sheet["B2"] = "Ali, Jamia"
    sheet["C2"] = 12
    sheet["D2"] = 2.5
    sheet["E2"] = True
    sheet["F2"] = dt.date(2026, 9, 3)
    sheet["B3"] = CellRichText(["Ben ", TextBlock(InlineFont(b=True), "Cole")])
    sheet["A5"] = "Wave 3"
    sheet.merge_cells("A5:F5")  # a section heading across the table
    hidden = book.create_sheet("Old")
    hidden["A1"] = "not read"
    hidden.sheet_state = "hidden"
    book.create_sheet("Costs")["B2"] = "£40"
    book.save(path)
    return path


def test_values_come_back_as_the_cells_show_them(tmp_path: Path) -> None:
    sheets = read_workbook(_book(tmp_path / "map.xlsx"))
    assert [s.title for s in sheets] == ["Map", "Costs"]  # the hidden sheet is left out
    rows = sheets[0].rows
    assert len(rows) == 5
    assert all(len(r) == 6 for r in rows)
    assert rows[1] == ["Lego therapy", "Ali, Jamia", 12, 2.5, True, dt.datetime(2026, 9, 3)]
    assert rows[2][1] == "Ben Cole"
    assert rows[3] == [None] * 6
    assert sorted(sheets[0].merged) == [(2, 1, 3, 1), (5, 1, 5, 6)]
    assert sheets[1].rows == [[None, None], [None, "£40"]]


def test_a_merged_provision_name_reaches_every_row_it_spans(tmp_path: Path) -> None:
    grid = read_grids(_book(tmp_path / "map.xlsx"))[0]
    assert [grid.text(r, 0) for r in range(5)] == [
        "Provision",
        "Lego therapy",
        "Lego therapy",
        "",
        "Wave 3",
    ]
    assert grid.text(4, 1) == ""  # a heading merged across keeps its text in column A
    assert grid.text(1, 2) == "12"
    assert grid.text(1, 3) == "2.5"


def test_a_file_that_is_not_a_workbook_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "map.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(MapFileError, match="cannot be read as a workbook"):
        read_grids(path)
