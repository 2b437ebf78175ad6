"""The fixture schools on the test suite's PostgreSQL server, and a clean state per test.

Each school gets its own database on the server, built once per test process: the
empty schema through the app's own Alembic revisions (``open_database`` on the
address, as a school's IT would first open it), then every other school as a copy of
that schema filled with the rows of the school's SQLite template (the app's own
``copy_rows``, as ``provmap copy-to`` copies a school).

A test never changes those databases: it works on one connection inside an outer
transaction that is rolled back at the end, and its sessions join that transaction
through savepoints (``join_transaction_mode="create_savepoint"``), so a service's
``commit`` ends a savepoint and the next session on the same connection sees it, as
the next session on a file would. The id sequences are put back before each test, so
the ids a test sees are the ones SQLite gives on the same school.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.services.school_copy import copy_rows, reset_sequences
from provmap_desktop.storage import Database, open_database
from provmap_desktop.storage.audit import install_audit

from . import templates


@dataclass
class _School:
    engine: Engine
    #: One statement that sets every id sequence back to where the school left it.
    rewind: str


_server: list[str] = []
_schools: dict[str, _School] = {}
#: Connections the current test holds, rolled back and closed after it (``finish``).
_open: list[Connection] = []


def use_server(url: str) -> None:
    """Build this process's schools on the server at ``url`` (its ``postgres`` database)."""
    if _server and _server[0] == url:
        return
    _server[:] = [url]
    _schools.clear()


def _address(database: str) -> str:
    base = _server[0]
    head, _, tail = base.partition("?")
    head = head.rsplit("/", 1)[0] + f"/{database}"
    return f"{head}?{tail}" if tail else head


def _admin(sql: str) -> None:
    engine = create_engine(_address("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _rewind_statement(conn: Connection) -> str:
    rows = conn.execute(
        text(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema()"
        )
    ).all()
    parts = [
        f"setval('{name}', {value}, true)" if value else f"setval('{name}', 1, false)"
        for name, value in rows
    ]
    return "SELECT " + ", ".join(parts) if parts else "SELECT 1"


#: The empty schema, made once per process by the app's own migrations and never
#: connected to again, so each school's database can be created from it.
SCHEMA_TEMPLATE = "provmap_template"


def _build(name: str) -> _School:
    database = f"school_{name}"
    if not _schools:
        _admin(f'CREATE DATABASE "{SCHEMA_TEMPLATE}"')
        open_database(_address(SCHEMA_TEMPLATE).replace("+psycopg", ""), create=True).close()
    _admin(f'CREATE DATABASE "{database}" TEMPLATE "{SCHEMA_TEMPLATE}"')
    engine = create_engine(_address(database))
    if name != "empty":
        source = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(templates.template(name))
        )
        try:
            with source.connect() as src, engine.begin() as dst:
                copy_rows(src, dst)
                reset_sequences(dst)
        finally:
            source.dispose()
    with engine.connect() as conn:
        rewind = _rewind_statement(conn)
    return _School(engine, rewind)


def school(name: str) -> _School:
    """School ``name``'s database on the server, built on first use."""
    if not _server:
        raise RuntimeError("No PostgreSQL server: tests/conftest.py sets one for each run.")
    if name not in _schools:
        _schools[name] = _build(name)
    return _schools[name]


def connect(name: str) -> Connection:
    """A connection to school ``name`` inside a transaction that ``finish`` rolls back."""
    found = school(name)
    conn = found.engine.connect()
    conn.begin()
    conn.execute(text(found.rewind))
    _open.append(conn)
    return conn


def session_factory(conn: Connection) -> sessionmaker[Session]:
    """Audited sessions that share ``conn``'s transaction, each commit a savepoint."""
    factory = sessionmaker(
        conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    install_audit(factory)
    return factory


def load_into(session: Session, name: str) -> None:
    """Point the session at school ``name`` (it must hold nothing unsaved)."""
    session.close()
    session.bind = connect(name)


def open_school(name: str) -> Database:
    """School ``name`` as an open server ``Database`` whose sessions all roll back."""
    conn = connect(name)
    db = Database(None, school(name).engine, None, address=_address(f"school_{name}"))
    db.session_factory = session_factory(conn)
    return db


def finish() -> None:
    """Roll back and close every connection the test used."""
    while _open:
        conn = _open.pop()
        try:
            conn.rollback()
        finally:
            conn.close()
