"""Storage: the SQLite file, its pragmas, migrations, locking, backup and restore; or a
school's database on a PostgreSQL server (``server``), opened through the same
``open_database`` when ``--db`` is a ``postgresql://`` address.

``Database``, ``open_database`` and ``default_database_path`` are loaded on first use:
``provmap check`` and the other plain-SQL paths import this package without paying for
SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    AlreadyOpenError,
    CorruptDatabaseError,
    NewerSchemaError,
    NotProvMapError,
    StorageError,
)

if TYPE_CHECKING:
    from .database import Database, open_database
    from .file_check import default_database_path

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

#: Names loaded on first use, and the module of this package that holds each.
_LAZY = {
    "Database": "database",
    "open_database": "database",
    "default_database_path": "file_check",
}


def __getattr__(name: str) -> Any:
    """Load ``Database``, ``open_database`` or ``default_database_path`` when first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
