"""``provmap import-map MAP.xlsx|.csv|.docx [--year 2026/27] [--term Autumn] [--dry-run]``.

Reads a provision map the school already keeps, prints the preview (provisions found
and whether new, groups, allocations, names that match no pupil or several, cells it
could not read, each with its sheet, row and column) and, unless ``--dry-run``, takes
the automatic backup and writes it all in one transaction. Names that match no pupil
are left out unless ``--create-pupils`` adds them as pupils to complete.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EXIT_OK, CliError
from .options import resolve_term, resolve_year

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(parsers: Any) -> None:
    """Add the top-level ``import-map`` sub-command."""
    importer = parsers.top.add_parser(
        "import-map",
        help="import the school's own provision map from a workbook, Word table or CSV",
    )
    importer.add_argument("file", type=Path, help="the .xlsx, .csv or .docx map to read")
    importer.add_argument("--year", help="academic year such as 2026/27 (default: the current one)")
    importer.add_argument(
        "--term", help="Autumn, Spring or Summer: the groups run that term (default: the year)"
    )
    importer.add_argument(
        "--create-pupils",
        action="store_true",
        help="add names that match no pupil as new pupils (temporary UPN, to complete)",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="print the preview only; write nothing"
    )
    importer.set_defaults(handler=cmd_import_map)


def cmd_import_map(args: argparse.Namespace) -> int:
    """Preview the school's own map file and, unless a dry run, import it."""
    from ..services.map_import import MapFileError, format_plan, preview_map
    from ..storage import open_database

    path: Path = args.file
    if not path.is_file():
        raise CliError(f"There is no file {path}.")
    db = open_database(args.db, create=False)
    try:
        with db.session_factory() as session:
            year = resolve_year(session, args.year)
            term = resolve_term(year, args.term)
            try:
                plan = preview_map(session, path, year, term)
            except MapFileError as exc:
                raise CliError(f"{exc} Nothing was written.") from exc
            print(format_plan(plan))
            if args.dry_run:
                print("Dry run: nothing was written.")
                return EXIT_OK
            if not plan.has_work:
                print("Nothing to import: nothing was written.")
                return EXIT_OK
            return _write(session, db.path, plan, args.create_pupils)
    finally:
        db.close()


def _write(session: Session, database: Path | None, plan: Any, create_pupils: bool) -> int:
    """Import the previewed plan after the automatic backup, and say what was added."""
    from ..services.map_import import import_map

    # Reading the plan left a read transaction open; the backup wants a quiet file.
    session.rollback()
    try:
        result = import_map(
            session, database, plan, create_unmatched=create_pupils, today=dt.date.today()
        )
    except ValueError as exc:
        raise CliError(f"{exc} Nothing was written.") from exc
    skipped = len(plan.unmatched) if not create_pupils else 0
    print(
        f"Imported: {result.provisions_added} provisions added to the catalogue, "
        f"{result.groups_added} groups, {result.allocations} allocations, "
        f"{result.pupils_added} pupils added to complete"
        + (f"; {skipped} unmatched names skipped" if skipped else "")
        + "."
    )
    if result.backup is not None:
        print(f"A copy from before the import is in {result.backup}.")
    return EXIT_OK
