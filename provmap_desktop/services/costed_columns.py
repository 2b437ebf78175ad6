"""The costed map's columns, listed once for the workbook, the CSV and the PDF.

Each ``CostedColumn`` names its heading, how to read its value from a ``GroupLine``,
the kind of value (text, int, money, weeks, date: how the cell is shown) and its
width in the spreadsheet. ``pdf_share`` is its share of the PDF page's width; the
columns without one are in the spreadsheet only, as a landscape page cannot hold
all of them. So the PDF's group table is the spreadsheet's "Costed map" columns, in
the same order, less the ones it leaves out, and the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .costed_lines import GroupLine


@dataclass(frozen=True)
class CostedColumn:
    """One column of the costed map: heading, value, kind, widths."""

    heading: str
    value: Callable[[GroupLine], Any]
    kind: str = "text"  # text, int, money, weeks, date
    width: int = 14  # characters, in the spreadsheet
    pdf_share: float | None = None  # of the PDF page's width; None: spreadsheet only


COSTED_MAP_COLUMNS: tuple[CostedColumn, ...] = (
    CostedColumn("Provision", lambda g: g.provision, width=30, pdf_share=0.12),
    CostedColumn("Group", lambda g: g.group, width=18, pdf_share=0.075),
    CostedColumn("Area of need", lambda g: g.area, width=30),
    CostedColumn("Wave", lambda g: g.wave, "int", 7),
    CostedColumn("Year group", lambda g: g.year_group, width=12, pdf_share=0.055),
    CostedColumn("Class", lambda g: g.class_name, width=10),
    CostedColumn("Staff", lambda g: g.staff, width=18, pdf_share=0.09),
    CostedColumn("Funding stream", lambda g: g.funding_stream, width=22),
    CostedColumn("Starts", lambda g: g.start, "date", 12, 0.062),
    CostedColumn("Ends", lambda g: g.end, "date", 12, 0.062),
    CostedColumn("Sessions a week", lambda g: g.sessions_per_week, "int", 10, 0.06),
    CostedColumn("Minutes a session", lambda g: g.session_minutes, "int", 10, 0.055),
    CostedColumn("Hourly rate", lambda g: g.hourly_rate, "money", 12, 0.058),
    CostedColumn("Session cost", lambda g: g.session_cost, "money", 12, 0.058),
    CostedColumn("Teaching weeks", lambda g: g.teaching_weeks, "weeks", 10, 0.06),
    CostedColumn("Staff cost", lambda g: g.staff_cost, "money"),
    CostedColumn("External cost", lambda g: g.external_cost, "money"),
    CostedColumn("Resources", lambda g: g.resources_cost, "money", 12, 0.067),
    CostedColumn("Planned cost", lambda g: g.planned, "money", pdf_share=0.066),
    CostedColumn("Cost to date", lambda g: g.to_date, "money", pdf_share=0.066),
    CostedColumn("Delivered sessions", lambda g: g.delivered_sessions, "int", 10),
    CostedColumn("Pupils", lambda g: g.pupils, "int", 8, 0.046),
    CostedColumn("Cost per pupil (average)", lambda g: g.cost_per_pupil, "money", 16),
    CostedColumn("Note", lambda g: g.note or None, width=44),
)


def printed_columns() -> list[CostedColumn]:
    """The columns the PDF prints, in the spreadsheet's order."""
    return [column for column in COSTED_MAP_COLUMNS if column.pdf_share is not None]
