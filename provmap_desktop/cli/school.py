"""``provmap new-school``, ``provmap export json`` and ``provmap import json``.

- ``new-school --name NAME --phase primary|secondary|all-through --autumn-start DATE
  [--no-catalogue]``: a new, empty school in a new file: the academic year that
  ``DATE`` opens with its three terms, the phase's year groups (as the first-start
  wizard gives them), the standard roles and funding streams and the starter catalogue.
- ``export json --out SCHOOL.json``: the whole school as one ``provmap-school`` document
  (see ``docs/school-json.md``).
- ``import json SCHOOL.json``: a school document into a new file, checked against the
  schema first; every problem is listed with its place in the document, and nothing
  is written unless the whole document is good.

Both ``new-school`` and ``import json`` refuse a file that already exists and is not
empty, so neither can overwrite a school.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EXIT_OK, CliError
from .options import date_argument

#: The phases ``--phase`` accepts: ``services.school_setup.PHASES``, written out here
#: so registering the command loads no ORM models (a test keeps the two the same).
PHASE_CHOICES: tuple[str, ...] = ("primary", "secondary", "all-through")

#: At most this many problems are listed; the count of the rest follows.
MAX_PROBLEMS_SHOWN = 50

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(parsers: Any) -> None:
    """Add ``new-school``, ``export json`` and the ``import`` group with ``import json``."""
    new = parsers.top.add_parser(
        "new-school", help="set up a new, empty school in a new database file"
    )
    new.add_argument("--name", required=True, help='the school\'s name, e.g. "Oakfield Primary"')
    new.add_argument(
        "--phase",
        required=True,
        choices=PHASE_CHOICES,
        help="which year groups the school starts with",
    )
    new.add_argument(
        "--autumn-start",
        type=date_argument,
        required=True,
        metavar="DATE",
        help="the first day of the autumn term (yyyy-mm-dd or dd/mm/yyyy)",
    )
    new.add_argument(
        "--no-catalogue",
        action="store_true",
        help="start with an empty provision catalogue (no starter provisions)",
    )
    new.set_defaults(handler=cmd_new_school)

    export = parsers.export.add_parser(
        "json", help="the whole school as one JSON document (see docs/school-json.md)"
    )
    export.add_argument("--out", type=Path, required=True, help="the .json file to write")
    export.set_defaults(handler=cmd_export_json)

    importer = parsers.top.add_parser("import", help="bring a whole school into a new file")
    kinds = importer.add_subparsers(dest="import_kind", required=True, metavar="KIND")
    from_json = kinds.add_parser(
        "json", help="a school document written by 'export json', into a new database file"
    )
    from_json.add_argument("file", type=Path, help="the .json document to read")
    from_json.set_defaults(handler=cmd_import_json)


# -- a new file ----------------------------------------------------------------------


def _refuse_existing(path: Path | str) -> None:
    """Refuse a folder, or a file that already holds something: never overwrite a school.

    A server database must be empty of tables (as IT made it) or hold the schema and
    no school yet.
    """
    if isinstance(path, str):
        from ..storage import open_database

        db = open_database(path, create=True)
        try:
            empty = db.is_empty()
        finally:
            db.close()
        if not empty:
            raise CliError(
                "That server database already holds a school: ask IT for a new, empty "
                "database. Nothing was changed."
            )
        return
    if path.is_dir():
        raise CliError(f"{path} is a folder, not a ProvMap database file.")
    if path.exists() and path.stat().st_size > 0:
        raise CliError(
            f"{path} already exists and is not empty: choose a new file name. Nothing was changed."
        )


def _fill_new_file(path: Path | str, fill: Callable[[Session], None]) -> None:
    """Create the database ``path``, run ``fill`` and commit, all or nothing.

    If anything fails, a file this call created is removed again, so a failed attempt
    never leaves a half-made school behind.
    """
    from ..storage import open_database

    existed = isinstance(path, str) or path.exists()
    db = open_database(path, create=True)
    try:
        with db.session_factory() as session:
            fill(session)
            session.commit()
    except BaseException:
        db.close()
        if not existed and isinstance(path, Path):
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
        raise
    db.close()


# -- handlers ------------------------------------------------------------------------


def cmd_new_school(args: argparse.Namespace) -> int:
    """Set up a new, empty school in a new database file."""
    from ..services.school_setup import (
        academic_year_label,
        create_school,
        default_term_dates,
        default_year_groups,
    )

    path: Path | str = args.db
    name = " ".join(args.name.split())
    if not name:
        raise CliError('The school needs a name: --name "Oakfield Primary".')
    start: dt.date = args.autumn_start
    try:
        terms = default_term_dates(start.year, start)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    _refuse_existing(path)
    year_groups = default_year_groups(args.phase)
    provisions = 0

    def fill(session: Session) -> None:
        nonlocal provisions
        from sqlalchemy import func, select

        from ..models import Provision

        create_school(
            session,
            name=name,
            phase=args.phase,
            year_group_names=year_groups,
            start_year=start.year,
            term_dates=terms,
            with_catalogue=not args.no_catalogue,
        )
        provisions = session.scalar(select(func.count()).select_from(Provision)) or 0

    try:
        _fill_new_file(path, fill)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"New school {name} written to {path}")
    print(
        f"{academic_year_label(start.year)} from {start:%d/%m/%Y}; year groups "
        f"{year_groups[0]} to {year_groups[-1]}; {provisions} provisions in the catalogue."
    )
    print(f"Next: provmap --db {path} import-pupils PUPILS.csv")
    return EXIT_OK


def _summary(counts: dict[str, int]) -> str:
    """The record counts of a school document in one line."""

    def count(table: str, noun: str) -> str:
        n = counts.get(table, 0)
        return f"{n} {noun}{'' if n == 1 else 's'}"

    return ", ".join(
        [
            count("pupils", "pupil"),
            count("provisions", "provision"),
            count("provision_groups", "group"),
            count("delivery_sessions", "delivery session"),
            count("reviews", "review"),
        ]
    )


def cmd_export_json(args: argparse.Namespace) -> int:
    """Write the whole school as one JSON document."""
    from ..services.school_document import export_school, record_counts, write_json
    from ..storage import open_database

    out: Path = args.out
    if out.suffix.lower() != ".json":
        raise CliError(f"{out.name}: choose a file name ending in .json.")
    db = open_database(args.db, create=False, read_only=True)
    try:
        with db.session_factory() as session:
            try:
                document = export_school(session)
            except ValueError as exc:
                raise CliError(str(exc)) from None
    finally:
        db.close()
    write_json(document, out)
    print(f"Written to {out}: {_summary(record_counts(document))}.")
    return EXIT_OK


def cmd_import_json(args: argparse.Namespace) -> int:
    """Check a school document and write it into a new database file."""
    from ..services.school_document import (
        SchoolDocumentError,
        import_school,
        read_school_json,
        record_counts,
    )
    from ..services.school_document_check import check_document

    source: Path = args.file
    target: Path | str = args.db
    if not source.is_file():
        raise CliError(f"There is no file {source}.")
    _refuse_existing(target)
    try:
        document = read_school_json(source)
    except SchoolDocumentError as exc:
        raise CliError(f"{exc} Nothing was written.") from None
    problems = check_document(document)
    if problems:
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            print(problem)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            print(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more.")
        count = len(problems)
        raise CliError(
            f"{source.name} has {count} problem{'' if count == 1 else 's'} (listed above). "
            "Nothing was written."
        )
    try:
        _fill_new_file(
            target, lambda session: import_school(session, document, already_checked=True)
        )
    except SchoolDocumentError as exc:
        raise CliError(f"{source.name}: {exc}") from None
    print(
        f"Imported {document['school']['name']} into {target}: {_summary(record_counts(document))}."
    )
    return EXIT_OK
