"""``provmap demo``, ``check``, ``backup`` and ``restore``: the database file itself."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage.file_check import inspect_file
from ..storage.server import database_argument, is_server_address
from .errors import EXIT_FAILED, EXIT_OK, CliError
from .options import date_argument

if TYPE_CHECKING:
    from ..storage import Database

# Storage's writing side (SQLAlchemy, the lock, backups) is imported by the commands
# that write: ``check`` reads the file with plain SQLite and stays quick.


def register(top: Any) -> None:
    """Add ``demo``, ``check``, ``backup`` and ``restore`` to the top-level commands."""
    demo = top.add_parser("demo", help="create the demo school in the database file")
    demo.add_argument("--force", action="store_true", help="replace an existing file")
    demo.add_argument("--today", type=date_argument, help="build as if today were this date")
    demo.set_defaults(handler=cmd_demo)

    check = top.add_parser("check", help="run the integrity check and print the schema")
    check.set_defaults(handler=cmd_check)

    backup = top.add_parser("backup", help="write a consistent backup copy")
    backup.add_argument("out", type=Path)
    backup.add_argument(
        "--password-file",
        type=Path,
        help="protect the backup with the password on this file's first line "
        "(at least 10 characters)",
    )
    backup.set_defaults(handler=cmd_backup)

    restore = top.add_parser("restore", help="replace the database with a checked backup")
    restore.add_argument("backup", type=Path)
    restore.add_argument(
        "--password-file", type=Path, help="the password of a protected backup (first line)"
    )
    restore.set_defaults(handler=cmd_restore)

    copy_to = top.add_parser(
        "copy-to",
        help="copy the whole school into an empty server database, or into a new file",
    )
    copy_to.add_argument(
        "target",
        type=database_argument,
        help="postgresql://server/school (an empty database), or a new .provmap file",
    )
    copy_to.set_defaults(handler=cmd_copy_to)


def _open(args: argparse.Namespace, *, create: bool = False) -> Database:
    """The database named by ``--db``, brought up to the current schema."""
    from ..storage import open_database

    return open_database(args.db, create=create)


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo school, keeping any file it replaces in Backups."""
    from ..services.demo import build_demo_school
    from ..storage.backup import move_current_aside
    from ..storage.lock import DatabaseLock

    if is_server_address(args.db):
        return _demo_on_server(args)
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


def _demo_on_server(args: argparse.Namespace) -> int:
    """Write the demo school into an empty server database (never over a school)."""
    from ..services.demo import build_demo_school

    if args.force:
        raise CliError("--force cannot replace a school on a server: ask IT for an empty database.")
    db = _open(args, create=True)
    try:
        if not db.is_empty():
            raise CliError("That server database already holds a school. Nothing was changed.")
        with db.session_factory() as session:
            build_demo_school(session, today=args.today or dt.date.today())
    finally:
        db.close()
    print(f"Demo school written to {db.location}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Run the integrity and foreign-key checks and print the schema version."""
    if is_server_address(args.db):
        return _check_server(args)
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


def _check_server(args: argparse.Namespace) -> int:
    """The schema of a server database; the server checks its own pages and links."""
    from ..storage import open_database
    from ..storage.migrate import HEAD_REVISION

    db = open_database(args.db, create=False, read_only=True)
    try:
        version = db.schema_version()
    finally:
        db.close()
    print(f"{db.location}: schema {version} (revision {HEAD_REVISION})")
    print("integrity check: kept by the server (foreign keys are enforced on every write)")
    return EXIT_OK


def _refuse_server(args: argparse.Namespace) -> None:
    """A backup or restore of a server database is the server administrator's work."""
    from ..storage.server import SERVER_BACKUP_MESSAGE

    if is_server_address(args.db):
        raise CliError(SERVER_BACKUP_MESSAGE)


def _foreign_key_problems(path: Path) -> list[str]:
    """One line per row that points at a missing row, read without writing."""
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
    """Write a consistent backup copy, protected when a password file is given."""
    from ..storage.backup import backup_database

    _refuse_server(args)
    password = _password(args)
    out = backup_database(args.db, args.out, password=password)
    protected = " (protected with a password)" if password else ""
    print(f"Backup written to {out}{protected}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database with a checked backup, keeping the old file aside."""
    from ..storage.backup import PasswordNeededError, restore_database

    _refuse_server(args)
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


def cmd_copy_to(args: argparse.Namespace) -> int:
    """Copy the school into an empty server database or a new file; compare and print."""
    from ..services.school_copy import CopyError, copy_school
    from ..storage import open_database

    if is_server_address(args.target):
        from .options import ask_server_password

        ask_server_password(args.target)
    source = open_database(args.db, create=False, read_only=True)
    try:
        outcome = copy_school(source, args.target)
    except CopyError as exc:
        raise CliError(str(exc)) from None
    finally:
        source.close()
    print(f"Copied {source.location} into {outcome.target}. The same in both:")
    for line in outcome.lines():
        print(f"  {line}")
    return EXIT_OK
