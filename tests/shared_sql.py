"""Every SQLite engine a test process makes compiles each statement once, not once per engine.

SQLAlchemy keeps the SQL it has compiled in a cache that belongs to one engine, keyed
by that engine's dialect object. The app opens one engine per school file, so its cache
fills once and serves the whole session. The tests open a new engine for nearly every
test (a fresh copy of a school file, an in-memory database), so every test compiled
the same few hundred statements again: about a third of the time it took to build the
main window.

Here every SQLite engine made in this process is given one shared dialect and one
shared cache as soon as it is created. The dialects are interchangeable: the same class
over the same ``sqlite3`` module, made with the same options (checked below; an engine
made with other options keeps its own). What SQLite is sent and what comes back are
unchanged; only the work of turning a statement into SQL is done once.

Installed for the test process by ``pytest_plugins`` in ``tests/conftest.py``; the app
itself never loads this module.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.util import LRUCache

#: Statements kept: the app's engines keep 500; the whole suite uses a few thousand.
CACHE_SIZE = 5000

_shared: dict[str, Any] = {}


def _options(dialect: Any) -> tuple[object, ...]:
    """What a dialect was made with that could change the SQL it compiles or runs."""
    return (
        type(dialect),
        dialect.dbapi,
        dialect.paramstyle,
        dialect.compiler_linting,
        getattr(dialect, "native_datetime", None),
        getattr(dialect, "_json_serializer", None),
        getattr(dialect, "_json_deserializer", None),
        getattr(dialect, "isolation_level", None),
    )


def _shared_dialect() -> Any:
    """One dialect, set up against a real SQLite connection (as each engine's first is)."""
    if "dialect" not in _shared:
        _shared["dialect"] = None  # the engine made here is not itself re-wired
        probe = create_engine("sqlite://")
        with probe.connect():
            pass
        _shared["dialect"] = probe.dialect
        _shared["cache"] = LRUCache(CACHE_SIZE)
        probe.dispose()
    return _shared["dialect"]


def share_compiled_sql(engine: Engine) -> None:
    """Give ``engine`` the process's shared SQLite dialect and compiled-SQL cache."""
    dialect = _shared_dialect()
    if dialect is None or engine.dialect is dialect:
        return
    if _options(engine.dialect) != _options(dialect):
        return
    if engine._compiled_cache is None:  # made with query_cache_size=0: leave it so
        return
    engine.dialect = dialect
    engine.pool._dialect = dialect
    engine._compiled_cache = _shared["cache"]


#: PostgreSQL dialects by server and options: each is shared once it has met its server.
_server_dialects: dict[tuple[object, ...], Any] = {}


def _server_key(engine: Engine) -> tuple[object, ...]:
    """The server an engine talks to (host, port, socket folder) and its dialect's options."""
    url = engine.url
    return (url.host, url.port, url.query.get("host"), url.username, _options(engine.dialect))


def share_server_sql(engine: Engine) -> None:
    """Give a PostgreSQL ``engine`` the dialect and compiled-SQL cache of an earlier engine.

    The first engine made for a server keeps its own dialect, which learns the server's
    version and settings when that engine first connects (SQLAlchemy's ``initialize``);
    once it has, every later engine for the same server, made with the same options,
    takes that dialect and its cache. The test run's engines all reach the one test
    server, so the SQL compiled for one test database is the SQL for every other.
    """
    if engine._compiled_cache is None:
        return
    key = _server_key(engine)
    shared = _server_dialects.get(key)
    if shared is None:
        _server_dialects[key] = engine.dialect
        engine._compiled_cache = _shared.setdefault("server_cache", LRUCache(CACHE_SIZE))
        return
    if getattr(shared, "server_version_info", None) is None:
        return  # its engine has not connected yet: this one learns the server for itself
    engine.dialect = shared
    engine.pool._dialect = shared
    engine._compiled_cache = _shared.setdefault("server_cache", LRUCache(CACHE_SIZE))


_app_hook = SQLiteDialect_pysqlite.engine_created
_server_hook = PGDialect_psycopg.engine_created


def _engine_created(cls: type[SQLiteDialect_pysqlite], engine: Engine) -> None:
    _app_hook(engine)
    share_compiled_sql(engine)


def _server_engine_created(cls: type[PGDialect_psycopg], engine: Engine) -> None:
    _server_hook(engine)
    share_server_sql(engine)


def pytest_configure() -> None:
    """Re-wire every SQLite and PostgreSQL engine created from now on in this process."""
    SQLiteDialect_pysqlite.engine_created = classmethod(_engine_created)  # type: ignore[assignment,method-assign]
    PGDialect_psycopg.engine_created = classmethod(_server_engine_created)  # type: ignore[assignment,method-assign]
