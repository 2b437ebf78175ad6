"""Shared fixtures: a fresh in-memory database, and fixture schools copied from templates."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.models import Base
from provmap_desktop.storage.audit import install_audit

from .pg_server import pg_server_url
from .schools import templates

__all__ = ["pg_server_url"]

#: Every SQLite engine in a test process shares one compiled-SQL cache (see the module).
pytest_plugins = ["tests.shared_sql"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Where Linux keeps a file system in memory.
MEMORY_FOLDER = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """Put the run's temporary folders in memory where Linux offers a folder for it.

    The app asks SQLite to sync every commit to the disk (``synchronous=FULL``), so on
    a disk each commit of a test waits a few milliseconds for the disk; in memory the
    same commits, pragmas and files cost nothing to wait for. A ``--basetemp`` or
    ``PYTEST_DEBUG_TEMPROOT`` given by the person running the tests is kept.
    """
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    if sys.platform.startswith("linux") and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_FOLDER)


@pytest.fixture(scope="session", autouse=True)
def _school_templates(request: pytest.FixtureRequest) -> None:
    """The folder each fixture school is built into once, for this run.

    The worker processes of a split run share one (in the run's own folder, above each
    worker's), so a school is built by one worker, not by each.

    ``tmp_path_factory`` is looked up here, not named as a parameter: a parameter would
    put it among the fixtures of every test, and ``tests/engines.py`` reads that fixture
    as "this test uses a school database", so every test of plain functions in
    ``tests/domain`` and ``tests/services`` ran a second time, unchanged, as its
    "postgresql" twin.
    """
    tmp_path_factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / "templates"
        folder.mkdir(exist_ok=True)
        templates.use_folder(folder)
    else:
        templates.use_folder(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def _empty_schema() -> Iterator[sqlite3.Connection]:
    """The models' schema, created once per run (or worker) in memory.

    ``create_all`` compiles and runs the DDL of every table, which took longer than
    most of the tests that use the schema; copying the finished schema with SQLite's
    backup API gives each test the same empty database in a fraction of that.
    """
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    schema = sqlite3.connect(":memory:")
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.backup(schema)
    engine.dispose()
    yield schema
    schema.close()


@pytest.fixture
def pg_bare(pg_server_url: str) -> Iterator[str]:
    """The address (postgresql://…) of a new, bare database on the test server."""
    from .schools import pg_templates

    pg_templates.use_server(pg_server_url)
    try:
        yield pg_templates.new_database(None)
    finally:
        pg_templates.finish()


@pytest.fixture
def pg_demo(pg_server_url: str) -> Iterator[str]:
    """The address of a new server database holding the demo school (as of 23/11/2026)."""
    from .schools import pg_templates

    pg_templates.use_server(pg_server_url)
    try:
        yield pg_templates.new_database("demo")
    finally:
        pg_templates.finish()


@pytest.fixture
def db_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The database engine the test runs on: "sqlite", or "postgresql" where parametrised.

    ``tests/domain`` and ``tests/services`` run each test that touches a database on
    both (see ``pytest_generate_tests`` in their ``conftest.py``); elsewhere it is
    SQLite. The fixture schools (``tests/schools/templates.py``) follow it.
    """
    kind = getattr(request, "param", "sqlite")
    if kind == "postgresql":
        from .schools import pg_templates

        pg_templates.use_server(request.getfixturevalue("pg_server_url"))
    templates.use_engine(kind)
    try:
        yield kind
    finally:
        templates.use_engine("sqlite")
        if kind == "postgresql":
            pg_templates.finish()


@pytest.fixture
def new_database(db_engine: str, tmp_path: Path) -> Path | str:
    """Where a test makes a new, empty school database on its engine: a file that does
    not exist yet, or the address of a bare database on the test server."""
    if db_engine == "postgresql":
        from .schools import pg_templates

        return pg_templates.new_database(None)
    return tmp_path / "new.provmap"


@pytest.fixture
def session(db_engine: str, request: pytest.FixtureRequest) -> Iterator[Session]:
    """An empty schema, foreign keys on, audit hooks installed.

    In memory for SQLite; on PostgreSQL the empty school database inside a transaction
    that is rolled back after the test.
    """
    if db_engine == "postgresql":
        from .schools import pg_templates

        factory = pg_templates.session_factory(pg_templates.connect("empty"))
        with factory() as s:
            yield s
        return
    yield from _sqlite_session(request.getfixturevalue("_empty_schema"))


def _sqlite_session(_empty_schema: sqlite3.Connection) -> Iterator[Session]:
    engine = create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def _fk_on(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    with engine.connect() as conn:  # the one connection this in-memory engine keeps
        raw = conn.connection.dbapi_connection
        assert raw is not None
        _empty_schema.backup(raw)
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit(factory)
    with factory() as s:
        yield s
    engine.dispose()


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> int:
    """Wait one second, not five, for a lock another connection holds.

    For tests that hold a lock on purpose and check what the app says when the wait
    runs out: the outcome is the same, only sooner. One second is the least the app
    accepts (``verify_pragmas``). Request it before any fixture that opens the file.
    """
    from provmap_desktop.storage import autobackup, database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 1000)
    monkeypatch.setattr(autobackup, "BUSY_TIMEOUT_MS", 1000)
    return 1000
