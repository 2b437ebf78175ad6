"""Reading a workbook's visible sheets as rows of values, with the standard library.

A map import needs each cell's value and the merged ranges, nothing more: reading the
file's XML directly takes a fraction of the time a full spreadsheet library takes to
load. Values come back as a spreadsheet program shows them in a cell: text, whole
numbers as ``int``, other numbers as ``float``, ``True``/``False``, and a number in
a date format as a ``datetime``. The XML is parsed with ``defusedxml``, so a crafted
file cannot expand entities without end.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

#: Built-in number formats that show a date or a time.
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_OFFICE_DOCUMENT = "officeDocument"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class WorkbookError(Exception):
    """The file is not a workbook this reader can make sense of."""


@dataclass
class Sheet:
    """One visible worksheet: its title, rows of values and merged ranges (1-based)."""

    title: str
    rows: list[list[Any]]
    #: (first row, first column, last row, last column) of each merged range.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _descendants(element: Element, name: str) -> Iterator[Element]:
    return (e for e in element.iter() if _local(e.tag) == name)


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by its name, whatever namespace it is in (``r:id`` is ``id``)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _cell_position(ref: str) -> tuple[int, int]:
    """The row and column a reference such as B12 names: (12, 2)."""
    match = _CELL_REF.fullmatch(ref.replace("$", "").upper())
    if match is None:
        raise WorkbookError(f"a cell reference {ref!r} it does not understand")
    return int(match.group(2)), column_number(match.group(1))


class _Package:
    """The workbook's zip file, its parts found through their relationships."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def xml(self, name: str) -> Element | None:
        try:
            data = self.archive.read(name)
        except KeyError:
            return None
        return fromstring(data)

    def targets(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of ``part``: id -> (type's last word, part name)."""
        folder, name = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", name + ".rels"))
        found: dict[str, tuple[str, str]] = {}
        for rel in [] if rels is None else _descendants(rels, "Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], resolved)
        return found


def _shared_strings(package: _Package, part: str | None) -> list[str]:
    """The workbook's table of shared texts (rich-text runs joined, phonetic guides left out)."""
    root = package.xml(part) if part else None
    if root is None:
        return []
    texts: list[str] = []
    for item in _children(root, "si"):
        pieces = [t.text or "" for t in _children(item, "t")]
        for run in _children(item, "r"):
            pieces += [t.text or "" for t in _children(run, "t")]
        texts.append("".join(pieces))
    return texts


def _is_date_format(code: str) -> bool:
    """True when a custom number format shows a date or time (quoted text and colours aside)."""
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return any(letter in bare for letter in "dmyhs") and "general" not in bare


def _date_styles(package: _Package, part: str | None) -> set[int]:
    """The cell styles (indexes) whose number format is a date or time."""
    root = package.xml(part) if part else None
    if root is None:
        return set()
    custom = {
        int(fmt.get("numFmtId", "0"))
        for fmt in _descendants(root, "numFmt")
        if _is_date_format(fmt.get("formatCode", ""))
    }
    styles: set[int] = set()
    for xfs in _children(root, "cellXfs"):
        for index, xf in enumerate(_children(xfs, "xf")):
            number_format = int(xf.get("numFmtId", "0"))
            if number_format in _DATE_FORMAT_IDS or number_format in custom:
                styles.add(index)
    return styles


@dataclass(frozen=True)
class _Book:
    shared: list[str]
    date_styles: set[int]
    epoch: dt.datetime


def _number(text: str) -> int | float:
    """A stored number: whole numbers written without a point or exponent as ``int``."""
    if "." in text or "e" in text.lower():
        return float(text)
    return int(text)


def _value(cell: Element, book: _Book) -> Any:
    """A cell's value as the spreadsheet shows it, or None for an empty cell."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in _descendants(cell, "t"))
    found = next(_children(cell, "v"), None)
    text = found.text if found is not None else None
    if text is None:
        return None
    if kind == "s":
        return book.shared[int(text)]
    if kind == "b":
        return text.strip() == "1"
    if kind in ("str", "e"):
        return text
    if kind == "d":
        return dt.datetime.fromisoformat(text)
    number = _number(text)
    if int(cell.get("s", "0")) in book.date_styles:
        return book.epoch + dt.timedelta(days=float(number))
    return number


def _sheet(root: Element, title: str, book: _Book) -> Sheet:
    """One worksheet as rows padded to its width, with its merged ranges."""
    values: dict[tuple[int, int], Any] = {}
    last_row = last_column = 0
    for data in _children(root, "sheetData"):
        next_row = 1
        for row in _children(data, "row"):
            row_number = int(row.get("r", next_row))
            next_row = row_number + 1
            next_column = 1
            for cell in _children(row, "c"):
                ref = cell.get("r")
                column = _cell_position(ref)[1] if ref else next_column
                next_column = column + 1
                values[row_number, column] = _value(cell, book)
                last_row, last_column = max(last_row, row_number), max(last_column, column)
    merged: list[tuple[int, int, int, int]] = []
    for ranges in _children(root, "mergeCells"):
        for merge in _children(ranges, "mergeCell"):
            first, _, last = merge.get("ref", "").partition(":")
            top, left = _cell_position(first)
            bottom, right = _cell_position(last or first)
            merged.append((top, left, bottom, right))
            last_row, last_column = max(last_row, bottom), max(last_column, right)
    rows = [[values.get((r, c)) for c in range(1, last_column + 1)] for r in range(1, last_row + 1)]
    return Sheet(title, rows, merged)


def read_workbook(path: Path) -> list[Sheet]:
    """The visible worksheets of the workbook at ``path``, in the workbook's order.

    Raises ``WorkbookError`` (or ``zipfile.BadZipFile``, ``KeyError``, ``ValueError``,
    ``OSError``, or an XML parse error) for a file that is not a readable workbook.
    """
    with zipfile.ZipFile(path) as archive:
        package = _Package(archive)
        office = [t for kind, t in package.targets("").values() if kind == _OFFICE_DOCUMENT]
        workbook_part = office[0] if office else "xl/workbook.xml"
        workbook = package.xml(workbook_part)
        if workbook is None:
            raise WorkbookError("no workbook inside")
        parts = package.targets(workbook_part)
        by_kind = dict(parts.values())
        properties = next(_descendants(workbook, "workbookPr"), None)
        in_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        book = _Book(
            shared=_shared_strings(package, by_kind.get("sharedStrings")),
            date_styles=_date_styles(package, by_kind.get("styles")),
            epoch=dt.datetime(1904, 1, 1) if in_1904 else dt.datetime(1899, 12, 30),
        )
        sheets: list[Sheet] = []
        for entry in _descendants(workbook, "sheet"):
            if entry.get("state", "visible") != "visible":
                continue
            kind, part = parts.get(_attribute(entry, "id") or "", ("", ""))
            root = package.xml(part) if kind == "worksheet" else None
            if root is not None:
                sheets.append(_sheet(root, entry.get("name", ""), book))
    return sheets
