"""The fixture schools on the test suite's PostgreSQL server, and a clean state per test.

Each school gets its own database on the server, built once per test process: the
empty schema through the app's own Alembic revisions (``open_database`` on the
address, as a school's IT would first open it), then every other school as a copy of
that schema filled with the rows of the school's SQLite template (the app's own
``copy_rows``, as ``provmap copy-to`` copies a school).

A test of the ``session`` fixture never changes those databases: it works on one
connection inside an outer transaction that is rolled back at the end, and its
session joins that transaction through a savepoint
(``join_transaction_mode="create_savepoint"``), so a service's ``commit`` ends a
savepoint. The id sequences are put back before each test, so the ids a test sees are
the ones SQLite gives on the same school. A test of a school "in a file"
(``open_school``) gets a database of its own, copied from the school's template in a
few milliseconds (``STRATEGY FILE_COPY`` on a server that does not wait for the disk)
and dropped afterwards.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

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
#: Databases the current test made, dropped after it (``finish``).
_made: list[str] = []
_numbers = itertools.count(1)


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


#: The process's one connection engine to the server's ``postgres`` database, by address.
_admins: dict[str, Engine] = {}


def _admin(sql: str) -> None:
    """Run ``sql`` (CREATE or DROP DATABASE) outside a transaction on the server.

    One engine per server serves every call: each test makes and drops a database or
    two, and a new engine each time connected and asked the server its settings anew.
    """
    address = _address("postgres")
    engine = _admins.get(address)
    if engine is None:
        engine = _admins[address] = create_engine(address, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))


def _rewind_statement(conn: Connection) -> str:
    rows = conn.execute(
        text(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
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
    template = f"template_{name}"
    if not _schools:
        _admin(f'CREATE DATABASE "{SCHEMA_TEMPLATE}"')
        open_database(_address(SCHEMA_TEMPLATE).replace("+psycopg", ""), create=True).close()
    _admin(f'CREATE DATABASE "{template}" TEMPLATE "{SCHEMA_TEMPLATE}" STRATEGY FILE_COPY')
    if name != "empty":
        source = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(templates.template(name))
        )
        target = create_engine(_address(template), poolclass=NullPool)
        try:
            with source.connect() as src, target.begin() as dst:
                copy_rows(src, dst)
                reset_sequences(dst)
        finally:
            source.dispose()
            target.dispose()
    # The template is never connected to again; the tests' shared copy is.
    _admin(f'CREATE DATABASE "school_{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    engine = create_engine(_address(f"school_{name}"))
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
    factory = sessionmaker(conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
    install_audit(factory)
    return factory


def load_into(session: Session, name: str) -> None:
    """Point the session at school ``name`` (it must hold nothing unsaved)."""
    session.close()
    session.bind = connect(name)


def open_school(name: str) -> Database:
    """A new database holding school ``name``, opened as the app opens a server's.

    Made from the school's template and dropped after the test (``finish``): tests of
    a school "in a file" read back through second sessions what the first committed,
    so they get a database of their own rather than a transaction.
    """
    return open_database(new_database(name), create=False)


def new_database(name: str | None) -> str:
    """The address of a new database: bare (``None``), or holding school ``name``.

    Dropped after the test (``finish``). The address is as a user types it.
    """
    database = f"test_{name or 'bare'}_{next(_numbers)}"
    if name is None:
        _admin(f'CREATE DATABASE "{database}"')
    else:
        school(name)
        _admin(f'CREATE DATABASE "{database}" TEMPLATE "template_{name}" STRATEGY FILE_COPY')
    _made.append(database)
    return _address(database).replace("+psycopg", "")


def copy_of(name: str, database: str) -> str:
    """The address of a new database ``database`` holding school ``name``, kept after the
    test (for tests that name their own databases)."""
    school(name)
    _admin(f'CREATE DATABASE "{database}" TEMPLATE "template_{name}" STRATEGY FILE_COPY')
    return _address(database)


def finish() -> None:
    """Roll back and close every connection the test used; drop the databases it made."""
    while _open:
        conn = _open.pop()
        try:
            conn.rollback()
        finally:
            conn.close()
    while _made:
        _admin(f'DROP DATABASE "{_made.pop()}" WITH (FORCE)')
