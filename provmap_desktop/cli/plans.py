"""``provmap report plan`` and ``provmap report meetings``: a pupil's plan and meeting log.

- ``report plan --pupil UPN --out P.pdf [--version N]``: the SEN support plan for the
  family, one page in plain English (the current version unless ``--version``).
- ``report meetings --pupil UPN --out M.pdf``: every meeting with the family, with
  what was agreed and the actions.
- ``annual-reviews [--on DD/MM/YYYY]``: the steps of EHC plan annual reviews due within
  two weeks or overdue, soonest first (the start-up strip's list).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from .errors import EXIT_OK, CliError
from .options import resolve_pupil, with_session

# The ORM, the models and ReportLab are imported inside the functions, when a command runs.


def register(parsers: Any) -> None:
    """Add ``report plan`` and ``report meetings``."""
    plan = parsers.report.add_parser(
        "plan", help="a pupil's SEN support plan for the family: one page, plain English"
    )
    plan.add_argument("--pupil", metavar="UPN", required=True, help="the pupil")
    plan.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    plan.add_argument(
        "--version", type=int, default=None, help="an earlier version (default: the current one)"
    )
    plan.set_defaults(handler=cmd_report_plan)

    meetings = parsers.report.add_parser(
        "meetings", help="a pupil's meetings with the family, with what was agreed"
    )
    meetings.add_argument("--pupil", metavar="UPN", required=True, help="the pupil")
    meetings.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    meetings.set_defaults(handler=cmd_report_meetings)

    due = parsers.top.add_parser(
        "annual-reviews", help="steps of EHC plan annual reviews due or overdue"
    )
    due.add_argument(
        "--on", metavar="DD/MM/YYYY", default=None, help="the day to count from (default: today)"
    )
    due.set_defaults(handler=cmd_annual_reviews)


def _require_pdf(path: Path) -> None:
    if path.suffix.lower() != ".pdf":
        raise CliError(f"{path.name}: choose a file name ending in .pdf.")


def cmd_report_plan(args: argparse.Namespace) -> int:
    """Write a pupil's SEN support plan for the family."""
    _require_pdf(args.out)

    def work(session: Session) -> int:
        from ..reports.family_plan_pdf import write_family_plan_pdf
        from ..services.plans import plan_versions

        pupil = resolve_pupil(session, args.pupil)
        versions = plan_versions(session, pupil.id)
        if not versions:
            raise CliError(f"{pupil.display_name} has no SEN support plan yet.")
        plan = None
        if args.version is not None:
            plan = next((v for v in versions if v.version == args.version), None)
            if plan is None:
                raise CliError(
                    f"{pupil.display_name}'s plan has versions 1 to {len(versions)}, "
                    f"not {args.version}."
                )
        try:
            write_family_plan_pdf(session, pupil, args.out, plan=plan)
        except OSError as exc:
            raise CliError(f"{args.out}: {exc.strerror or exc}") from exc
        print(f"Written to {args.out}")
        return EXIT_OK

    return with_session(args, work, read_only=True)


def cmd_report_meetings(args: argparse.Namespace) -> int:
    """Write a pupil's meeting log."""
    _require_pdf(args.out)

    def work(session: Session) -> int:
        from ..reports.plan_records import write_meetings_pdf

        pupil = resolve_pupil(session, args.pupil)
        try:
            write_meetings_pdf(session, pupil, args.out)
        except OSError as exc:
            raise CliError(f"{args.out}: {exc.strerror or exc}") from exc
        print(f"Written to {args.out}")
        return EXIT_OK

    return with_session(args, work, read_only=True)


def cmd_annual_reviews(args: argparse.Namespace) -> int:
    """List the annual review steps due within two weeks or overdue, soonest first."""
    import datetime as dt

    from ..services.formatting import parse_date

    try:
        today = parse_date(args.on) if args.on else dt.date.today()
    except ValueError:
        raise CliError(f"--on: '{args.on}' is not a date; type it as dd/mm/yyyy.") from None

    def work(session: Session) -> int:
        from ..services.annual_reviews import STEPS_DUE_WITHIN_DAYS, steps_due

        found = steps_due(session, today)
        until = today + dt.timedelta(days=STEPS_DUE_WITHIN_DAYS)
        if not found:
            print(f"No annual review steps due by {until:%d/%m/%Y}.")
            return EXIT_OK
        for due in found:
            late = " (overdue)" if due.overdue(today) else ""
            started = "" if due.started else "; review not started"
            print(
                f"{due.pupil.display_name}: {due.step.label}, due by "
                f"{due.step.due:%d/%m/%Y}{late}{started}"
            )
        steps = "1 step" if len(found) == 1 else f"{len(found)} steps"
        print(f"{steps} due by {until:%d/%m/%Y} or overdue.")
        return EXIT_OK

    return with_session(args, work, read_only=True)
