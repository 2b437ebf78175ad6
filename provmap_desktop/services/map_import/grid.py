"""Reading a map file into grids of text cells, each cell knowing where it came from.

A workbook gives one grid per worksheet, a Word document one grid per table, a CSV
file one grid. Every cell keeps its sheet (or table), row and column as the user
would find them in the file, so the preview can point at it.

Merged cells: a cell merged down several rows of one column (a provision name
spanning two rows) is copied into each of those rows, so each row knows its
provision; a cell merged across columns (a title, a section heading) keeps its text in
the first column only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..importing.csv_import import decode_csv, sniff_delimiter

SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".docx")


class MapFileError(Exception):
    """The file cannot be read at all; the message says why in plain words."""


def column_letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA: a spreadsheet's name for a column."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Place:
    """Where a cell is: ``sheet`` is a worksheet name, "Table 2" or the file name."""

    sheet: str
    row: int  # 1-based, as the file shows it
    column: int  # 1-based
    lettered: bool = True  # spreadsheets letter their columns; Word tables number them

    @property
    def column_name(self) -> str:
        return column_letters(self.column) if self.lettered else str(self.column)

    def __str__(self) -> str:
        return f"{self.sheet}, row {self.row}, column {self.column_name}"


@dataclass
class Grid:
    """One sheet or table: ``cells[r][c]`` is the text, ``place(r, c)`` where it is."""

    name: str
    cells: list[list[str]]
    first_row: int = 1
    lettered: bool = True

    @property
    def width(self) -> int:
        return max((len(row) for row in self.cells), default=0)

    def text(self, r: int, c: int) -> str:
        row = self.cells[r]
        return row[c] if c < len(row) else ""

    def place(self, r: int, c: int) -> Place:
        return Place(self.name, r + self.first_row, c + 1, self.lettered)


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return text.strip()


def read_xlsx(path: Path) -> list[Grid]:
    """One grid per visible worksheet, merged cells spread as the module says."""
    from openpyxl import load_workbook

    try:
        # Not read-only: merged ranges are only known in the full mode.
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise MapFileError(f"{path.name} cannot be read as a workbook ({exc}).") from None
    grids: list[Grid] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows = [[_clean(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if merged.min_col != merged.max_col or top >= len(rows):
                continue
            value = rows[top][left] if left < len(rows[top]) else ""
            for r in range(top + 1, min(merged.max_row, len(rows))):
                if left < len(rows[r]):
                    rows[r][left] = value
        grids.append(Grid(sheet.title, rows))
    book.close()
    return grids


def read_docx(path: Path) -> list[Grid]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise MapFileError(f"{path.name} cannot be read as a Word document ({exc}).") from None
    grids: list[Grid] = []
    for number, table in enumerate(document.tables, start=1):
        rows: list[list[str]] = []
        for row in table.rows:
            texts: list[str] = []
            previous = None
            for cell in row.cells:
                # A cell spanning columns comes once per column: keep its text in the
                # first. One merged down from the row above comes again in each row,
                # and keeps its text there, as in a workbook.
                texts.append("" if cell._tc is previous else _clean(cell.text))
                previous = cell._tc
            rows.append(texts)
        grids.append(Grid(f"Table {number}", rows, lettered=False))
    if not grids:
        raise MapFileError(f"{path.name} holds no table: a map in Word must be a table.")
    return grids


def read_csv_grid(path: Path, data: bytes) -> list[Grid]:
    text = decode_csv(data)
    try:
        rows = [
            [_clean(c) for c in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
        ]
    except csv.Error as exc:
        raise MapFileError(f"{path.name} cannot be read as CSV ({exc}).") from None
    return [Grid(path.name, rows)]


def read_grids(path: Path) -> list[Grid]:
    """Every sheet or table of ``path``; ``MapFileError`` if it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise MapFileError(
            f"{path.name}: ProvMap reads a map from .xlsx, .csv or .docx files. "
            "Save it in one of those forms first."
        )
    if not path.is_file():
        raise MapFileError(f"There is no file {path}.")
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MapFileError(f"{path.name} cannot be opened ({exc.strerror}).") from None
    return read_csv_grid(path, data)
