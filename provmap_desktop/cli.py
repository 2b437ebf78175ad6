"""The ``provmap`` command, for the school's IT technician and for scripts.

Every sub-command calls services and storage, never widgets. A user's mistake ends
with one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from . import __version__
from .storage import Database, StorageError, default_database_path, open_database
from .storage.backup import backup_database, move_current_aside, restore_database
from .storage.database import inspect_file
from .storage.lock import DatabaseLock

EXIT_OK = 0
EXIT_FAILED = 1


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


Handler = Callable[[argparse.Namespace], int]


def _open(args: argparse.Namespace, *, create: bool = False) -> Database:
    return open_database(args.db, create=create)


def cmd_demo(args: argparse.Namespace) -> int:
    from .services.demo import build_demo_school

    path: Path = args.db
    if path.is_dir():
        raise CliError(f"{path} is a folder, not a ProvMap database file.")
    if path.exists() and path.stat().st_size > 0:
        if not args.force:
            raise CliError(
                f"{path} already exists. Use --force to replace it with the demo school."
            )
        # Never delete a file from under a running copy of the app.
        lock = DatabaseLock(path)
        if not lock.acquire():
            raise CliError(f"{path} is open in another copy of ProvMap. Close it first.")
        try:
            kept = move_current_aside(path, "before-demo")
        finally:
            lock.release()
        print(f"Kept a copy of the previous database as {kept}")
    db = _open(args, create=True)
    try:
        with db.session_factory() as session:
            build_demo_school(session, today=args.today or dt.date.today())
    finally:
        db.close()
    print(f"Demo school written to {path}")
    return EXIT_OK


def plain_os_error(exc: OSError) -> str:
    """One line for a file system failure, naming the place."""
    from .storage.database import is_disk_full, is_read_only

    where = Path(exc.filename) if exc.filename else None
    if is_disk_full(exc):
        place = f" for {where.name}" if where else ""
        return f"There is not enough space{place}. Free some space and try again."
    if is_read_only(exc) and where is not None:
        return f"{where.parent} is read-only: ProvMap cannot write {where.name} there."
    return f"{exc.strerror or exc}" + (f": {where}" if where else "")


def plain_database_error(exc: BaseException) -> str:
    from .storage.database import is_disk_full

    if is_disk_full(exc):
        return "There is not enough space to save the change. Free some space. Nothing was written."
    text = str(getattr(exc, "orig", None) or exc)
    if "locked" in text or "busy" in text:
        return "The database is busy in another program. Try again. Nothing was written."
    return f"The database refused the change ({text}). Nothing was written."


def cmd_check(args: argparse.Namespace) -> int:
    info = inspect_file(args.db, full_check=True)
    if info.is_new:
        raise CliError(f"There is no ProvMap database at {args.db}.")
    problems = _foreign_key_problems(args.db)
    print(f"{args.db}: schema {info.schema_version} (revision {info.revision})")
    if problems:
        for line in problems:
            print(f"problem: {line}")
        return EXIT_FAILED
    print("integrity check: ok")
    return EXIT_OK


def _foreign_key_problems(path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return [f"row {r[1]} of {r[0]} points at a missing row of {r[2]}" for r in rows]


def _password(args: argparse.Namespace) -> str | None:
    """The first line of ``--password-file``: never a password on the command line."""
    if args.password_file is None:
        return None
    lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0]:
        raise CliError(f"{args.password_file} holds no password on its first line.")
    return lines[0]


def cmd_backup(args: argparse.Namespace) -> int:
    password = _password(args)
    out = backup_database(args.db, args.out, password=password)
    protected = " (protected with a password)" if password else ""
    print(f"Backup written to {out}{protected}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from .storage.backup import PasswordNeededError

    try:
        aside = restore_database(args.backup, args.db, password=_password(args))
    except PasswordNeededError as exc:
        raise CliError(f"{exc} Use --password-file FILE.") from None
    db = _open(args)  # brings an older backup up to the current schema
    db.close()
    if aside is not None:
        print(f"Previous database kept as {aside}")
    print(f"Restored {args.backup} into {args.db}")
    return EXIT_OK


def _date(text: str) -> dt.date:
    from .services.formatting import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="provmap", description="ProvMap Desktop: the provision map from the command line."
    )
    parser.add_argument("--version", action="version", version=f"ProvMap {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"the school database file (default: {default_database_path()})",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="create the demo school in the database file")
    demo.add_argument("--force", action="store_true", help="replace an existing file")
    demo.add_argument("--today", type=_date, help="build as if today were this date")
    demo.set_defaults(handler=cmd_demo)

    check = sub.add_parser("check", help="run the integrity check and print the schema")
    check.set_defaults(handler=cmd_check)

    backup = sub.add_parser("backup", help="write a consistent backup copy")
    backup.add_argument("out", type=Path)
    backup.add_argument(
        "--password-file",
        type=Path,
        help="protect the backup with the password on this file's first line "
        "(at least 10 characters)",
    )
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser("restore", help="replace the database with a checked backup")
    restore.add_argument("backup", type=Path)
    restore.add_argument(
        "--password-file", type=Path, help="the password of a protected backup (first line)"
    )
    restore.set_defaults(handler=cmd_restore)

    from .cli_reports import add_report_commands

    add_report_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.db is None:
        args.db = default_database_path()
    handler: Handler = args.handler
    from .storage.places import place_warning

    warning = place_warning(args.db)
    if warning:
        print(f"provmap: warning: {warning}", file=sys.stderr)
    try:
        return handler(args)
    except (CliError, StorageError) as exc:
        print(f"provmap: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        # A full disk, a read-only place, a vanished drive: the user's to fix.
        print(f"provmap: {plain_os_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except (sqlite3.Error, SQLAlchemyError) as exc:
        # The file refused a write: a full disk, or another program holding it too long.
        print(f"provmap: {plain_database_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("provmap: stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
