"""``provmap report evidence`` and ``provmap report impact``.

- ``report evidence --pupil UPN --out E.pdf``: one pupil's evidence pack for an EHC
  needs-assessment request;
- ``report impact --out I.pdf [--year 2026/27]``: impact by provision (every year when
  no year is given).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from .errors import EXIT_OK, CliError


def register(parsers: Any) -> None:
    """Add ``report evidence`` and ``report impact``."""
    evidence = parsers.report.add_parser(
        "evidence", help="one pupil's evidence pack (profile, APDR cycles, costs) as a PDF"
    )
    evidence.add_argument("--pupil", metavar="UPN", required=True, help="the pupil's UPN")
    evidence.add_argument("--out", type=Path, required=True, help="the PDF to write")
    evidence.set_defaults(handler=cmd_report_evidence)

    impact = parsers.report.add_parser("impact", help="impact by provision as a PDF")
    impact.add_argument("--out", type=Path, required=True, help="the PDF to write")
    impact.add_argument("--year", help="academic year such as 2026/27 (default: every year)")
    impact.set_defaults(handler=cmd_report_impact)


def cmd_report_evidence(args: argparse.Namespace) -> int:
    """Write one pupil's evidence pack for an EHC needs-assessment request."""
    from sqlalchemy import select

    from ..models import Pupil
    from ..reports.evidence_pdf import write_evidence_pack
    from ..storage import open_database

    db = open_database(args.db, create=False, read_only=True)
    try:
        with db.session_factory() as session:
            upn = args.pupil.strip().upper().replace(" ", "")
            pupil = session.scalar(select(Pupil).where(Pupil.upn == upn))
            if pupil is None:
                raise CliError(f"No pupil has the UPN {args.pupil}.")
            out = write_evidence_pack(session, pupil.id, args.out, today=dt.date.today())
    finally:
        db.close()
    print(f"Evidence pack for {pupil.display_name} written to {out}")
    return EXIT_OK


def cmd_report_impact(args: argparse.Namespace) -> int:
    """Write impact by provision for one year, or for every year."""
    from sqlalchemy import select

    from ..models import AcademicYear
    from ..reports.impact_pdf import write_impact_report
    from ..storage import open_database

    db = open_database(args.db, create=False, read_only=True)
    try:
        with db.session_factory() as session:
            year_id = None
            if args.year:
                year_id = session.scalar(
                    select(AcademicYear.id).where(AcademicYear.label == args.year.strip())
                )
                if year_id is None:
                    known = ", ".join(session.scalars(select(AcademicYear.label)))
                    raise CliError(
                        f"There is no academic year {args.year}. Known years: {known or 'none'}."
                    )
            out = write_impact_report(session, year_id, args.out, today=dt.date.today())
    finally:
        db.close()
    print(f"Impact by provision written to {out}")
    return EXIT_OK
