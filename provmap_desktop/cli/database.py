"""``provmap demo``, ``check``, ``backup`` and ``restore``: the database file itself."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage.file_check import inspect_file
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


def _open(args: argparse.Namespace, *, create: bool = False) -> Database:
    """The database named by ``--db``, brought up to the current schema."""
    from ..storage import open_database

    return open_database(args.db, create=create)


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo school, keeping any file it replaces in Backups."""
    from ..services.demo import build_demo_school
    from ..storage.backup import move_current_aside
    from ..storage.lock import DatabaseLock

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


def cmd_check(args: argparse.Namespace) -> int:
    """Run the integrity and foreign-key checks and print the schema version."""
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

    password = _password(args)
    out = backup_database(args.db, args.out, password=password)
    protected = " (protected with a password)" if password else ""
    print(f"Backup written to {out}{protected}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database with a checked backup, keeping the old file aside."""
    from ..storage.backup import PasswordNeededError, restore_database

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
