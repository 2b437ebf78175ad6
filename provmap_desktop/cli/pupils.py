"""``provmap import-pupils``, ``provmap report profile`` and ``provmap report pupil-map``.

- ``import-pupils FILE [--dry-run] [--intake YEAR]``: read a MIS export (a CSV, or a Common Transfer
  File, told apart by what the file holds, not its name), print the row-by-row report
  and, when every row is clean and this is not a dry run, write it in one transaction.
  Any rejected row means a non-zero exit and nothing written. A transfer file's pupils
  one year below the school's year groups (Year 6 leavers at a secondary, nursery
  children at a primary) are imported as next year's intake, and the report says so.
  ``--intake 2027/28`` takes every pupil in the file (a CSV of new starters too) as
  that year's intake: they join the year group the file names on its first day, with
  their SEN status and needs, and an EHC plan recorded for those who have one.
- ``report profile --out P.pdf`` with one of ``--pupil UPN``, ``--class NAME``,
  ``--year-group "Year 4"`` or ``--sen-register``: one-page profiles, each on its own page.
- ``report pupil-map --pupil UPN --out M.pdf``: one pupil's provision over every year.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models import Pupil

from .errors import EXIT_FAILED, EXIT_OK, CliError
from .options import resolve_pupil, resolve_year_group, with_session

# The ORM and the models are imported inside the functions, when a command runs.


def register(parsers: Any) -> None:
    """Add ``import-pupils``, ``report profile`` and ``report pupil-map``."""
    importer = parsers.top.add_parser(
        "import-pupils", help="import pupils from a MIS CSV export or a CTF (.ctf/.xml) file"
    )
    importer.add_argument("file", type=Path, help="the CSV or CTF file to read")
    importer.add_argument(
        "--dry-run", action="store_true", help="check the file and print the report only"
    )
    importer.add_argument(
        "--intake",
        metavar="YEAR",
        help="every pupil in the file is that coming year's intake, e.g. 2027/28: they "
        "join the year group the file names on its first day",
    )
    importer.set_defaults(handler=cmd_import_pupils)

    profile = parsers.report.add_parser(
        "profile", help="one-page profiles: one pupil, a class, a year group or the SEN register"
    )
    profile.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    who = profile.add_mutually_exclusive_group(required=True)
    who.add_argument("--pupil", metavar="UPN", help="one pupil")
    who.add_argument("--class", dest="class_name", metavar="NAME", help="every pupil of a class")
    who.add_argument("--year-group", help='every pupil of a year group, e.g. "Year 4"')
    who.add_argument(
        "--sen-register", action="store_true", help="every pupil on SEN support or with an EHCP"
    )
    profile.set_defaults(handler=cmd_report_profile)

    pupil_map = parsers.report.add_parser(
        "pupil-map", help="one pupil's provision map over every year, with costs and outcomes"
    )
    pupil_map.add_argument("--pupil", metavar="UPN", required=True, help="the pupil")
    pupil_map.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    pupil_map.set_defaults(handler=cmd_report_pupil_map)


# -- helpers -------------------------------------------------------------------------


def surname_order(pupil: Pupil) -> tuple[str, str, str]:
    """Sort key: surname, then forename, then UPN (so the order never depends on ids)."""
    return (pupil.surname.casefold(), pupil.forename.casefold(), pupil.upn or "")


def _require_pdf(path: Path) -> None:
    """Refuse an output name that does not end in .pdf."""

    if path.suffix.lower() != ".pdf":
        raise CliError(f"{path.name}: choose a file name ending in .pdf.")


def profile_batch(session: Session, args: argparse.Namespace) -> tuple[list[Pupil], str]:
    """The pupils the options choose, and words naming the batch.

    The SEN register comes in surname order (then forename), as it is filed; a class
    or year group in list order.
    """
    import datetime as dt

    from sqlalchemy import func, select

    from ..models import SchoolClass
    from ..models.vocab import SenStatus
    from ..services.pupils import PupilFilter, find_pupils, last_day_of_year

    if args.pupil:
        return [resolve_pupil(session, args.pupil)], "1 pupil"
    day = last_day_of_year(session, dt.date.today())  # on roll: not next year's intake
    if args.sen_register:
        statuses = {SenStatus.SEN_SUPPORT.value, SenStatus.EHCP.value}
        register = find_pupils(session, PupilFilter(sen_statuses=statuses, roll_day=day))
        return sorted(register, key=surname_order), "the SEN register"
    if args.year_group:
        year_group_id = resolve_year_group(session, args.year_group)
        assert year_group_id is not None
        chosen = find_pupils(session, PupilFilter(year_group_ids={year_group_id}, roll_day=day))
        return chosen, args.year_group
    name = args.class_name.strip()
    school_class = session.scalar(
        select(SchoolClass).where(func.lower(SchoolClass.name) == name.lower())
    )
    if school_class is None:
        known = ", ".join(session.scalars(select(SchoolClass.name).order_by(SchoolClass.name)))
        raise CliError(f'There is no class "{name}". Classes: {known or "none"}.')
    return find_pupils(
        session, PupilFilter(class_ids={school_class.id}, roll_day=day)
    ), f"class {name}"


# -- handlers ------------------------------------------------------------------------


def cmd_import_pupils(args: argparse.Namespace) -> int:
    """Import pupils from a MIS CSV or a transfer file, all rows or none."""
    from ..services.importing import ImportFileError, format_report, import_file

    path: Path = args.file
    if not path.is_file():
        raise CliError(f"There is no file {path}.")

    def work(session: Session) -> int:
        try:
            preview, result = import_file(
                session, path, dry_run=args.dry_run, as_intake=True, intake_year=args.intake
            )
        except ImportFileError as exc:
            raise CliError(f"{path.name}: {exc} Nothing was written.") from exc
        print(format_report(preview))
        if not preview.is_clean:
            print("Nothing was written.")
            return EXIT_FAILED
        if result is None:
            print("Dry run: nothing was written.")
            return EXIT_OK
        created = (
            f"; classes created: {', '.join(result.classes_created)}"
            if result.classes_created
            else ""
        )
        print(
            f"Imported: {result.added} added, {result.updated} updated, "
            f"{result.unchanged} unchanged{created}."
        )
        return EXIT_OK

    return with_session(args, work)


def cmd_report_profile(args: argparse.Namespace) -> int:
    """Write one-page profiles of a pupil, a class, a year group or the SEN register."""

    _require_pdf(args.out)

    def work(session: Session) -> int:
        from ..reports.profile_pdf import write_profile_pdf

        pupils, label = profile_batch(session, args)
        if not pupils:
            raise CliError(f"No pupils on roll in {label}. Nothing was written.")
        try:
            write_profile_pdf(session, args.out, pupils)
        except OSError as exc:
            raise CliError(f"{args.out}: {exc.strerror or exc}") from exc
        noun = "profile" if len(pupils) == 1 else "profiles"
        print(f"{len(pupils)} {noun} written to {args.out}")
        return EXIT_OK

    return with_session(args, work, read_only=True)


def cmd_report_pupil_map(args: argparse.Namespace) -> int:
    """Write one pupil's provision map over every year."""

    _require_pdf(args.out)

    def work(session: Session) -> int:
        from ..reports.pupil_map_pdf import write_pupil_map_pdf

        pupil = resolve_pupil(session, args.pupil)
        try:
            write_pupil_map_pdf(session, args.out, pupil)
        except OSError as exc:
            raise CliError(f"{args.out}: {exc.strerror or exc}") from exc
        print(f"Written to {args.out}")
        return EXIT_OK

    return with_session(args, work, read_only=True)
