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
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models import AcademicYear, Pupil

# The ORM and the models are imported inside the functions: registering the
# sub-commands must not load them, so ``provmap check`` and ``--help`` start quickly.


def _date(text: str) -> dt.date:
    from ..services.formatting import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _period_options(parser: Any, *, costed: bool = True) -> None:
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--year", help="academic year such as 2026/27 (default: the current one)")
    parser.add_argument("--term", help="Autumn, Spring or Summer (default: the whole year)")
    if costed:
        parser.add_argument("--year-group", help='only this year group, e.g. "Year 4"')
        parser.add_argument(
            "--as-of", type=_date, help="count the cost to date up to this day (default: today)"
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


# -- choosing what to cost -----------------------------------------------------------


def resolve_year(session: Session, label: str | None, today: dt.date | None = None) -> AcademicYear:
    """The year labelled ``label``; without one, the year holding today, else the latest."""
    from sqlalchemy import select

    from ..cli import CliError
    from ..models import AcademicYear

    if label:
        year = session.scalar(select(AcademicYear).where(AcademicYear.label == label.strip()))
        if year is None:
            known = ", ".join(
                session.scalars(select(AcademicYear.label).order_by(AcademicYear.label))
            )
            raise CliError(f"There is no academic year {label}. Known years: {known or 'none'}.")
        return year
    today = today or dt.date.today()
    year = session.scalar(
        select(AcademicYear).where(AcademicYear.start_date <= today, AcademicYear.end_date >= today)
    ) or session.scalar(select(AcademicYear).order_by(AcademicYear.start_date.desc()))
    if year is None:
        raise CliError("The database has no academic years yet. Add one in Settings first.")
    return year


def resolve_term(year: AcademicYear, term: str | None) -> str | None:
    from ..cli import CliError

    if not term:
        return None
    for known in year.terms:
        if known.name.lower() == term.strip().lower():
            return known.name
    names = ", ".join(t.name for t in year.terms) or "none entered"
    raise CliError(f"{year.label} has no {term} term. Its terms: {names}.")


def resolve_year_group(session: Session, name: str | None) -> int | None:
    from sqlalchemy import func, select

    from ..cli import CliError
    from ..models import YearGroup

    if not name:
        return None
    found = session.scalar(
        select(YearGroup.id).where(func.lower(YearGroup.name) == name.strip().lower())
    )
    if found is None:
        known = ", ".join(session.scalars(select(YearGroup.name).order_by(YearGroup.sort_order)))
        raise CliError(f'There is no year group "{name}". Year groups: {known or "none"}.')
    return found


def resolve_pupil(session: Session, upn: str) -> Pupil:
    from sqlalchemy import select

    from ..cli import CliError
    from ..models import Pupil

    pupil = session.scalar(select(Pupil).where(Pupil.upn == upn.strip().upper()))
    if pupil is None:
        raise CliError(f"No pupil has the UPN {upn}.")
    return pupil


# -- handlers ------------------------------------------------------------------------


def _run(args: argparse.Namespace, work: Any) -> int:
    """Open the database, run ``work(session)``, print where the file went; always close."""
    from ..cli import EXIT_OK, CliError
    from ..storage import open_database

    db = open_database(args.db, create=False, read_only=True)
    try:
        with db.session_factory() as session:
            try:
                out = work(session)
            except ValueError as exc:
                raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"Written to {out}")
    return EXIT_OK


def cmd_report_costed(args: argparse.Namespace) -> int:
    from ..cli import CliError

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

    return _run(args, work)


def cmd_export_costed(args: argparse.Namespace) -> int:
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

    return _run(args, work)


def cmd_export_map(args: argparse.Namespace) -> int:
    def work(session: Session) -> Path:
        from ..services.exporting import export_map

        year = resolve_year(session, args.year)
        return export_map(
            session, args.out, academic_year_id=year.id, term_name=resolve_term(year, args.term)
        )

    return _run(args, work)
