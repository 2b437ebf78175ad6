"""``provmap rollover --to 2027/28``: move the school on to the next academic year.

Prints what will happen first (who moves up, who leaves, which groups carry on, the
new terms, the classes, the staff rates carried), then does it, all or nothing, after
an automatic copy of the file. ``--dry-run`` prints and changes nothing. Groups are
named by the number in square brackets: ``--carry N`` carries one on, ``--end N``
ends one that would carry on by default (EHC plan provision).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from .errors import EXIT_OK, CliError
from .options import date_argument


def register(parsers: Any) -> None:
    """Add ``provmap rollover``."""
    command = parsers.top.add_parser(
        "rollover", help="move the school on to the next academic year (year-end)"
    )
    command.add_argument("--to", required=True, metavar="YEAR", help="the new year, e.g. 2027/28")
    command.add_argument(
        "--dry-run", action="store_true", help="print what would happen and change nothing"
    )
    command.add_argument(
        "--autumn-start",
        type=date_argument,
        metavar="DATE",
        help="the first day of the new autumn term (default: this year's, 52 weeks on)",
    )
    command.add_argument(
        "--classes",
        choices=("keep", "move"),
        default="keep",
        help="keep: classes stay with their year group; move: classes move up with pupils",
    )
    command.add_argument(
        "--carry", type=int, action="append", default=[], metavar="N", help="carry group N on"
    )
    command.add_argument(
        "--end", type=int, action="append", default=[], metavar="N", help="end group N"
    )
    command.set_defaults(handler=cmd_rollover)


def cmd_rollover(args: argparse.Namespace) -> int:
    """Preview the rollover, and make it unless ``--dry-run``."""
    from ..domain import DomainError, rollover
    from ..storage import open_database

    db = open_database(args.db, create=False)
    try:
        with db.session_factory() as session:
            try:
                plan = rollover.preview(
                    session, args.to, autumn_start=args.autumn_start, classes=args.classes
                )
                offered = {g.group_id for g in plan.groups}
                unknown = sorted((set(args.carry) | set(args.end)) - offered)
                if unknown:
                    raise CliError(
                        f"Group {unknown[0]} is not one of the groups that can carry on; "
                        "run with --dry-run to see them."
                    )
                carry = (plan.carried_by_default | set(args.carry)) - set(args.end)
                for line in plan.lines(carry):
                    print(line)
                if args.dry_run:
                    print("Dry run: nothing was changed.")
                    return EXIT_OK
                done = rollover.run(
                    session,
                    args.to,
                    today=dt.date.today(),
                    database_path=db.path,
                    autumn_start=args.autumn_start,
                    classes=args.classes,
                    carry=carry,
                )
            except DomainError as exc:
                raise CliError(str(exc)) from None
    finally:
        db.close()
    counts = ", ".join(f"{n} {what}" for what, n in done.counts.items())
    print(f"Done: the school is now in {args.to} ({counts}). {plan.from_label} is read-only.")
    if done.backup is not None:
        print(f"A copy of the file as it was is in {done.backup}")
    return EXIT_OK
