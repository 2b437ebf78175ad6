"""The costed map and the provision map as spreadsheets (.xlsx with openpyxl, and .csv).

Files are written by ``services.spreadsheet`` (atomically: a temporary file in the same
folder, then moved over the target).

Costed map workbook (``export_costed_xlsx``), from ``costed_tables.costed_summary``:

- "Costed map": one row per group with the parts its cost is made of (hourly rate,
  session cost, sessions a week, teaching weeks, staff, external and resources costs),
  its planned cost and cost to date, pupils costed, the average cost per pupil and a
  note where the figures need one (a 1:1 group holding several pupils at once);
- "By provision"; "Totals" (by year group, area of need, wave, funding stream, staff);
- "Pupils" (each pupil's planned cost and cost to date in the period), then the cost
  of days when a group had no pupils, if any, and a total row equal to the map's total
  (the engine's, rounded once: not the sum of the rounded rows above it);
- "Threshold" (each pupil's annual total against the school's threshold);
- "Budget" (each funding stream's budget and planned spend; whole school only).

Money cells hold numbers rounded to the penny with the format ``£#,##0.00``, dates are
real dates shown dd/mm/yyyy, the header row is frozen. The costed CSV holds the
"Costed map" rows and a total row.

Provision map (``export_map_xlsx``), from ``provision_map.build_map``: "Map" has one row
per pupil's membership of a group that overlaps the period (a group with no members
then has one row, pupil columns blank), so it can be filtered or pivoted in Excel; "By
year group" has one row per provision and year group (the map's cells) with the number
of pupils and their names. Archived pupils are left out, as on the map. The map CSV holds
the "Map" rows. CSV files are UTF-8 with a byte-order mark so Excel reads £ and accents,
and hold amounts as plain numbers (27.00) and dates as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import SchoolClass
from ..models.vocab import SenStatus
from .cost_limits import BudgetTotals
from .costed_columns import COSTED_MAP_COLUMNS
from .costed_tables import (
    CostedSummary,
    area_label,
    costed_summary,
    threshold_difference_words,
)
from .costing import Totals
from .formatting import round_money
from .provision_map import build_map
from .spreadsheet import Column, Row, Table, write_csv, write_xlsx

# -- the costed map ------------------------------------------------------------------

_TOTAL_COLUMNS = [
    Column("Heading", width=16),
    Column("Name", width=38),
    Column("Planned cost", "money"),
    Column("Cost to date", "money"),
]


def costed_tables(summary: CostedSummary) -> list[Table]:
    """The sheets of the costed map workbook; the first is also the CSV."""
    groups = Table(
        "Costed map",
        [Column(c.heading, c.kind, c.width) for c in COSTED_MAP_COLUMNS],
        [[c.value(g) for c in COSTED_MAP_COLUMNS] for g in summary.groups],
    )
    tables = [
        groups,
        _provisions_table(summary),
        _totals_table(summary),
        _pupils_table(summary),
        _threshold_table(summary),
    ]
    if summary.budget is not None:
        tables.append(_budget_table(summary.budget))
    return tables


def _provisions_table(summary: CostedSummary) -> Table:
    """Each provision's groups, pupils and costs."""
    return Table(
        "By provision",
        [
            Column("Provision", width=30),
            Column("Area of need", width=30),
            Column("Wave", "int", 7),
            Column("Funding stream", width=22),
            Column("Groups", "int", 8),
            Column("Pupils", "int", 8),
            Column("Cost per pupil (average)", "money", 16),
            Column("Planned cost", "money"),
            Column("Cost to date", "money"),
        ],
        [
            [
                p.name,
                p.area,
                p.wave,
                p.funding_stream,
                p.groups,
                p.pupils,
                p.cost_per_pupil,
                p.planned,
                p.to_date,
            ]
            for p in summary.provisions
        ],
    )


def _totals_table(summary: CostedSummary) -> Table:
    """The whole map's total, then the totals under every heading."""
    totals: list[Row] = [["Whole map", summary.scope_label, summary.planned, summary.to_date]]
    for heading, lines in (
        ("Year group", summary.by_year_group),
        ("Area of need", summary.by_area),
        ("Wave", summary.by_wave),
        ("Funding stream", summary.by_funding_stream),
        ("Staff", summary.by_staff),
    ):
        totals += [[heading, line.heading, line.planned, line.to_date] for line in lines]
    return Table("Totals", list(_TOTAL_COLUMNS), totals)


def _pupils_table(summary: CostedSummary) -> Table:
    """Each pupil's cost in the period, and the map's total."""
    return Table(
        "Pupils",
        [
            Column("UPN", width=15),
            Column("Pupil", width=24),
            Column("Year group", width=12),
            Column("Class", width=10),
            Column("SEN status", width=14),
            Column("Planned cost", "money"),
            Column("Cost to date", "money"),
        ],
        _pupil_rows(summary),
    )


def _threshold_table(summary: CostedSummary) -> Table:
    """Each pupil's annual total against the school's threshold."""
    return Table(
        "Threshold",
        [
            Column("UPN", width=15),
            Column("Pupil", width=24),
            Column("Year group", width=12),
            Column("Annual total", "money"),
            Column("Threshold", "money"),
            Column("Difference", "money"),
            Column("Against the threshold", width=24),
            Column("At or above", width=12),
            Column("Near", width=8),
        ],
        [
            [
                r.upn,
                r.name,
                r.year_group,
                r.annual_total,
                r.threshold,
                r.difference,
                threshold_difference_words(r.annual_total, r.threshold),
                "Yes" if r.at_or_above else "",
                "Yes" if r.near else "",
            ]
            for r in summary.threshold.rows
        ],
    )


def _budget_table(budget: BudgetTotals) -> Table:
    """Each funding stream's budget against its planned spend and spend to date."""
    return Table(
        "Budget",
        [
            Column("Funding stream", width=28),
            Column("Budget", "money"),
            Column("Planned spend", "money"),
            Column("Spent to date", "money"),
            Column("Remaining", "money"),
            Column("Warning", width=16),
        ],
        [
            [
                b.name,
                b.budget,
                b.planned,
                b.to_date,
                b.remaining,
                "Over budget" if b.overspent else "",
            ]
            for b in budget.rows
        ],
    )


def _pupil_rows(summary: CostedSummary) -> list[Row]:
    """Each pupil's row, the cost in no pupil's share (if any), and the map's total."""
    rows: list[Row] = [
        [p.upn, p.name, p.year_group, p.class_name, p.sen_status, p.planned, p.to_date]
        for p in summary.pupils
    ]
    shared = Totals()
    for p in summary.pupils:
        shared.add(p.planned, p.to_date)
    unshared = (summary.planned - shared.planned, summary.to_date - shared.to_date)
    if round_money(unshared[0]) or round_money(unshared[1]):
        rows.append(
            ["", "Days when a group had no pupils (in no pupil's share)", "", "", "", *unshared]
        )
    rows.append(["Total", "", "", "", "", summary.planned, summary.to_date])
    return rows


def _summary(
    session: Session,
    academic_year_id: int,
    term_name: str | None,
    year_group_id: int | None,
    as_of: dt.date | None,
) -> CostedSummary:
    """The costed summary an export of this period and scope is written from."""
    return costed_summary(
        session, academic_year_id, term_name, year_group_id=year_group_id, as_of=as_of
    )


def export_costed_xlsx(
    session: Session,
    path: Path,
    *,
    academic_year_id: int,
    term_name: str | None = None,
    year_group_id: int | None = None,
    as_of: dt.date | None = None,
) -> Path:
    """Write the costed map workbook for the period (and year group) to ``path``.

    ``as_of`` (default today) bounds the cost to date.
    """
    summary = _summary(session, academic_year_id, term_name, year_group_id, as_of)
    return write_xlsx(path, costed_tables(summary))


def export_costed_csv(
    session: Session,
    path: Path,
    *,
    academic_year_id: int,
    term_name: str | None = None,
    year_group_id: int | None = None,
    as_of: dt.date | None = None,
) -> Path:
    """Write the costed map's group rows and a total row as CSV to ``path``."""
    summary = _summary(session, academic_year_id, term_name, year_group_id, as_of)
    table = costed_tables(summary)[0]
    total: list[Any] = [None] * len(table.columns)
    total[0] = "Total"
    titles = [c.title for c in table.columns]
    total[titles.index("Planned cost")] = summary.planned
    total[titles.index("Cost to date")] = summary.to_date
    total[titles.index("Pupils")] = summary.pupils_costed
    return write_csv(path, Table(table.name, table.columns, [*table.rows, total]))


# -- the provision map ---------------------------------------------------------------

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


def map_tables(
    session: Session, academic_year_id: int, term_name: str | None = None
) -> list[Table]:
    """The provision map of the period (``provision_map.build_map``) as two tables.

    "Map": one row per membership overlapping the period, in the map's order (area of
    need, wave, provision, year group); a group with no members has one row.
    "By year group": one row per provision and year group holding groups, with the
    number of distinct pupils and their names.
    """
    snapshot = build_map(session, academic_year_id, term_name)
    year_groups = {column.id: column.name for column in snapshot.columns}
    classes = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
    rows: list[Row] = []
    cells: list[Row] = []
    for map_row in snapshot.rows:
        area = area_label(map_row.area)
        for column in snapshot.columns:
            groups = map_row.cells.get(column.id, [])
            names: dict[int, str] = {}
            for group in groups:
                base = [
                    map_row.name,
                    area,
                    map_row.wave,
                    group.name,
                    year_groups.get(group.year_group_id, "") if group.year_group_id else "",
                    classes.get(group.class_id, "") if group.class_id else "",
                    group.staff_name,
                    group.slot_text,
                    group.start_date,
                    group.end_date,
                ]
                if not group.members:
                    rows.append([*base, None, None, None, None, None, None])
                for member in group.members:
                    pupil = snapshot.pupils[member.pupil_id]
                    names.setdefault(pupil.id, pupil.display_name)
                    rows.append(
                        [
                            *base,
                            pupil.upn,
                            pupil.display_name,
                            year_groups.get(pupil.year_group_id, "") if pupil.year_group_id else "",
                            SenStatus(pupil.sen_status).label,
                            member.join_date,
                            member.leave_date,
                        ]
                    )
            if groups:
                cells.append(
                    [
                        map_row.name,
                        area,
                        map_row.wave,
                        column.name,
                        len(names),
                        ", ".join(names.values()),
                    ]
                )
    return [
        Table("Map", list(_MAP_COLUMNS), rows),
        Table(
            "By year group",
            [
                Column("Provision", width=30),
                Column("Area of need", width=30),
                Column("Wave", "int", 7),
                Column("Year group", width=12),
                Column("Pupils", "int", 8),
                Column("Who", width=80),
            ],
            cells,
        ),
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


def _by_suffix(path: Path) -> str:
    """``.xlsx`` or ``.csv`` from the file name; any other name is a ValueError."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{Path(path).name}: choose a file name ending in .xlsx or .csv.")
    return suffix


def export_costed(session: Session, path: Path, **options: Any) -> Path:
    """``export_costed_xlsx`` or ``export_costed_csv`` by the file name's suffix.

    Raises ``ValueError`` for any other suffix, before anything is written.
    """
    if _by_suffix(path) == ".xlsx":
        return export_costed_xlsx(session, path, **options)
    return export_costed_csv(session, path, **options)


def export_map(session: Session, path: Path, **options: Any) -> Path:
    """``export_map_xlsx`` or ``export_map_csv`` by the file name's suffix."""
    if _by_suffix(path) == ".xlsx":
        return export_map_xlsx(session, path, **options)
    return export_map_csv(session, path, **options)
