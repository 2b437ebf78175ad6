"""What several sub-commands share: the parser groups, dates, and choosing a year,
term, year group or pupil from what the user typed.

The ORM and the models are imported inside the functions: registering the
sub-commands must not load them, so ``provmap check`` and ``--help`` start quickly.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EXIT_OK, CliError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models import AcademicYear, Pupil


@dataclass(frozen=True)
class Parsers:
    """Where an area adds its sub-commands: ``provmap X``, ``report X`` or ``export X``."""

    top: Any
    report: Any
    export: Any


def date_argument(text: str) -> dt.date:
    """An argparse ``type`` for a date typed as yyyy-mm-dd or dd/mm/yyyy."""
    from ..services.formatting import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def resolve_year(session: Session, label: str | None, today: dt.date | None = None) -> AcademicYear:
    """The year labelled ``label``; without one, the year holding today, else the latest."""
    from sqlalchemy import select

    from ..models import AcademicYear
    from ..services.calendar import current_or_latest_year

    if label:
        year = session.scalar(select(AcademicYear).where(AcademicYear.label == label.strip()))
        if year is None:
            known = ", ".join(
                session.scalars(select(AcademicYear.label).order_by(AcademicYear.label))
            )
            raise CliError(f"There is no academic year {label}. Known years: {known or 'none'}.")
        return year
    found = current_or_latest_year(session, today or dt.date.today())
    if found is None:
        raise CliError("The database has no academic years yet. Add one in Settings first.")
    return found


def resolve_term(year: AcademicYear, term: str | None) -> str | None:
    """The name of ``year``'s term called ``term`` (any case); ``None`` for the whole year."""
    if not term:
        return None
    for known in year.terms:
        if known.name.lower() == term.strip().lower():
            return known.name
    names = ", ".join(t.name for t in year.terms) or "none entered"
    raise CliError(f"{year.label} has no {term} term. Its terms: {names}.")


def resolve_year_group(session: Session, name: str | None) -> int | None:
    """The id of the year group called ``name`` (any case); ``None`` for every group."""
    from sqlalchemy import func, select

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
    """The pupil with this UPN, however it was typed (case, spaces at either end)."""
    from sqlalchemy import select

    from ..models import Pupil

    pupil = session.scalar(select(Pupil).where(Pupil.upn == upn.strip().upper()))
    if pupil is None:
        raise CliError(f"No pupil has the UPN {upn}.")
    return pupil


def run_read_only(args: argparse.Namespace, work: Callable[[Session], Path]) -> int:
    """Open the database to read, run ``work(session)``, print where the file went; close."""
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


def with_session(
    args: argparse.Namespace, work: Callable[[Session], int], *, read_only: bool = False
) -> int:
    """Open the database (never create it), run ``work``, and always close it.

    ``read_only`` for reports: they work while the app has the file open.
    """
    from ..storage import open_database

    db = open_database(args.db, create=False, read_only=read_only)
    try:
        with db.session_factory() as session:
            return work(session)
    finally:
        db.close()


def ask_server_password(address: str) -> None:
    """Connect once, asking for a password on the terminal if the server wants one.

    libpq reads ``PGPASSFILE`` or ``~/.pgpass`` first; a password typed here is kept
    for this command only, so every later connection of the command uses it.
    """
    import getpass

    from ..storage.server import connect_engine, server_url

    def prompt(where: str) -> str | None:
        try:
            return getpass.getpass(f"Password for {where}: ") or None
        except EOFError:
            return None

    connect_engine(server_url(address), prompt).dispose()
