"""Helpers for the storage tests: real SQLite files, a small school, file fingerprints."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from ..schools.small import add_small_school

__all__ = ["add_small_school", "all_rows", "integrity", "sha256", "side_files"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    """The ``-wal``/``-shm`` files that exist beside ``path``."""
    return [s for s in ("-wal", "-shm") if path.with_name(path.name + s).exists()]


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table in the file, sorted, keyed by table name."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    """A closed ProvMap file holding the small school."""
    path = tmp_path / "school.provmap"
    add_small_school(path)
    return path
