"""The provision map as a spreadsheet (.xlsx and .csv).

"Map" has one row per pupil's membership of a group that overlaps the period (a group
with no members then has one row, pupil columns blank), so it can be filtered or
pivoted in Excel; "By year group" has one row per provision and year group (the map's
cells) with the number of pupils and their names. Archived pupils are left out, as on
the map. The map CSV holds the "Map" rows. The file formats are told in
``spreadsheet``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import SchoolClass
from ..models.vocab import SenStatus
from .costed_lines import area_label
from .map_building import build_map
from .provision_map import GroupInfo, MapRow, MapSnapshot, YearGroupColumn
from .spreadsheet import Column, Row, Table, spreadsheet_suffix, write_csv, write_xlsx

_MAP_COLUMNS = [
    Column("Provision", width=30),
    Column("Area of need", width=30),
    Column("Wave", "int", 7),
    Column("Group", width=18),
    Column("Year group", width=12),
    Column("Class", width=10),
    Column("Staff", width=18),
    Column("Timetable", width=18),
    Column("Group starts", "date", 12),
    Column("Group ends", "date", 12),
    Column("UPN", width=15),
    Column("Pupil", width=24),
    Column("Pupil's year group", width=12),
    Column("SEN status", width=14),
    Column("Joined", "date", 12),
    Column("Left", "date", 12),
]


_CELL_COLUMNS = [
    Column("Provision", width=30),
    Column("Area of need", width=30),
    Column("Wave", "int", 7),
    Column("Year group", width=12),
    Column("Pupils", "int", 8),
    Column("Who", width=80),
]


class _Names:
    """The names the rows show for year groups and classes, by id."""

    def __init__(self, snapshot: MapSnapshot, classes: dict[int, str]) -> None:
        """Index the snapshot's year group names and the classes given."""
        self.year_groups = {column.id: column.name for column in snapshot.columns}
        self.classes = classes

    def year_group(self, year_group_id: int | None) -> str:
        """The year group's name, blank for none."""
        return self.year_groups.get(year_group_id, "") if year_group_id else ""

    def school_class(self, class_id: int | None) -> str:
        """The class's name, blank for none."""
        return self.classes.get(class_id, "") if class_id else ""


def _group_rows(
    snapshot: MapSnapshot,
    map_row: MapRow,
    group: GroupInfo,
    names: _Names,
    who: dict[int, str],
) -> list[Row]:
    """The "Map" rows of one group: one per member, or one blank-pupil row for none."""
    base: list[Any] = [
        map_row.name,
        area_label(map_row.area),
        map_row.wave,
        group.name,
        names.year_group(group.year_group_id),
        names.school_class(group.class_id),
        group.staff_name,
        group.slot_text,
        group.start_date,
        group.end_date,
    ]
    if not group.members:
        return [[*base, None, None, None, None, None, None]]
    rows: list[Row] = []
    for member in group.members:
        pupil = snapshot.pupils[member.pupil_id]
        who.setdefault(pupil.id, pupil.display_name)
        rows.append(
            [
                *base,
                pupil.upn,
                pupil.display_name,
                names.year_group(pupil.year_group_id),
                SenStatus(pupil.sen_status).label,
                member.join_date,
                member.leave_date,
            ]
        )
    return rows


def _cell_row(map_row: MapRow, column: YearGroupColumn, who: dict[int, str]) -> Row:
    """The "By year group" row of one cell: its distinct pupils and their names."""
    return [
        map_row.name,
        area_label(map_row.area),
        map_row.wave,
        column.name,
        len(who),
        ", ".join(who.values()),
    ]


def map_tables(
    session: Session, academic_year_id: int, term_name: str | None = None
) -> list[Table]:
    """The provision map of the period (``map_building.build_map``) as two tables.

    "Map": one row per membership overlapping the period, in the map's order (area of
    need, wave, provision, year group); a group with no members has one row.
    "By year group": one row per provision and year group holding groups, with the
    number of distinct pupils and their names.
    """
    snapshot = build_map(session, academic_year_id, term_name)
    classes = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
    names = _Names(snapshot, classes)  # type: ignore[arg-type]
    rows: list[Row] = []
    cells: list[Row] = []
    for map_row in snapshot.rows:
        for column in snapshot.columns:
            groups = map_row.cells.get(column.id, [])
            who: dict[int, str] = {}
            for group in groups:
                rows.extend(_group_rows(snapshot, map_row, group, names, who))
            if groups:
                cells.append(_cell_row(map_row, column, who))
    return [
        Table("Map", list(_MAP_COLUMNS), rows),
        Table("By year group", list(_CELL_COLUMNS), cells),
    ]


def export_map_xlsx(
    session: Session, path: Path, *, academic_year_id: int, term_name: str | None = None
) -> Path:
    """Write the provision map of the period as a workbook to ``path``."""
    return write_xlsx(path, map_tables(session, academic_year_id, term_name))


def export_map_csv(
    session: Session, path: Path, *, academic_year_id: int, term_name: str | None = None
) -> Path:
    """Write the provision map's membership rows as CSV to ``path``."""
    return write_csv(path, map_tables(session, academic_year_id, term_name)[0])


def export_map(session: Session, path: Path, **options: Any) -> Path:
    """``export_map_xlsx`` or ``export_map_csv`` by the file name's suffix."""
    if spreadsheet_suffix(path) == ".xlsx":
        return export_map_xlsx(session, path, **options)
    return export_map_csv(session, path, **options)
