"""Tables written as spreadsheets: .xlsx with openpyxl, and .csv that Excel opens.

A ``Table`` is a sheet: named columns, each with a kind that decides how its cells are
written. Money (``Decimal``) is rounded to the penny here, once, and written as a number
with the format ``£#,##0.00``; dates are real dates shown dd/mm/yyyy; the header row is
bold and frozen, columns have set widths. CSV is UTF-8 with a byte-order mark (so Excel
reads £ and accented names), with amounts as plain numbers (27.00) and dates dd/mm/yyyy.

Every file is written to a temporary file in the target folder and then moved over the
target in one step, so a reader never sees half a file and a failed write leaves any
earlier file as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..storage.safe_files import atomic_write
from .formatting import format_date, round_money

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
WEEKS_FORMAT = "0.00"


@dataclass(frozen=True)
class Column:
    """A spreadsheet column: its heading, how its cells are shown, and its width."""

    title: str
    kind: str = "text"  # text, int, money, weeks, date
    width: int = 14


Row = Sequence[Any]


@dataclass
class Table:
    """One sheet's worth of rows (and the CSV's, for the first table of an export)."""

    name: str
    columns: list[Column]
    rows: list[Row]


#: What makes a spreadsheet program treat a cell's text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money":
        return float(round_money(value))  # openpyxl writes floats; rounded once, here
    if kind == "weeks":
        return float(round(Decimal(value), 2))
    return value


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return f"{round_money(value):.2f}"
    if kind == "weeks":
        return f"{round(Decimal(value), 2):.2f}"
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A spreadsheet program would run it as a formula: make it plain text.
        return "'" + value
    return str(value)


def _add_sheet(workbook: Workbook, table: Table, *, first: bool) -> None:
    sheet: Worksheet = workbook.active if first else workbook.create_sheet()  # type: ignore[assignment]
    sheet.title = table.name
    sheet.append([column.title for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "weeks": WEEKS_FORMAT}
    for row in table.rows:
        sheet.append([_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"  # text that looks like a formula stays text
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        number_format = formats.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def write_xlsx(path: Path, tables: Sequence[Table]) -> Path:
    """Write ``tables`` as sheets of one workbook at ``path``, atomically."""
    workbook = Workbook()
    for n, table in enumerate(tables):
        _add_sheet(workbook, table, first=n == 0)
    # Built in memory first: a workbook saved straight to a full disk leaves openpyxl's
    # zip file half-closed, to fail again when it is garbage collected.
    buffer = io.BytesIO()
    workbook.save(buffer)
    with atomic_write(Path(path)) as temp:
        temp.write_bytes(buffer.getvalue())
    return Path(path)


def write_csv(path: Path, table: Table) -> Path:
    """Write one table as UTF-8 CSV with a byte-order mark, atomically."""
    # The file is closed before the temporary file is moved over the target.
    with (
        atomic_write(Path(path)) as temp,
        temp.open("w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow([column.title for column in table.columns])
        for row in table.rows:
            writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return Path(path)


def spreadsheet_suffix(path: Path) -> str:
    """``.xlsx`` or ``.csv`` from the file name; any other name is a ValueError."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{Path(path).name}: choose a file name ending in .xlsx or .csv.")
    return suffix
