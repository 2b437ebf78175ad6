"""Finding how a sheet is laid out and reading it into provisions and cells of names.

Three layouts are understood, with the header row found wherever it is (titles and
blank rows above it are skipped):

- the map: provisions down the side, year groups (or classes) across the top, names
  in the cells. Optional columns (area of need, wave, frequency, staff, cost, weeks)
  are recognised by their headings. A row with text only in the provision column is a
  section heading ("Wave 2 literacy intervention"): the wave and area it names apply
  to the provisions under it;
- the flipped map: year groups down the side, provisions across the top;
- the long list: one row per pupil and provision, with columns for the name (or
  forename and surname), the provision, and usually the year group and the group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ...models.vocab import AreaOfNeed
from ..importing.values import squash
from . import words
from .grid import Grid, Place
from .names import split_cell

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Column:
    """A year group (or a class) a column (or, flipped, a row) stands for."""

    year_group_id: int | None
    class_id: int | None = None


@dataclass
class ProvisionRow:
    """A provision as read from one row (or merged rows), with any optional values."""

    name: str
    place: Place
    area: str | None = None
    wave: int | None = None
    frequency: words.Frequency | None = None
    staff: str = ""
    cost: Decimal | None = None
    weeks: int | None = None


@dataclass
class Assignment:
    """Names from one cell for one provision and year group."""

    provision: ProvisionRow
    column: Column
    place: Place
    label: str
    names: list[str]


@dataclass(frozen=True)
class Unread:
    """A cell (or part of one) that was not read, and why."""

    place: Place
    text: str
    reason: str


@dataclass
class Reading:
    """Everything read from the file, before any matching."""

    provisions: list[ProvisionRow] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class School:
    """What the reader needs to know about the school: its year groups and classes."""

    year_groups: dict[int, int]  # NC year -> year group id
    classes: dict[str, Column]  # plain class name -> its column

    def column(self, heading: str) -> Column | None:
        """The year group or class a heading names, or None."""
        key = words.plain(heading)
        if key in self.classes:
            return self.classes[key]
        year_group_id = words.year_heading(heading, self.year_groups)
        return Column(year_group_id) if year_group_id is not None else None


class _View:
    """A grid, or the grid turned on its side; places stay those of the file."""

    def __init__(self, grid: Grid, flipped: bool = False) -> None:
        self.grid = grid
        self.flipped = flipped
        self.rows = grid.width if flipped else len(grid.cells)
        self.columns = len(grid.cells) if flipped else grid.width

    def text(self, r: int, c: int) -> str:
        """The text at row r, column c of the view."""
        if self.flipped:
            r, c = c, r
        if r >= len(self.grid.cells):
            return ""
        return self.grid.text(r, c)

    def place(self, r: int, c: int) -> Place:
        """Where row r, column c of the view is in the file."""
        return self.grid.place(c, r) if self.flipped else self.grid.place(r, c)


def read_layout(grids: list[Grid], school: School) -> Reading:
    """Read every sheet or table; one that holds no map is noted and skipped."""
    reading = Reading()
    for grid in grids:
        _read_grid(grid, school, reading)
    return reading


def _read_grid(grid: Grid, school: School, reading: Reading) -> None:
    """Find the sheet's layout and header row and read it, or note that none was found."""
    view = _View(grid)
    for r in range(min(view.rows, HEADER_SEARCH_ROWS)):
        keys = [squash(view.text(r, c)) for c in range(view.columns)]
        if _is_long_list(keys):
            reading.layouts.append(f"{grid.name}: a list, one row per pupil and provision")
            _read_long_list(view, r, keys, school, reading)
            return
        columns = {c: col for c in range(view.columns) if (col := school.column(view.text(r, c)))}
        if len(columns) >= 2:
            reading.layouts.append(f"{grid.name}: provisions down the side, year groups across")
            _read_map(view, r, school, reading)
            return
    flipped = _View(grid, flipped=True)
    for r in range(min(flipped.rows, HEADER_SEARCH_ROWS)):
        found = sum(1 for c in range(flipped.columns) if school.column(flipped.text(r, c)))
        if found >= 2:
            reading.layouts.append(f"{grid.name}: year groups down the side, provisions across")
            _read_map(flipped, r, school, reading)
            return
    if any(any(row) for row in grid.cells):
        reading.notes.append(
            f"{grid.name}: no header row naming two or more of the school's year groups "
            "(or a Name and a Provision column) was found, so it was not read."
        )


def _is_long_list(keys: list[str]) -> bool:
    """True when the header names a pupil (or forename and surname) and a provision."""
    has_name = any(k in words.NAME_HEADINGS for k in keys) or (
        any(k in words.FORENAME_HEADINGS for k in keys)
        and any(k in words.SURNAME_HEADINGS for k in keys)
    )
    return has_name and any(k in words.PROVISION_HEADINGS for k in keys)


def _heading(view: _View, header: int, c: int) -> str:
    """A column's heading: its header cell, or the cell above in a two-row heading."""
    text = view.text(header, c)
    if not text and header > 0:
        text = view.text(header - 1, c)
    return text


def _read_optional(row: ProvisionRow, kind: str, text: str, place: Place, reading: Reading) -> None:
    """Set one optional value on the row, or report the cell it could not read."""
    if kind == "staff":
        row.staff = text
        return
    value: object
    if kind == "area":
        value = words.area(text)
        if value is not None:
            row.area = value.value
    elif kind == "wave":
        value = words.wave(text)
        row.wave = value if value is not None else row.wave
    elif kind == "frequency":
        value = words.frequency(text)
        row.frequency = value if value is not None else row.frequency
    elif kind == "cost":
        value = words.money(text)
        row.cost = value if value is not None else row.cost
    else:
        value = words.weeks(text)
        row.weeks = value if value is not None else row.weeks
    if value is None:
        what = {
            "area": "an area of need",
            "wave": "a wave (1, 2 or 3)",
            "frequency": "a frequency such as 3 x 20 min",
            "cost": "an amount of money",
            "weeks": "a number of weeks",
        }[kind]
        reading.unread.append(Unread(place, text, f"Not understood as {what}; left out."))


def _add_cell(reading: Reading, row: ProvisionRow, column: Column, place: Place, text: str) -> None:
    """Add a cell's names for the row's provision and the column's year group."""
    cell = split_cell(text)
    for piece in cell.unreadable:
        reading.unread.append(Unread(place, piece, "Not read as a pupil's name."))
    if cell.names:
        reading.assignments.append(Assignment(row, column, place, cell.label, cell.names))


def _read_map(view: _View, header: int, school: School, reading: Reading) -> None:
    """Read a map: provisions down the side, year groups (or classes) across the top."""
    columns, optional, others = _sort_columns(view, header, school)
    provision_col = _provision_column(view, header, min(columns), others)
    for c, heading in others.items():
        if (
            c != provision_col
            and heading
            and any(view.text(r, c) for r in range(header + 1, view.rows))
        ):
            reading.notes.append(
                f"{view.place(header, c).sheet}: the column headed “{heading}” "
                f"({view.place(header, c).column_name}) was not used."
            )
    section_area: str | None = None
    section_wave: int | None = None
    for r in range(header + 1, view.rows):
        name = view.text(r, provision_col)
        cells = {c: view.text(r, c) for c in columns if view.text(r, c)}
        extras = {c: view.text(r, c) for c in optional if view.text(r, c)}
        if not (name or cells or extras):
            continue
        if sum(1 for c in columns if school.column(view.text(r, c))) >= 2:
            continue  # the heading repeated further down
        if name and not cells and not extras and _is_section(name):
            found_area = words.area(name)
            section_area = found_area.value if found_area else section_area
            section_wave = words.wave(name) if "wave" in name.casefold() else section_wave
            continue
        if not name:
            reading.unread.append(
                Unread(
                    view.place(r, provision_col),
                    "; ".join(cells.values())[:80],
                    "Names with no provision on their row; left out.",
                )
            )
            continue
        row = ProvisionRow(
            name=" ".join(name.split()),
            place=view.place(r, provision_col),
            area=section_area,
            wave=section_wave,
        )
        for c, text in extras.items():
            _read_optional(row, optional[c], text, view.place(r, c), reading)
        reading.provisions.append(row)
        for c, text in cells.items():
            _add_cell(reading, row, columns[c], view.place(r, c), text)


def _sort_columns(
    view: _View, header: int, school: School
) -> tuple[dict[int, Column], dict[int, str], dict[int, str]]:
    """The map's year-group columns, its optional columns by kind, and the other headings."""
    columns: dict[int, Column] = {}
    optional: dict[int, str] = {}
    others: dict[int, str] = {}
    for c in range(view.columns):
        heading = view.text(header, c)
        column = school.column(heading)
        if column is not None:
            columns[c] = column
            continue
        kind = words.optional_column(_heading(view, header, c))
        if kind is not None:
            optional[c] = kind
        else:
            others[c] = _heading(view, header, c)
    return columns, optional, others


def _provision_column(view: _View, header: int, first_year: int, others: dict[int, str]) -> int:
    """The column naming the provisions: by its heading, else the first filled one
    before the year groups, else the first other column."""
    provision_col = next(
        (c for c, h in others.items() if squash(h) in words.PROVISION_HEADINGS), None
    )
    if provision_col is None:
        filled = [
            c
            for c in others
            if c < first_year and any(view.text(r, c) for r in range(header + 1, view.rows))
        ]
        provision_col = filled[0] if filled else min(others, default=0)
    return provision_col


def _is_section(text: str) -> bool:
    """A heading over a block of provisions: "Wave 2 literacy intervention", "SEMH"."""
    lowered = text.casefold().strip()
    exact = squash(text) in {squash(a.value) for a in AreaOfNeed} | {
        squash(a.label) for a in AreaOfNeed
    }
    return exact or "wave" in lowered or lowered.endswith(("intervention", "interventions"))


def _find(keys: list[str], choices: tuple[str, ...]) -> int | None:
    """The index of the first heading among choices, or None."""
    return next((c for c, k in enumerate(keys) if k in choices), None)


def _read_long_list(
    view: _View, header: int, keys: list[str], school: School, reading: Reading
) -> None:
    """Read a long list: one row per pupil and provision, merged into provisions."""
    name_cols = (
        _find(keys, words.NAME_HEADINGS),
        _find(keys, words.FORENAME_HEADINGS),
        _find(keys, words.SURNAME_HEADINGS),
    )
    provision_col = _find(keys, words.PROVISION_HEADINGS)
    year_col = _find(keys, words.YEAR_HEADINGS)
    group_col = _find(keys, words.GROUP_HEADINGS)
    assert provision_col is not None
    optional = {c: kind for c, k in enumerate(keys) if (kind := words.optional_column(k))}
    rows: dict[str, ProvisionRow] = {}
    for r in range(header + 1, view.rows):
        values = [view.text(r, c) for c in range(view.columns)]
        if not any(values):
            continue
        name, name_place = _long_list_name(view, r, *name_cols)
        provision = " ".join(view.text(r, provision_col).split())
        if not provision:
            reading.unread.append(
                Unread(view.place(r, provision_col), name, "No provision on this row; left out.")
            )
            continue
        column = _long_list_column(view, r, year_col, school, reading)
        if column is None:
            continue
        key = words.provision_key(provision)
        row = rows.get(key)
        if row is None:
            row = ProvisionRow(provision, view.place(r, provision_col))
            rows[key] = row
            reading.provisions.append(row)
        for c, kind in optional.items():
            text = view.text(r, c)
            if text:
                _read_optional(row, kind, text, view.place(r, c), reading)
        label = view.text(r, group_col) if group_col is not None else ""
        if not name:
            reading.unread.append(Unread(name_place, "", "No pupil's name on this row."))
            continue
        cell = split_cell(name)
        for piece in cell.unreadable:
            reading.unread.append(Unread(name_place, piece, "Not read as a pupil's name."))
        if cell.names:
            reading.assignments.append(
                Assignment(row, column, name_place, label or cell.label, cell.names)
            )


def _long_list_name(
    view: _View, r: int, name_col: int | None, forename_col: int | None, surname_col: int | None
) -> tuple[str, Place]:
    """The pupil's name on a long list's row, from one column or forename and surname."""
    if name_col is not None:
        return view.text(r, name_col), view.place(r, name_col)
    assert forename_col is not None
    assert surname_col is not None
    name = f"{view.text(r, forename_col)} {view.text(r, surname_col)}".strip()
    return name, view.place(r, forename_col)


def _long_list_column(
    view: _View, r: int, year_col: int | None, school: School, reading: Reading
) -> Column | None:
    """The year group (or class) a long list's row is for; None, noted, to leave it out."""
    if year_col is None:
        return Column(None)
    year_text = view.text(r, year_col)
    found = school.column(year_text)
    if found is None:
        reason = (
            "Not one of the school's year groups or classes; the row was left out."
            if year_text
            else "No year group on this row; left out."
        )
        reading.unread.append(Unread(view.place(r, year_col), year_text, reason))
    return found
