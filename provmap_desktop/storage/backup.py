"""Back up and restore a school database without ever leaving a half-written file.

A backup is made with SQLite's online backup API, so it is consistent even while
the app is open and writing; it is written under a temporary name, checked, then
renamed into place. A restore checks the chosen file first (a ProvMap file, intact,
not from a newer version), keeps the current database aside, and only then swaps.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
from pathlib import Path

from .database import (
    BUSY_TIMEOUT_MS,
    AlreadyOpenError,
    StorageError,
    _remove_side_files_we_made,
    _side_files,
    inspect_file,
    sqlite_connect,
)
from .lock import DatabaseLock


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def _disk_message(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOSPC:
        return f"There is not enough space to {what}. Free some space and try again."
    return f"Could not {what}: {exc.strerror or exc}."


def _fsync(path: Path) -> None:
    # Read-write: Windows refuses to flush a handle opened only for reading.
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_database(source: Path, target: Path) -> None:
    """Copy ``source`` into a new self-contained file at ``target`` (no WAL side files).

    ``source`` is only read: a backup chosen for restore comes out of it unchanged.
    """
    side_files_before = _side_files(source)
    src = sqlite3.connect(
        f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [r[0] for r in dst.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise StorageError(f"The copy did not check out ({problems[0]}).")
        finally:
            dst.close()
    finally:
        src.close()
        _remove_side_files_we_made(source, side_files_before)
    _fsync(target)


def backup_database(source: Path, target: Path) -> Path:
    """Write a consistent copy of the database at ``source`` to ``target``."""
    source, target = Path(source), Path(target)
    if inspect_file(source).is_new:
        # Going on would make SQLite create an empty database at ``source``.
        raise StorageError(f"There is no ProvMap database at {source}. Nothing was changed.")
    if target.resolve() == source.resolve():
        raise StorageError("Choose a different file for the backup than the database itself.")
    partial = _temp_name(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(source, partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        if "full" in str(exc).lower():
            raise StorageError(
                "There is not enough space to write the backup. Free some space and try "
                "again. Nothing was changed."
            ) from None
        raise StorageError(
            f"The backup could not be written: {exc}. Nothing was changed."
        ) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(
            _disk_message(exc, "write the backup") + " Nothing was changed."
        ) from None
    return target


def check_backup(path: Path) -> int:
    """Full check of a file offered for restore; returns its schema number."""
    info = inspect_file(Path(path), full_check=True)
    if info.is_new:
        raise StorageError(f"{Path(path).name} is empty: it is not a ProvMap backup.")
    return info.schema_version


def restore_database(backup: Path, target: Path) -> Path | None:
    """Replace the database at ``target`` with the backup; return where the old one went.

    The database must not be open (the caller closes its own copy first); another
    running copy of the app holds the lock and makes this fail with nothing changed.
    """
    backup, target = Path(backup), Path(target)
    check_backup(backup)
    lock = DatabaseLock(target)
    if not lock.acquire():
        raise AlreadyOpenError(
            f"{target.name} is open in another copy of ProvMap. Close it, then restore. "
            "Nothing was changed."
        )
    partial = _temp_name(target)
    try:
        try:
            _copy_database(backup, partial)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            message = _disk_message(exc, "restore") if isinstance(exc, OSError) else str(exc)
            raise StorageError(f"{message} Nothing was changed.") from None
        aside = _move_current_aside(target)
        os.replace(partial, target)
        return aside
    finally:
        lock.release()


def _move_current_aside(target: Path) -> Path | None:
    if not target.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
    try:
        # Fold any write-ahead log into the main file so the kept copy is complete.
        conn = sqlite_connect(target)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except sqlite3.Error:
        # A damaged file is often why she restores: keep its side files with it.
        for suffix in ("-wal", "-shm"):
            side = target.with_name(target.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(target, aside)
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    return aside
