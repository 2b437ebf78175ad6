"""Back up and restore a school database without ever leaving a half-written file.

A backup is made with SQLite's online backup API, so it is consistent even while
the app is open and writing; it is written under a temporary name, checked, then
renamed into place. A restore checks the chosen file first (a ProvMap file, intact,
not from a newer version), keeps the current database aside, and only then swaps.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

from .autobackup import copy_database_file, record_backup, reserve_copy_name
from .database import sqlite_connect
from .errors import AlreadyOpenError, StorageError, is_disk_full
from .file_check import _side_paths, inspect_file
from .lock import DatabaseLock
from .safe_files import atomic_write, make_private, private_folder
from .sealed import is_sealed, open_sealed, password_problem, private_temp_folder, seal_file


def _disk_message(exc: OSError, what: str) -> str:
    if exc.errno == errno.ENOSPC:
        return f"There is not enough space to {what}. Free some space and try again."
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"Could not {what}: the folder is read-only{where}."
    return f"Could not {what}: {exc.strerror or exc}."


class PasswordNeededError(StorageError):
    pass


def backup_database(source: Path, target: Path, *, password: str | None = None) -> Path:
    """Write a consistent copy of the database at ``source`` to ``target``.

    With ``password`` the copy is sealed (see ``storage.sealed``); the plain copy is
    made in a private folder beside the database and never reaches ``target``'s disk.
    """
    source, target = Path(source), Path(target)
    if password is not None:
        problem = password_problem(password)
        if problem:
            raise StorageError(problem + " Nothing was written.")
    if inspect_file(source).is_new:
        # Going on would make SQLite create an empty database at ``source``.
        raise StorageError(f"There is no ProvMap database at {source}. Nothing was changed.")
    if target.resolve() == source.resolve():
        raise StorageError("Choose a different file for the backup than the database itself.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if password is None:
            with atomic_write(target) as temp:
                copy_database_file(source, temp)
        else:
            with private_temp_folder(source) as scratch:
                plain = Path(scratch) / "plain.provmap"
                copy_database_file(source, plain)
                seal_file(plain, target, password)
    except sqlite3.Error as exc:
        if "full" in str(exc).lower():
            raise StorageError(
                "There is not enough space to write the backup. Free some space and try "
                "again. Nothing was changed."
            ) from None
        raise StorageError(
            f"The backup could not be written: {exc}. Nothing was changed."
        ) from None
    except OSError as exc:
        raise StorageError(
            _disk_message(exc, "write the backup") + " Nothing was changed."
        ) from None
    with contextlib.suppress(OSError):  # the list only helps erasure name copies later
        record_backup(source, target)
    return target


def check_backup(path: Path) -> int:
    """Full check of a file offered for restore; returns its schema number."""
    info = inspect_file(Path(path), full_check=True)
    if info.is_new:
        raise StorageError(f"{Path(path).name} is empty: it is not a ProvMap backup.")
    return info.schema_version


def restore_database(backup: Path, target: Path, *, password: str | None = None) -> Path | None:
    """Replace the database at ``target`` with the backup; return where the old one went.

    The database must not be open (the caller closes its own copy first); another
    running copy of the app holds the lock and makes this fail with nothing changed.
    The current file, and any ``-wal``/``-shm`` left beside it (even with no main file,
    after a crash), are moved into the ``Backups`` folder, never deleted: a stale
    write-ahead log left in place would be replayed onto the restored file. The result
    must pass SQLite's full integrity check before the restore counts as done.
    """
    backup, target = Path(backup), Path(target)
    if is_sealed(backup):
        if password is None:
            raise PasswordNeededError(
                f"{backup.name} is protected with a password. Give the password to restore it."
            )
        private_folder(target.parent)
        with private_temp_folder(target) as scratch:
            plain = open_sealed(backup, password, Path(scratch) / "opened.provmap")
            return restore_database(plain, target)
    check_backup(backup)
    lock = DatabaseLock(target)
    if not lock.acquire():
        raise AlreadyOpenError(
            f"{target.name} is open in another copy of ProvMap. Close it, then restore. "
            "Nothing was changed."
        )
    try:
        staged = _stage_copy(backup, target)
        try:
            aside = move_current_aside(target)
        except OSError as exc:
            staged.unlink(missing_ok=True)
            raise StorageError(
                _disk_message(exc, "keep the current database aside") + " Nothing was changed."
            ) from None
        staged.replace(target)
        make_private(target)
        problems = _full_check(target)
        if problems:
            raise StorageError(
                f"The restored file did not pass the integrity check ({problems[0]}). "
                f"The previous database is kept as {aside}."
            )
        return aside
    finally:
        lock.release()


def _stage_copy(backup: Path, target: Path) -> Path:
    """Copy the backup to a temporary name beside ``target``; nothing else is touched."""
    staged = target.with_name(f".{target.name}.{os.getpid()}.restoring")
    try:
        copy_database_file(backup, staged)
    except (OSError, sqlite3.Error) as exc:
        staged.unlink(missing_ok=True)
        if is_disk_full(exc):
            message = "There is not enough space to restore. Free some space and try again."
        elif isinstance(exc, OSError):
            message = _disk_message(exc, "restore")
        else:
            message = f"The backup could not be copied ({exc})."
        raise StorageError(f"{message} Nothing was changed.") from None
    return staged


def _full_check(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    finally:
        conn.close()


def move_current_aside(target: Path, reason: str = "before-restore") -> Path | None:
    """Move the current database and its side files into ``Backups``; return the copy.

    Used before a restore and before ``demo --force`` replaces the file: nothing is
    deleted, and a damaged file is kept whole with its write-ahead log.
    """
    sides = [side for side in _side_paths(target) if side.exists()]
    if not target.exists() and not sides:
        return None
    if target.exists():
        try:
            # Fold the write-ahead log into the main file so the kept copy is complete.
            conn = sqlite_connect(target)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode=DELETE")
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # a damaged file is often why she restores: its side files go with it
    aside = reserve_copy_name(target, reason)
    moved: list[Path] = []
    for side in _side_paths(target):
        if side.exists():
            kept = aside.with_name(aside.name + side.name[len(target.name) :])
            side.replace(kept)
            moved.append(kept)
    if target.exists():
        target.replace(aside)
        return aside
    aside.unlink()  # only side files were left: they are kept under the copy's name
    return moved[0]
