"""The ``provmap`` parser and dispatch: every area registers its sub-commands here.

A user's mistake ends with one line on stderr and a non-zero exit code, never a
traceback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence

from .. import __version__
from ..storage.errors import StorageError
from ..storage.file_check import default_database_path
from ..storage.server import database_argument, is_server_address
from . import (
    costs,
    database,
    extras,
    map_import,
    planning,
    plans,
    pupils,
    report,
    reviews,
    rollover,
    school,
    server,
    trust,
)
from . import map as provision_map
from .errors import EXIT_FAILED, EXIT_STOPPED, CliError, plain_database_error, plain_os_error
from .options import ask_server_password

Handler = Callable[[argparse.Namespace], int]

#: The areas that add ``provmap X``, ``report X`` and ``export X``, in help order.
AREAS = (
    provision_map,
    pupils,
    plans,
    extras,
    costs,
    reviews,
    school,
    map_import,
    rollover,
    planning,
)


#: Objects a command allocates before the cyclic garbage collector first looks at them.
#: A command is one short process that loads SQLAlchemy, the models and ReportLab
#: (objects that live until it ends) and builds a report of many small objects. At
#: Python's default of 700 a report walked its young objects about 250 times, a tenth
#: of its CPU time or more; at this size it does so once or twice, for no more memory.
COMMAND_GC_THRESHOLD = 100_000


def run() -> int:
    """The ``provmap`` command itself: ``main`` in a process of its own.

    Only here is the collector's threshold raised, and the process ended without
    taking the interpreter apart (``end_process``): ``main`` is also called inside
    other processes (the tests), which keep Python's defaults and carry on.
    """
    gc.set_threshold(COMMAND_GC_THRESHOLD)
    code = main()
    end_process(code)
    return code


def end_process(code: int) -> None:
    """End this process now with ``code``, once its output is out and its exit handlers ran.

    A command's work is done when ``main`` returns: its files are written and renamed,
    its database closed. What Python would do next is free, one by one, every module
    and object the command loaded (SQLAlchemy, the models, ReportLab), about half a
    second of CPU on a report that takes two, for a process about to vanish anyway.
    So the exit handlers run (temporary folders, logging), stdout and stderr are
    flushed, and the process ends. With another thread still running, the ordinary
    exit waits for it instead.
    """
    if threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream: nothing more can reach it.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def build_parser() -> argparse.ArgumentParser:
    """The whole ``provmap`` parser, every sub-command with its handler."""
    parser = argparse.ArgumentParser(
        prog="provmap", description="ProvMap Desktop: the provision map from the command line."
    )
    parser.add_argument("--version", action="version", version=f"ProvMap {__version__}")
    parser.add_argument(
        "--db",
        type=database_argument,
        default=None,
        help="the school database file, or a PostgreSQL server's address such as "
        f"postgresql://server/school (default: {default_database_path()})",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    database.register(sub)
    server.register(sub)
    trust.register(sub)
    parsers = report.add_groups(sub)
    for area in AREAS:
        area.register(parsers)
    return parser


def _database_errors() -> tuple[type[BaseException], ...]:
    """SQLite's errors, and SQLAlchemy's once a command has loaded it.

    Looked up only when something went wrong: a command that never needed SQLAlchemy
    (``check``) does not import it just to name its error class.
    """
    alchemy = sys.modules.get("sqlalchemy.exc")
    if alchemy is None:
        return (sqlite3.Error,)
    return (sqlite3.Error, alchemy.SQLAlchemyError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``provmap`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.db is None:
        args.db = default_database_path()
    handler: Handler = args.handler
    if not is_server_address(args.db):
        from ..storage.places import place_warning

        warning = place_warning(args.db)
        if warning:
            print(f"provmap: warning: {warning}", file=sys.stderr)
    try:
        if is_server_address(args.db):
            ask_server_password(args.db)
        return handler(args)
    except (CliError, StorageError) as exc:
        print(f"provmap: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        # A full disk, a read-only place, a vanished drive: the user's to fix.
        print(f"provmap: {plain_os_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except _database_errors() as exc:
        # The file refused a write: a full disk, or another program holding it too long.
        print(f"provmap: {plain_database_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("provmap: stopped.", file=sys.stderr)
        return EXIT_STOPPED
