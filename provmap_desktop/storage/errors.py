"""What can go wrong with the database file, and how to say it in one plain line."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path


class StorageError(Exception):
    """A problem with the database file; ``str()`` is a message for the user."""


class NotProvMapError(StorageError):
    """The file is not a ProvMap database."""


class CorruptDatabaseError(StorageError):
    """The file is damaged."""


class NewerSchemaError(StorageError):
    """A newer ProvMap wrote the file."""


class AlreadyOpenError(StorageError):
    """Another copy of ProvMap has the file open."""


def _disk_nearly_full(path: Path) -> bool:
    """True when the disk holding ``path`` has almost no space left."""
    try:
        return shutil.disk_usage(path.parent).free < 256 * 1024
    except OSError:
        return False


def _not_the_files_fault(path: Path, exc: sqlite3.Error) -> bool:
    """An error opening the file that comes from where it is, not from what is in it."""
    text = str(exc).lower()
    return ("disk i/o" in text or "unable to open" in text or "readonly" in text) and (
        _disk_nearly_full(path)
        or not os.access(path.parent, os.W_OK)
        or not os.access(path, os.W_OK)
    )


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` says the disk is full."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in text


def is_read_only(exc: BaseException) -> bool:
    """True when ``exc`` says the file or its folder cannot be written."""
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "readonly" in text or "read-only" in text


def plain_open_error(path: Path, exc: BaseException) -> str:
    """One line a SENCO can act on, for a file system or SQLite failure at open."""
    if is_disk_full(exc) or _disk_nearly_full(path):
        return (
            f"There is not enough space on the disk that holds {path.name}. Free some space "
            "and try again. Nothing was changed."
        )
    folder = path.parent
    read_only_file = path.exists() and not os.access(path, os.W_OK)
    read_only_folder = folder.exists() and not os.access(folder, os.W_OK)
    if read_only_file or read_only_folder or is_read_only(exc):
        where = path if read_only_file else folder
        return (
            f"{where} is read-only, so ProvMap cannot keep the school's edits there. Copy "
            "the database to a folder you can write to, or ask IT to allow writing. "
            "Nothing was changed."
        )
    reason = str(getattr(exc, "orig", None) or exc)
    if "locked" in reason or "busy" in reason:
        return (
            f"{path.name} is in use by another program, so ProvMap could not set it up "
            "safely (write-ahead journal). Close the other program and try again. "
            "Nothing was changed."
        )
    if isinstance(exc, OSError):
        return f"{path.name} cannot be opened: {exc.strerror or exc}. Nothing was changed."
    return f"{path.name} cannot be opened ({reason}). Nothing was changed."
