"""``provmap report costed``, ``provmap export costed`` and ``provmap export map``.

- ``report costed --out C.pdf [--year 2026/27] [--term Spring] [--year-group "Year 4"]``
  the costed provision map of the whole school or one year group;
- ``report costed --pupil UPN --out P.pdf [--year …]`` one pupil's costed provision
  against the threshold;
- ``export costed --out C.xlsx|C.csv [--year …] [--term …] [--year-group …]``;
- ``export map --out MAP.xlsx|MAP.csv [--year …] [--term …]``.

The year defaults to the academic year holding today, else the latest one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CliError
from .options import (
    date_argument,
    resolve_pupil,
    resolve_term,
    resolve_year,
    resolve_year_group,
    run_read_only,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The ORM and the models are imported inside the functions: registering the
# sub-commands must not load them, so ``provmap check`` and ``--help`` start quickly.


def _period_options(parser: Any, *, costed: bool = True) -> None:
    """The options every costed or map export shares: where, which year, which term."""
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--year", help="academic year such as 2026/27 (default: the current one)")
    parser.add_argument("--term", help="Autumn, Spring or Summer (default: the whole year)")
    if costed:
        parser.add_argument("--year-group", help='only this year group, e.g. "Year 4"')
        parser.add_argument(
            "--as-of",
            type=date_argument,
            help="count the cost to date up to this day (default: today)",
        )


def register(parsers: Any) -> None:
    """Add ``report costed``, ``export costed`` and ``export map``."""
    report = parsers.report.add_parser(
        "costed", help="the costed provision map (or one pupil's) as a PDF"
    )
    _period_options(report)
    report.add_argument("--pupil", metavar="UPN", help="one pupil's costed provision map")
    report.add_argument(
        "--governors",
        action="store_true",
        help="a one-page summary for governors: totals, budgets, no pupil names",
    )
    report.set_defaults(handler=cmd_report_costed)

    costed = parsers.export.add_parser("costed", help="the costed provision map as .xlsx or .csv")
    _period_options(costed)
    costed.set_defaults(handler=cmd_export_costed)

    provision_map = parsers.export.add_parser("map", help="the provision map as .xlsx or .csv")
    _period_options(provision_map, costed=False)
    provision_map.set_defaults(handler=cmd_export_map)


# -- handlers ------------------------------------------------------------------------


def cmd_report_costed(args: argparse.Namespace) -> int:
    """Write the costed map, one pupil's, or the governors' summary as a PDF."""

    if args.out.suffix.lower() != ".pdf":
        raise CliError(f"{args.out.name}: choose a file name ending in .pdf.")

    def work(session: Session) -> Path:
        from ..reports.costed_pdf import write_costed_pdf, write_pupil_costed_pdf

        year = resolve_year(session, args.year)
        if args.pupil and args.governors:
            raise CliError("The governors' summary names no pupil; drop --pupil.")
        if args.pupil:
            if args.term or args.year_group:
                raise CliError(
                    "A pupil's costed map covers the whole year; drop --term and --year-group."
                )
            pupil = resolve_pupil(session, args.pupil)
            return write_pupil_costed_pdf(
                session, args.out, academic_year_id=year.id, pupil_id=pupil.id, as_of=args.as_of
            )
        return write_costed_pdf(
            session,
            args.out,
            academic_year_id=year.id,
            term_name=resolve_term(year, args.term),
            year_group_id=resolve_year_group(session, args.year_group),
            as_of=args.as_of,
            governors=args.governors,
        )

    return run_read_only(args, work)


def cmd_export_costed(args: argparse.Namespace) -> int:
    """Write the costed provision map as a workbook or CSV."""

    def work(session: Session) -> Path:
        from ..services.exporting import export_costed

        year = resolve_year(session, args.year)
        return export_costed(
            session,
            args.out,
            academic_year_id=year.id,
            term_name=resolve_term(year, args.term),
            year_group_id=resolve_year_group(session, args.year_group),
            as_of=args.as_of,
        )

    return run_read_only(args, work)


def cmd_export_map(args: argparse.Namespace) -> int:
    """Write the provision map as a workbook or CSV."""

    def work(session: Session) -> Path:
        from ..services.exporting import export_map

        year = resolve_year(session, args.year)
        return export_map(
            session, args.out, academic_year_id=year.id, term_name=resolve_term(year, args.term)
        )

    return run_read_only(args, work)
