"""The whole-school provision map as a PDF: provisions × year groups, on landscape pages.

One table: a header row (Provision | Reception | Year 1 | … | Total) repeated on
every page, a shaded row naming each area of need, then one row per provision with
its wave and frequency, and in each year group's cell the groups running there (staff
and slot) with their pupils' names. A last row totals distinct pupils and adult hours
a week per year group; provisions that no pupil attends in the period are listed
once, after the table ("Also offered: …"), rather than as empty rows.

The cells are compact text blocks (``name_block.NameBlock``), not a paragraph per
name: each name's width is measured once, names run on a line separated by commas
while they fit, and a name moves to the next line whole. Year-group columns are as wide as their
content needs, so an empty column is narrow. Rows taller than a page split across
pages between lines, so a cell with many names is never cut off. No text is smaller
than 8 pt.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import SchoolClass, SchoolSettings, Staff
from ..models.vocab import AREA_LABELS, AreaOfNeed, SenStatus
from ..services.formatting import format_date, format_money
from ..services.map_building import build_map
from ..services.provision_map import (
    GroupInfo,
    MapFilters,
    MapRow,
    MapSnapshot,
    MapTotals,
    MemberInfo,
    YearGroupColumn,
)
from .base import STYLES, continued, make_table, markup_para, para, write_pdf
from .markup import escape
from .name_block import NameBlock, Piece, text_width
from .page import FONT, FONT_BOLD, FONT_ITALIC, ReportDocument, ReportInfo

#: Light fills for the area-of-need rows; the area's name is always printed too.
AREA_FILLS: dict[str, colors.Color] = {
    AreaOfNeed.COMMUNICATION.value: colors.HexColor("#dbe9f7"),
    AreaOfNeed.COGNITION.value: colors.HexColor("#def0da"),
    AreaOfNeed.SEMH.value: colors.HexColor("#fbe8cf"),
    AreaOfNeed.SENSORY.value: colors.HexColor("#ebe1f3"),
}
TOTAL_FILL = colors.HexColor("#f1f1f1")


def hours_text(minutes: int) -> str:
    """Adult time a week in hours: 90 minutes -> ``1.5 h``, 50 -> ``0.83 h``."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    text = f"{hours:f}".rstrip("0").rstrip(".")
    return f"{text} h"


def totals_text(totals: MapTotals) -> str:
    """A row's or column's totals: distinct pupils, then adult hours a week."""
    pupils = "1 pupil" if totals.pupils == 1 else f"{totals.pupils} pupils"
    return f"{pupils}\n{hours_text(totals.adult_minutes_per_week)} a week"


CELL_PADDING = 4.0  # left and right padding of a map cell together
GROUP_GAP = 3.0
EMPTY_COLUMN = 44.0
TOTAL_MIN = 40.0
PROVISION_MIN, PROVISION_MAX = 60.0, 150.0


def _member_piece(group: GroupInfo, member: MemberInfo, snapshot: MapSnapshot) -> Piece:
    """A pupil's name, with the date they joined or left when that is news."""
    # A date is printed only when it is news: the pupil joined after the group started,
    # or left before it ended, inside the period shown.
    notes = []
    if group.joined_late(member, snapshot.period_start):
        notes.append(f"from {format_date(member.join_date)}")
    if member.leave_date is not None and group.left_early(member, snapshot.period_end):
        notes.append(f"left {format_date(member.leave_date)}")
    if notes:
        return Piece(((member.display_name, FONT), (f" ({', '.join(notes)})", FONT)))
    return Piece(((member.display_name, FONT),))


def _group_lines(group: GroupInfo, snapshot: MapSnapshot, name: str) -> list[list[Piece]]:
    """The group's name (if worth printing), its staff and slot, then its pupils."""
    lines: list[list[Piece]] = []
    if name:
        lines.append([Piece(((name, FONT_ITALIC),))])
    who = group.staff_name or "No staff set"
    heading = [Piece(((who, FONT_BOLD),))]
    if group.slot_text:
        heading.append(Piece(((group.slot_text, FONT),), sep=" · "))
    lines.append(heading)
    members = [_member_piece(group, m, snapshot) for m in group.members]
    lines.append(members or [Piece((("No pupils", FONT_ITALIC),))])
    return lines


def _cell(
    groups: list[GroupInfo], snapshot: MapSnapshot, row: MapRow, column: YearGroupColumn
) -> list[Flowable]:
    """A year group's cell in a provision's row: one name block per group."""
    out: list[Flowable] = []
    for i, group in enumerate(groups):
        if i:
            out.append(Spacer(1, GROUP_GAP))
        out.append(NameBlock(_group_lines(group, snapshot, group.label(row.name, column.name))))
    return out


def _natural_width(group: GroupInfo, snapshot: MapSnapshot) -> float:
    """How wide a group's block wants to be: its widest name with any note.

    A name is never broken if the page allows; a long heading may wrap at its spaces.
    """
    return max((_member_piece(group, m, snapshot).width for m in group.members), default=0.0)


def column_widths(
    snapshot: MapSnapshot, rows: list[MapRow], width: float
) -> tuple[float, list[float], float]:
    """Widths of the provision column, each year-group column and the total column.

    Each year-group column needs its widest name or group heading; an empty column
    needs only its heading. What is left is shared in proportion to need; when the
    needs add up to more than the page, each is scaled down alike (names then wrap).
    """
    first = min(
        PROVISION_MAX,
        max(
            [PROVISION_MIN]
            + [text_width(r.name, FONT_BOLD) + CELL_PADDING for r in rows]
            + [text_width(_wave_line(r)) + CELL_PADDING for r in rows]
        ),
    )
    total = max(
        [TOTAL_MIN]
        + [
            text_width(line) + CELL_PADDING
            for totals in (r.totals for r in rows)  # the grand total may wrap
            for line in totals_text(totals).split("\n")
        ]
    )
    needs = []
    for column in snapshot.columns:
        need = text_width(column.name, FONT_BOLD, 8.5) + CELL_PADDING
        for row in rows:
            for group in row.cells.get(column.id, []):
                need = max(need, _natural_width(group, snapshot) + CELL_PADDING)
        needs.append(max(need, EMPTY_COLUMN))
    room = width - first - total
    wanted = sum(needs)
    if wanted >= room:
        return first, [n * room / wanted for n in needs], total
    # Spare room goes to the columns with content, in proportion to their need.
    weights = [n if n > EMPTY_COLUMN else 0.0 for n in needs]
    if not any(weights):
        weights = needs
    spare = (room - wanted) / sum(weights)
    return first, [n + spare * w for n, w in zip(needs, weights, strict=True)], total


def _wave_line(row: MapRow) -> str:
    """The provision's wave and how often it runs, as one line."""
    return f"Wave {row.wave} · {row.frequency_text}"


def _row_header(row: MapRow) -> list[Flowable]:
    """The provision's cell: name, wave and frequency, cost per pupil, retired.

    Each line is plain text in its own font (``para``), stacked: the lines a mark-up
    paragraph with line breaks gave, without parsing mark-up for every row of the map.
    """
    name = " ".join(row.name.split())
    lines = [para(name, "cell_bold"), para(_wave_line(row))]
    if row.cost_per_pupil is not None:
        lines.append(para(f"{format_money(row.cost_per_pupil)} per pupil"))
    if row.retired:
        lines.append(para("(retired)", "cell_italic"))
    continued(lines[0], f"{row.name} (continued)")
    return lines


def _filters_text(session: Session, filters: MapFilters) -> str:
    """The note saying which filters narrow the map, or nothing."""
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
    shown = [row for row in snapshot.rows if row.totals.pupils]
    offered = [row for row in snapshot.rows if not row.totals.pupils]
    first, each, total = column_widths(snapshot, shown, width)
    widths = [first, *each, total]
    header = ["Provision", *(c.name for c in snapshot.columns), "Total"]
    rows, extra = _table_body(snapshot, widths, height)
    extra += [
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
    ]
    story.append(make_table(header, rows, widths, extra_style=extra, frame_height=height))
    if offered:
        story += _also_offered(offered)
    return story


def _table_body(
    snapshot: MapSnapshot, widths: list[float], height: float
) -> tuple[list[list[object]], list[tuple[object, ...]]]:
    """The table's rows under the header, area by area then the totals, and their styles."""
    rows: list[list[object]] = []
    extra: list[tuple[object, ...]] = []
    for area, waves in snapshot.sections():
        provision_rows = [row for _wave, rs in waves for row in rs if row.totals.pupils]
        if provision_rows:
            extra += _add_area(rows, snapshot, area, provision_rows, widths, height)
    r = len(rows) + 1
    rows.append(
        [
            para("Total pupils and adult hours a week", STYLES["cell_bold"]),
            *(totals_text(snapshot.column_totals(c.id)) for c in snapshot.columns),
            totals_text(snapshot.grand_totals),
        ]
    )
    extra.append(("BACKGROUND", (0, r), (-1, r), TOTAL_FILL))
    return rows, extra


def _add_area(
    rows: list[list[object]],
    snapshot: MapSnapshot,
    area: str,
    provision_rows: list[MapRow],
    widths: list[float],
    height: float,
) -> list[tuple[object, ...]]:
    """Add an area's shaded heading row and its provisions' rows; return their styles."""
    r = len(rows) + 1  # the header is row 0
    label = AREA_LABELS.get(AreaOfNeed(area), area)
    rows.append([para(label, STYLES["cell_bold"]), *([""] * (len(widths) - 1))])
    extra: list[tuple[object, ...]] = [
        ("SPAN", (0, r), (-1, r)),
        ("BACKGROUND", (0, r), (-1, r), AREA_FILLS.get(area, TOTAL_FILL)),
    ]
    for row in provision_rows:
        rows.append(
            [
                _row_header(row),
                *(_cell(row.cells.get(c.id, []), snapshot, row, c) for c in snapshot.columns),
                totals_text(row.totals),
            ]
        )
    # Keep an area's heading with its first provision, unless that row is so tall
    # it must split anyway (a block that cannot split would not fit on a page).
    if _estimated_height(rows[r], widths) < height * 0.6:
        extra.append(("NOSPLIT", (0, r), (-1, r + 1)))
    return extra


def _also_offered(offered: list[MapRow]) -> list[Flowable]:
    """The line after the table naming provisions no pupil attends in the period."""
    names = ", ".join(escape(row.name) for row in offered)
    return [
        Spacer(1, 6),
        markup_para(
            f"<b>Also offered:</b> {names}. (No pupils attend these in this period.)", "body"
        ),
    ]


def _estimated_height(cells: list[object], widths: list[float]) -> float:
    """Roughly how tall a table row of these cells will be, padding included."""
    tallest = 0.0
    for value, width in zip(cells, widths, strict=True):
        flowables = value if isinstance(value, list) else [value]
        height = sum(
            f.wrap(width - CELL_PADDING, 1e6)[1] for f in flowables if isinstance(f, Flowable)
        )
        tallest = max(tallest, height)
    return tallest + 5


def _school_name(session: Session) -> str:
    """The school's name from its settings."""
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
        """The map sized to the document's frame."""
        return map_story(snapshot, doc.story_width, doc.story_height, note=note)

    return write_pdf(path, info, story, page_size=page_size, landscape_pages=True)
