"""A read-only look at a school file with plain ``sqlite3``: is it ProvMap's, sound, which schema.

Nothing here needs SQLAlchemy or Alembic, so ``provmap check`` and the first look
before opening a file stay quick.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from . import migrate
from .errors import (
    CorruptDatabaseError,
    NewerSchemaError,
    NotProvMapError,
    StorageError,
    _not_the_files_fault,
    plain_open_error,
)

#: ``PRAGMA application_id`` of every ProvMap file: "PVMP" in ASCII.
APPLICATION_ID = 0x50564D50
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
FILE_SUFFIX = ".provmap"


def default_database_path() -> Path:
    """``school.provmap`` in the user's data folder (per-user, never a shared drive)."""
    return platformdirs.user_data_path("ProvMap", appauthor=False) / f"school{FILE_SUFFIX}"


@dataclass(frozen=True)
class FileInfo:
    """What a read-only look at a file found."""

    path: Path
    is_new: bool
    schema_version: int = 0
    revision: str | None = None

    @property
    def needs_upgrade(self) -> bool:
        return not self.is_new and self.revision != migrate.HEAD_REVISION


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def inspect_file(path: Path, *, full_check: bool = False) -> FileInfo:
    """Check ``path`` without writing to it; raise a ``StorageError`` if it must be refused.

    A missing or zero-length file is reported as new. ``full_check`` runs SQLite's
    full ``integrity_check`` rather than the quicker ``quick_check``.
    """
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a ProvMap database file.")
    if not path.exists() or path.stat().st_size == 0:
        return FileInfo(path=path, is_new=True)
    name = path.name
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotProvMapError(
            f"{name} is not a ProvMap database (it is not an SQLite file). Nothing was changed."
        )
    side_files_before = _side_files(path)
    try:
        conn = _read_only(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise NotProvMapError(
                    f"{name} is a database made by another program, not ProvMap. "
                    "Nothing was changed."
                )
            check = "integrity_check" if full_check else "quick_check"
            problems = [row[0] for row in conn.execute(f"PRAGMA {check}")]
            if problems != ["ok"]:
                raise CorruptDatabaseError(
                    f"{name} is damaged ({problems[0]}). Restore it from a backup with "
                    "File → Restore…. Nothing was changed."
                )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            revision = _alembic_revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and _not_the_files_fault(path, exc):
            raise StorageError(plain_open_error(path, exc)) from None
        raise CorruptDatabaseError(
            f"{name} cannot be read as a database ({exc}). Restore it from a backup with "
            "File → Restore…. Nothing was changed."
        ) from None
    finally:
        _remove_side_files_we_made(path, side_files_before)
    known = revision is None or migrate.is_known_revision(revision)
    if version > migrate.SCHEMA_VERSION or not known:
        raise NewerSchemaError(
            f"{name} was made by a newer version of ProvMap (schema {version}). "
            "Update ProvMap to open it. Nothing was changed."
        )
    return FileInfo(path=path, is_new=False, schema_version=version, revision=revision)


def _side_files(path: Path) -> set[Path]:
    return {side for side in _side_paths(path) if side.exists()}


def _side_paths(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _remove_side_files_we_made(path: Path, existed: set[Path]) -> None:
    """Leave no ``-wal``/``-shm`` behind that only our read-only look created.

    A read-only connection to a file in WAL mode creates both side files but may not
    delete them when it closes. A plain connection that opens and closes again does
    delete them, and only when no other connection is using them, so this never
    pulls them from under a running copy. An empty write-ahead log has nothing to
    copy back, so the database file itself is not written.
    """
    if not any(side.exists() and side not in existed for side in _side_paths(path)):
        return
    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA application_id").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # the file is already being refused; a stray side file is harmless


def _alembic_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None
