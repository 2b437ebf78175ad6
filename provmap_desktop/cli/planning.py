"""``provmap report planning --year 2027/28 --out PLAN.pdf``: the plan for a year.

Needs by year group, the gap analysis, cost against budget, staff deployment and the
training the plan needs. The year defaults to the one after the current year.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CliError
from .options import run_read_only

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(parsers: Any) -> None:
    """Add ``report planning``."""
    report = parsers.report.add_parser(
        "planning", help="the plan for a year: needs, gaps, cost, staff and training"
    )
    report.add_argument("--out", type=Path, required=True, help="the PDF to write")
    report.add_argument(
        "--year", help="academic year such as 2027/28 (default: the year after the current one)"
    )
    report.set_defaults(handler=cmd_report_planning)


def _label(session: Session, typed: str | None, today: dt.date) -> str:
    """The year to plan: as typed (this year or later), else next year."""
    from ..domain.planning import checked_year_label
    from ..services.calendar import current_or_latest_year

    current = current_or_latest_year(session, today)
    if current is None:
        raise CliError("The database has no academic years yet. Add one in Settings first.")
    if typed is None:
        first = int(current.label[:4]) + 1
        return f"{first}/{(first + 1) % 100:02d}"
    label = checked_year_label(typed)
    if label < current.label:
        raise CliError(f"{label} is over: plan {current.label} or a later year.")
    return label


def cmd_report_planning(args: argparse.Namespace) -> int:
    """Write the plan for the year as a PDF."""
    if args.out.suffix.lower() != ".pdf":
        raise CliError(f"{args.out.name}: choose a file name ending in .pdf.")

    def work(session: Session) -> Path:
        from ..reports.planning_pdf import write_planning_pdf

        today = dt.date.today()
        label = _label(session, args.year, today)
        return write_planning_pdf(session, args.out, year_label=label, today=today)

    return run_read_only(args, work)
