"""Storage: the SQLite file, its pragmas, migrations, locking, backup and restore."""

from __future__ import annotations

from .database import Database, default_database_path, open_database
from .errors import (
    AlreadyOpenError,
    CorruptDatabaseError,
    NewerSchemaError,
    NotProvMapError,
    StorageError,
)

__all__ = [
    "AlreadyOpenError",
    "CorruptDatabaseError",
    "Database",
    "NewerSchemaError",
    "NotProvMapError",
    "StorageError",
    "default_database_path",
    "open_database",
]
