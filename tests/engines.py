"""Running a folder's database tests on both engines, SQLite and PostgreSQL.

A test is run twice, once per engine, when it uses a database: the ``session``
fixture, a fixture school "in a file" (``tmp_path`` or ``tmp_path_factory``: the
schools of ``tests/schools/templates.py`` follow the engine), or ``new_database``. A
test of plain functions runs once, and so does one marked ``sqlite_only`` (a test of
the SQLite file itself, with its reason).
"""

from __future__ import annotations

import pytest

ENGINES = ("sqlite", "postgresql")
#: Fixtures that mean a test reads or writes a school database.
_DATABASE_FIXTURES = {"session", "tmp_path", "tmp_path_factory", "new_database"}


def parametrise_engines(metafunc: pytest.Metafunc) -> None:
    """``pytest_generate_tests`` for a folder whose database tests run on both engines."""
    if "db_engine" not in metafunc.fixturenames:
        return
    if not _DATABASE_FIXTURES & set(metafunc.fixturenames):
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("db_engine", ENGINES, indirect=True)
