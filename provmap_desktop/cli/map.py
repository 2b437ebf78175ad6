"""``provmap report map``: the whole-school provision map as a PDF.

``report map --out MAP.pdf [--year 2026/27] [--term Spring] [--paper A3]``; the year
defaults to the one holding today, the term to the whole year.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .errors import CliError
from .options import resolve_term, resolve_year, run_read_only


def register(parsers: Any) -> None:
    """Add ``report map``."""
    report = parsers.report.add_parser("map", help="the whole-school provision map as a PDF")
    report.add_argument("--out", type=Path, required=True, help="the PDF to write")
    report.add_argument("--year", help="academic year such as 2026/27 (default: the current one)")
    report.add_argument("--term", help="Autumn, Spring or Summer (default: the whole year)")
    report.add_argument(
        "--paper", choices=("A4", "A3"), default="A4", help="landscape paper size (default A4)"
    )
    report.set_defaults(handler=cmd_report_map)


def cmd_report_map(args: argparse.Namespace) -> int:
    """Write the whole-school provision map of a year or term as a PDF."""
    from ..reports.map_pdf import write_map_pdf

    if args.out.suffix.lower() != ".pdf":
        raise CliError(f"{args.out.name} should end in .pdf.")

    def work(session: Any) -> Path:
        year = resolve_year(session, args.year)
        term = resolve_term(year, args.term)
        write_map_pdf(
            session, args.out, academic_year_id=year.id, term_name=term, page_size=args.paper
        )
        return args.out

    return run_read_only(args, work)
