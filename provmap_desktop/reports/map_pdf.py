"""The whole-school provision map as a PDF: provisions × year groups, on landscape pages.

One table: a header row (Provision | Reception | Year 1 | … | Total) repeated on
every page, a shaded row naming each area of need, then one row per provision with
its wave and frequency, and in each year group's cell the groups running there (staff
and slot) with their pupils' names, one per line. A last row totals distinct pupils
and adult hours a week per year group. Rows taller than a page split across pages,
so a cell with many names is never cut off.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import SchoolClass, SchoolSettings, Staff
from ..models.vocab import AREA_LABELS, AreaOfNeed, SenStatus
from ..services.formatting import format_date, format_money
from ..services.provision_map import (
    GroupInfo,
    MapFilters,
    MapRow,
    MapSnapshot,
    MapTotals,
    MemberInfo,
    YearGroupColumn,
    build_map,
)
from .base import (
    STYLES,
    ReportDocument,
    ReportInfo,
    continued,
    make_table,
    markup_para,
    para,
    write_pdf,
)

#: Light fills for the area-of-need rows; the area's name is always printed too.
AREA_FILLS: dict[str, colors.Color] = {
    AreaOfNeed.COMMUNICATION.value: colors.HexColor("#dbe9f7"),
    AreaOfNeed.COGNITION.value: colors.HexColor("#def0da"),
    AreaOfNeed.SEMH.value: colors.HexColor("#fbe8cf"),
    AreaOfNeed.SENSORY.value: colors.HexColor("#ebe1f3"),
}
TOTAL_FILL = colors.HexColor("#f1f1f1")
PROVISION_SHARE = 0.17
TOTAL_WIDTH = 62.0


def hours_text(minutes: int) -> str:
    """Adult time a week in hours: 90 minutes -> ``1.5 h``, 50 -> ``0.83 h``."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    text = f"{hours:f}".rstrip("0").rstrip(".")
    return f"{text} h"


def totals_text(totals: MapTotals) -> str:
    pupils = "1 pupil" if totals.pupils == 1 else f"{totals.pupils} pupils"
    return f"{pupils}\n{hours_text(totals.adult_minutes_per_week)} a week"


def _member_line(group: GroupInfo, member: MemberInfo, snapshot: MapSnapshot) -> str:
    # A date is printed only when it is news: the pupil joined after the group started,
    # or left before it ended, inside the period shown.
    notes = []
    if group.joined_late(member, snapshot.period_start):
        notes.append(f"from {format_date(member.join_date)}")
    if member.leave_date is not None and group.left_early(member, snapshot.period_end):
        notes.append(f"left {format_date(member.leave_date)}")
    text = escape(member.display_name)
    return f"{text} <font size=8>({', '.join(notes)})</font>" if notes else text


def _group_flowables(group: GroupInfo, snapshot: MapSnapshot, name: str) -> list[Flowable]:
    """The group's name (if it has one worth printing), staff and slot, then its pupils.

    A paragraph per name lets a cell split across pages between names.
    """
    who = escape(group.staff_name) if group.staff_name else "No staff set"
    heading = f"<b>{who}</b>"
    if group.slot_text:
        heading += f" · {escape(group.slot_text)}"
    if name:
        heading = f"<i>{escape(name)}</i><br/>{heading}"
    names = [_member_line(group, m, snapshot) for m in group.members] or ["<i>No pupils</i>"]
    return [markup_para(heading), *(markup_para(line) for line in names)]


def _cell(
    groups: list[GroupInfo], snapshot: MapSnapshot, row: MapRow, column: YearGroupColumn
) -> list[Flowable]:
    out: list[Flowable] = []
    for i, group in enumerate(groups):
        if i:
            out.append(Spacer(1, 4))
        out.extend(_group_flowables(group, snapshot, group.label(row.name, column.name)))
    return out


def _row_header(row: MapRow) -> Paragraph:
    lines = [f"<b>{escape(row.name)}</b>", f"Wave {row.wave} · {escape(row.frequency_text)}"]
    if row.cost_per_pupil is not None:
        lines.append(f"{format_money(row.cost_per_pupil)} per pupil")
    if row.retired:
        lines.append("<i>(retired)</i>")
    return continued(markup_para("<br/>".join(lines)), f"{row.name} (continued)")


def _filters_text(session: Session, filters: MapFilters) -> str:
    parts = []
    if filters.areas:
        parts.append(", ".join(AREA_LABELS[AreaOfNeed(a)] for a in sorted(filters.areas)))
    if filters.waves:
        parts.append(", ".join(f"Wave {w}" for w in sorted(filters.waves)))
    if filters.sen_statuses:
        parts.append(", ".join(SenStatus(s).label for s in sorted(filters.sen_statuses)))
    if filters.class_ids:
        names = session.scalars(
            select(SchoolClass.name).where(SchoolClass.id.in_(filters.class_ids))
        )
        parts.append("Class " + ", ".join(sorted(names)))
    if filters.staff_ids:
        names = session.scalars(select(Staff.name).where(Staff.id.in_(filters.staff_ids)))
        parts.append(", ".join(sorted(names)))
    return "Showing only: " + "; ".join(parts) if parts else ""


def map_story(
    snapshot: MapSnapshot, width: float, height: float, *, note: str = ""
) -> list[Flowable]:
    """The map's flowables for a frame ``width`` × ``height`` points."""
    story: list[Flowable] = []
    if note:
        story.append(para(note, "small"))
        story.append(Spacer(1, 4))
    if not snapshot.rows:
        story.append(para("No provisions match this period and these filters.", "body"))
        return story
    columns = snapshot.columns
    first = max(110.0, width * PROVISION_SHARE)
    each = (width - first - TOTAL_WIDTH) / max(len(columns), 1)
    widths = [first, *([each] * len(columns)), TOTAL_WIDTH]
    header = ["Provision", *(c.name for c in columns), "Total"]
    rows: list[list[object]] = []
    extra: list[tuple[object, ...]] = []
    last = len(header) - 1
    for area, waves in snapshot.sections():
        r = len(rows) + 1  # the header is row 0
        label = AREA_LABELS.get(AreaOfNeed(area), area)
        rows.append([para(label, STYLES["cell_bold"]), *([""] * last)])
        extra += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), AREA_FILLS.get(area, TOTAL_FILL)),
        ]
        for _wave, provision_rows in waves:
            for row in provision_rows:
                rows.append(
                    [
                        _row_header(row),
                        *(_cell(row.cells.get(c.id, []), snapshot, row, c) for c in columns),
                        totals_text(row.totals),
                    ]
                )
        # Keep an area's heading with its first provision, unless that row is so tall
        # it must split anyway (a block that cannot split would not fit on a page).
        if _estimated_height(rows[r], widths) < height * 0.6:
            extra.append(("NOSPLIT", (0, r), (-1, r + 1)))
    r = len(rows) + 1
    rows.append(
        [
            para("Total pupils and adult hours a week", STYLES["cell_bold"]),
            *(totals_text(snapshot.column_totals(c.id)) for c in columns),
            totals_text(snapshot.grand_totals),
        ]
    )
    extra.append(("BACKGROUND", (0, r), (-1, r), TOTAL_FILL))
    story.append(make_table(header, rows, widths, extra_style=extra, frame_height=height))
    return story


def _estimated_height(cells: list[object], widths: list[float]) -> float:
    """Roughly how tall a table row of these cells will be, padding included."""
    tallest = 0.0
    for value, width in zip(cells, widths, strict=True):
        flowables = value if isinstance(value, list) else [value]
        height = sum(f.wrap(width - 6, 1e6)[1] for f in flowables if isinstance(f, Flowable))
        tallest = max(tallest, height)
    return tallest + 5


def _school_name(session: Session) -> str:
    return session.scalar(select(SchoolSettings.name)) or ""


def write_map_pdf(
    session: Session,
    path: str | Path,
    *,
    academic_year_id: int,
    term_name: str | None = None,
    page_size: str = "A4",
    filters: MapFilters | None = None,
    snapshot: MapSnapshot | None = None,
    printed_on: dt.date | None = None,
) -> Path:
    """Write the whole-school map of the term (or year) to ``path`` on landscape pages.

    Pass ``snapshot`` to print a map already built (for instance with costs filled
    in by the caller); otherwise it is built here with ``filters``.
    """
    if snapshot is None:
        snapshot = build_map(session, academic_year_id, term_name, filters=filters)
    period = (
        f"{snapshot.period_text} ({format_date(snapshot.period_start)} to "
        f"{format_date(snapshot.period_end)})"
    )
    info = ReportInfo(
        title="Provision map",
        school_name=_school_name(session),
        period_text=period,
        printed_on=printed_on or dt.date.today(),
        footer_note="Confidential: pupils' special educational needs.",
    )
    note = _filters_text(session, snapshot.filters)

    def story(doc: ReportDocument) -> list[Flowable]:
        return map_story(snapshot, doc.story_width, doc.story_height, note=note)

    return write_pdf(path, info, story, page_size=page_size, landscape_pages=True)
