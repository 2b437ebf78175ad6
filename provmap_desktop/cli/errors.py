"""How the ``provmap`` command fails: ``CliError``, the exit codes and plain messages.

A user's mistake ends with one line on stderr and a non-zero exit code, never a
traceback; the helpers here word file system and database failures as that line.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
#: The exit code after Ctrl+C, as shells report a process stopped by SIGINT.
EXIT_STOPPED = 130


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def plain_os_error(exc: OSError) -> str:
    """One line for a file system failure, naming the place."""
    from ..storage.errors import is_disk_full, is_read_only

    where = Path(exc.filename) if exc.filename else None
    if is_disk_full(exc):
        place = f" for {where.name}" if where else ""
        return f"There is not enough space{place}. Free some space and try again."
    if is_read_only(exc) and where is not None:
        return f"{where.parent} is read-only: ProvMap cannot write {where.name} there."
    return f"{exc.strerror or exc}" + (f": {where}" if where else "")


def plain_database_error(exc: BaseException) -> str:
    """One line for a write the database refused: a full disk or a busy file."""
    from ..storage.errors import is_disk_full

    if is_disk_full(exc):
        return "There is not enough space to save the change. Free some space. Nothing was written."
    text = str(getattr(exc, "orig", None) or exc)
    if "locked" in text or "busy" in text:
        return "The database is busy in another program. Try again. Nothing was written."
    return f"The database refused the change ({text}). Nothing was written."
