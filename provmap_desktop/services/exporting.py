"""The costed map and the provision map as spreadsheets (.xlsx with openpyxl, and .csv).

Files are written by ``services.spreadsheet`` (atomically: a temporary file in the same
folder, then moved over the target).

Costed map workbook (``export_costed_xlsx``), from ``costed_tables.costed_summary``:

- "Costed map": one row per group with the parts its cost is made of (hourly rate,
  session cost, sessions a week, teaching weeks, staff, external and resources costs),
  its planned cost and cost to date, pupils costed and the average cost per pupil;
- "By provision"; "Totals" (by year group, area of need, wave, funding stream, staff);
- "Pupils" (each pupil's planned cost and cost to date in the period);
- "Threshold" (each pupil's annual total against the school's threshold);
- "Budget" (each funding stream's budget and planned spend; whole school only).

Money cells hold numbers rounded to the penny with the format ``£#,##0.00``, dates are
real dates shown dd/mm/yyyy, the header row is frozen. The costed CSV holds the
"Costed map" rows and a total row.

Provision map (``export_map_xlsx``): "Map" has one row per pupil's membership of a group
that overlaps the period (a group with no members then has one row, pupil columns
blank), so it can be filtered or pivoted in Excel; "By year group" has one row per
provision and year group with the number of pupils and their names. The map CSV holds
the "Map" rows. CSV files are UTF-8 with a byte-order mark so Excel reads £ and accents,
and hold amounts as plain numbers (27.00) and dates as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import AcademicYear, GroupMembership, ProvisionGroup, Pupil
from ..models.vocab import SenStatus
from .calendar import period_range
from .costed_tables import (
    CostedSummary,
    area_label,
    costed_summary,
    threshold_difference_words,
)
from .spreadsheet import Column, Row, Table, write_csv, write_xlsx

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
        [
            Column("Provision", width=30),
            Column("Group", width=18),
            Column("Area of need", width=30),
            Column("Wave", "int", 7),
            Column("Year group", width=12),
            Column("Class", width=10),
            Column("Staff", width=18),
            Column("Funding stream", width=22),
            Column("Starts", "date", 12),
            Column("Ends", "date", 12),
            Column("Sessions a week", "int", 10),
            Column("Minutes a session", "int", 10),
            Column("Hourly rate", "money", 12),
            Column("Session cost", "money", 12),
            Column("Teaching weeks", "weeks", 10),
            Column("Staff cost", "money"),
            Column("External cost", "money"),
            Column("Resources", "money", 12),
            Column("Planned cost", "money"),
            Column("Cost to date", "money"),
            Column("Delivered sessions", "int", 10),
            Column("Pupils", "int", 8),
            Column("Cost per pupil (average)", "money", 16),
        ],
        [
            [
                g.provision,
                g.group,
                g.area,
                g.wave,
                g.year_group,
                g.class_name,
                g.staff,
                g.funding_stream,
                g.start,
                g.end,
                g.sessions_per_week,
                g.session_minutes,
                g.hourly_rate,
                g.session_cost,
                g.teaching_weeks,
                g.staff_cost,
                g.external_cost,
                g.resources_cost,
                g.planned,
                g.to_date,
                g.delivered_sessions,
                g.pupils,
                g.cost_per_pupil,
            ]
            for g in summary.groups
        ],
    )
    provisions = Table(
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
    totals: list[Row] = [["Whole map", summary.scope_label, summary.planned, summary.to_date]]
    for heading, lines in (
        ("Year group", summary.by_year_group),
        ("Area of need", summary.by_area),
        ("Wave", summary.by_wave),
        ("Funding stream", summary.by_funding_stream),
        ("Staff", summary.by_staff),
    ):
        totals += [[heading, line.heading, line.planned, line.to_date] for line in lines]
    pupils = Table(
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
        [
            [p.upn, p.name, p.year_group, p.class_name, p.sen_status, p.planned, p.to_date]
            for p in summary.pupils
        ],
    )
    report = summary.threshold
    threshold = Table(
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
            for r in report.rows
        ],
    )
    tables = [groups, provisions, Table("Totals", list(_TOTAL_COLUMNS), totals), pupils, threshold]
    if summary.budget is not None:
        tables.append(
            Table(
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
                    for b in summary.budget.rows
                ],
            )
        )
    return tables


def _summary(
    session: Session,
    academic_year_id: int,
    term_name: str | None,
    year_group_id: int | None,
    as_of: dt.date | None,
) -> CostedSummary:
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


def _timetable(group: ProvisionGroup) -> str:
    return ", ".join(
        WEEKDAYS[slot.weekday] + (f" {slot.start_time:%H:%M}" if slot.start_time else "")
        for slot in group.slots
    )


def map_tables(
    session: Session, academic_year_id: int, term_name: str | None = None
) -> list[Table]:
    """The provision map of the period: membership rows, and provision by year group."""
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year_id}.")
    start, end = period_range(year, term_name)
    groups = session.scalars(
        select(ProvisionGroup)
        .where(
            ProvisionGroup.academic_year_id == year.id,
            ProvisionGroup.start_date <= end,
            ProvisionGroup.end_date >= start,
        )
        .options(
            selectinload(ProvisionGroup.provision),
            selectinload(ProvisionGroup.slots),
            selectinload(ProvisionGroup.year_group),
            selectinload(ProvisionGroup.school_class),
            selectinload(ProvisionGroup.staff),
        )
    ).all()
    members: dict[int, list[GroupMembership]] = defaultdict(list)
    for membership in session.scalars(
        select(GroupMembership)
        .join(Pupil)
        .where(
            GroupMembership.group_id.in_([g.id for g in groups]),
            GroupMembership.join_date <= end,
            or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= start),
            Pupil.archived.is_(False),
        )
        .options(selectinload(GroupMembership.pupil).selectinload(Pupil.year_group))
    ):
        members[membership.group_id].append(membership)

    def group_key(g: ProvisionGroup) -> tuple[Any, ...]:
        order = g.year_group.sort_order if g.year_group else 99
        return (g.provision.name.lower(), order, g.start_date, g.id)

    rows: list[Row] = []
    by_cell: dict[tuple[str, str], list[str]] = defaultdict(list)
    cell_info: dict[tuple[str, str], tuple[Any, ...]] = {}
    for group in sorted(groups, key=group_key):
        provision = group.provision
        base = [
            provision.name,
            area_label(provision.area),
            provision.wave,
            group.name,
            group.year_group.name if group.year_group else "",
            group.school_class.name if group.school_class else "",
            group.staff.name if group.staff else "",
            _timetable(group),
            group.start_date,
            group.end_date,
        ]
        cell = (provision.name, base[4])
        cell_info.setdefault(
            cell, (provision.name, base[1], provision.wave, base[4], group_key(group))
        )
        in_group = sorted(members[group.id], key=lambda m: (m.pupil.surname, m.pupil.forename))
        if not in_group:
            rows.append([*base, None, None, None, None, None, None])
        for m in in_group:
            pupil = m.pupil
            rows.append(
                [
                    *base,
                    pupil.upn,
                    pupil.display_name,
                    pupil.year_group.name if pupil.year_group else "",
                    SenStatus(pupil.sen_status).label,
                    m.join_date,
                    m.leave_date,
                ]
            )
            if pupil.display_name not in by_cell[cell]:
                by_cell[cell].append(pupil.display_name)
    summary_rows = [
        [name, area, wave, year_group, len(by_cell.get(key, [])), ", ".join(by_cell.get(key, []))]
        for key, (name, area, wave, year_group, _order) in sorted(
            cell_info.items(), key=lambda item: item[1][4]
        )
    ]
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
            summary_rows,
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
