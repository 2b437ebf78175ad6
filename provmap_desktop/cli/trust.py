"""``provmap trust-report``: a trust's schools side by side, in a PDF, JSON or xlsx.

Each ``--db`` names one school's database: a file (a school may send its file) or a
server URL. Each is opened for reading only; nothing is written to any of them. The
overview names no pupil (see ``services.trust``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EXIT_OK, CliError
from .options import date_argument

if TYPE_CHECKING:
    from ..services.trust import SchoolFigures

FORMATS = ("pdf", "json", "xlsx")


def register(top: Any) -> None:
    """Add ``trust-report`` to the top-level commands."""
    trust = top.add_parser(
        "trust-report",
        help="a trust's overview: each school's provision and cost side by side, no names",
    )
    trust.add_argument(
        "--db",
        dest="schools",
        action="append",
        required=True,
        metavar="FILE_OR_URL",
        help="one school's database file or server URL (give --db once per school)",
    )
    trust.add_argument("--out", type=Path, required=True, help="the file to write")
    trust.add_argument(
        "--format", choices=FORMATS, help="pdf, json or xlsx (default: from --out's suffix)"
    )
    trust.add_argument("--year", help="the academic year, e.g. 2026/27 (default: the current)")
    trust.add_argument("--today", type=date_argument, help="work as if today were this date")
    trust.set_defaults(handler=cmd_trust_report)


def _format_of(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.out.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise CliError(f"Say which format to write with --format ({', '.join(FORMATS)}).")


def read_school(source: str, year: str | None, today: dt.date) -> SchoolFigures:
    """One school's figures, its database (a file or a server) opened for reading only."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..services.trust import NoSchoolError, school_figures
    from ..storage import open_database
    from ..storage.server import database_argument, is_server_address, shown
    from .options import ask_server_password

    where = shown(source) if is_server_address(source) else source
    try:
        if is_server_address(source):
            ask_server_password(source)
        db = open_database(database_argument(source), create=False, read_only=True)
        try:
            with db.session_factory() as session:
                return school_figures(session, year, today)
        finally:
            db.close()
    except NoSchoolError as exc:
        raise CliError(f"{where} {exc}.") from None
    except SQLAlchemyError as exc:
        raise CliError(f"{where} could not be read: {getattr(exc, 'orig', exc)}") from None


def cmd_trust_report(args: argparse.Namespace) -> int:
    from ..services.trust import trust_document, trust_tables

    fmt = _format_of(args)
    today = args.today or dt.date.today()
    schools = [read_school(source, args.year, today) for source in args.schools]
    if fmt == "pdf":
        from ..reports.trust_pdf import write_trust_pdf

        write_trust_pdf(args.out, schools, printed_on=today)
    elif fmt == "json":
        from ..storage.safe_files import atomic_write

        text = json.dumps(trust_document(schools, today), indent=2, ensure_ascii=False)
        with atomic_write(args.out) as temp:
            Path(temp).write_text(text + "\n", encoding="utf-8")
    else:
        from ..services.spreadsheet import write_xlsx

        write_xlsx(args.out, trust_tables(schools))
    print(f"Wrote the overview of {len(schools)} schools to {args.out}")
    return EXIT_OK
