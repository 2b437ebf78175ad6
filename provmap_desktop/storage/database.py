"""Opening the SQLite file that holds a school (checks, pragmas, lock, migrations), or
its database on a PostgreSQL server (``storage.server``).

``open_database`` never changes a file it cannot vouch for: a file that is not a
ProvMap database, is damaged, or was written by a newer ProvMap is refused with a
message that says what to do, before anything writes to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from . import migrate
from .errors import (
    AlreadyOpenError,
    StorageError,
    plain_open_error,
)
from .file_check import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    FILE_SUFFIX,
    SQLITE_HEADER,
    FileInfo,
    default_database_path,
    inspect_file,
)
from .lock import DatabaseLock
from .safe_files import PRIVATE_FILE, make_private, private_folder
from .server import (
    PasswordPrompt,
    connect_engine,
    is_server_address,
    plain_server_error,
    prepare_schema,
    server_revision,
    server_url,
    shown_address,
)

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "FILE_SUFFIX",
    "SQLITE_HEADER",
    "Database",
    "FileInfo",
    "default_database_path",
    "inspect_file",
    "open_database",
    "open_server_database",
]


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite would otherwise open its own transactions around these statements.
    level = dbapi_conn.isolation_level
    dbapi_conn.isolation_level = None
    try:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
    finally:
        dbapi_conn.isolation_level = level


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine whose every connection has WAL, FULL sync, foreign keys and a busy timeout.

    A ``read_only`` engine's connections refuse every write (``query_only``).
    """
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _set_pragmas)
    if read_only:
        event.listen(engine, "connect", _query_only)
    return engine


def _query_only(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA query_only=ON")


def verify_pragmas(engine: Engine) -> dict[str, Any]:
    """Read the pragmas back; raise ``StorageError`` if any did not take effect."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        found = {
            "journal_mode": raw.execute("PRAGMA journal_mode").fetchone()[0],
            "synchronous": raw.execute("PRAGMA synchronous").fetchone()[0],
            "foreign_keys": raw.execute("PRAGMA foreign_keys").fetchone()[0],
            "busy_timeout": raw.execute("PRAGMA busy_timeout").fetchone()[0],
        }
    wanted = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    wrong = [k for k, v in wanted.items() if found[k] != v]
    if wrong or found["busy_timeout"] < 1000:
        raise StorageError(
            f"The database could not be set up safely ({', '.join(wrong) or 'busy_timeout'}). "
            "Is it on a network drive? Copy it to this computer and open it there."
        )
    return found


class Database:
    """An open school database: engine, session factory and the lock that guards it.

    A school file has its ``path`` and a lock; a database on a PostgreSQL server has
    neither (``path`` is ``None``), only its ``address``. ``location`` names either.
    """

    def __init__(
        self,
        path: Path | None,
        engine: Engine,
        lock: DatabaseLock | None,
        *,
        address: str | None = None,
    ) -> None:
        self.path = path
        self.engine = engine
        self.lock = lock
        self.address = address
        self.session_factory: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        # Imported here: the audit hook needs the ORM models, which ``provmap check``
        # and the other plain-SQL paths never load.
        from .audit import install_audit

        install_audit(self.session_factory)

    @property
    def is_server(self) -> bool:
        """True for a database on a server: no file, no lock, no copies of its own."""
        return self.path is None

    @property
    def location(self) -> str:
        """The file's path, or the server's address without any password."""
        return str(self.path) if self.path is not None else str(self.address)

    def schema_version(self) -> int:
        if self.path is None:
            from sqlalchemy import text

            with self.engine.connect() as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return migrate.SCHEMA_NUMBERS.get(str(revision), 0)
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            return int(raw.execute("PRAGMA user_version").fetchone()[0])

    def integrity_problems(self) -> list[str]:
        """Empty when SQLite's full integrity check and the foreign key check pass.

        A server enforces its foreign keys on every write and checks its own pages, so
        there is nothing for the app to add there.
        """
        if self.path is None:
            return []
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            problems = [r[0] for r in raw.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [
                f"row {r[1]} of {r[0]} points at a missing {r[2]}"
                for r in raw.execute("PRAGMA foreign_key_check")
            ]
        return problems

    def is_empty(self) -> bool:
        from ..models import SchoolSettings

        with self.session_factory() as session:
            return session.get(SchoolSettings, 1) is None

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    read_only: bool = False,
    daily_copy: bool = True,
    ask_password: PasswordPrompt | None = None,
) -> Database:
    """Open (or create) the school database at ``path``: a file, or a server's address.

    Order matters: take the lock, look at the file read-only, and only then write:
    set the pragmas, create the schema for a new file, or copy the file aside and
    migrate an older one. ``read_only`` opens for reading alone (reports, exports):
    no lock is taken, so it works while the app has the file open, and SQLite
    refuses any write on that connection. ``daily_copy`` False leaves the first open
    of the day's copy to the caller (the app takes it once its window is on screen,
    with ``take_daily_copy``); a copy before a migration is always taken here.

    A server address (``postgresql://host/school``) opens that database instead
    (``open_server_database``); ``ask_password`` is asked if the server wants a
    password that libpq did not find.
    """
    if is_server_address(path):
        return open_server_database(
            str(path), create=create, read_only=read_only, ask_password=ask_password
        )
    path = Path(path).expanduser()
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a ProvMap database file.")
    try:
        if read_only:
            return _open_for_reading(path)
        return _open_for_writing(path, create=create, daily_copy=daily_copy)
    except StorageError:
        raise
    except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
        raise StorageError(plain_open_error(path, exc)) from None


def open_server_database(
    address: str,
    *,
    create: bool = True,
    read_only: bool = False,
    ask_password: PasswordPrompt | None = None,
) -> Database:
    """Open the school database on a PostgreSQL server, creating its schema if empty.

    ``read_only`` opens a connection whose transactions refuse every write, and never
    creates or upgrades the schema.
    """
    url = server_url(address)
    engine = connect_engine(url, ask_password)
    try:
        if read_only:
            with engine.connect() as conn:
                revision = server_revision(conn)
            if revision != migrate.HEAD_REVISION:
                raise StorageError(
                    "That server database is empty or at an older schema: open it in the "
                    "app once first. Nothing was changed."
                )
            engine = engine.execution_options(postgresql_readonly=True)
        else:
            prepare_schema(engine, create=create)
    except StorageError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StorageError(plain_server_error(url, exc)) from None
    return Database(None, engine, None, address=shown_address(url))


def _open_for_reading(path: Path) -> Database:
    info = inspect_file(path)
    if info.is_new:
        raise StorageError(f"There is no ProvMap database at {path}.")
    if info.needs_upgrade:
        raise StorageError(
            f"{path.name} was made by an older ProvMap and must be upgraded first: open it "
            "in the app once. Nothing was changed."
        )
    engine = make_engine(path, read_only=True)
    return Database(path, engine, DatabaseLock(path))


def _open_for_writing(path: Path, *, create: bool, daily_copy: bool = True) -> Database:
    private_folder(path.parent)
    lock = DatabaseLock(path)
    if not lock.acquire():
        raise AlreadyOpenError(
            f"{path.name} is already open in another copy of ProvMap on this computer. "
            "Switch to that window, or close it and try again."
        )
    engine: Engine | None = None
    from .autobackup import BACKUPS_FOLDER, take_copy, take_daily_copy  # they import us

    try:
        info = inspect_file(path)
        if info.is_new and not create:
            raise StorageError(f"There is no ProvMap database at {path}.")
        if info.is_new:
            _create_private(path)
        elif info.needs_upgrade:
            take_copy(path, "before-migration")
        elif daily_copy and path.parent.name != BACKUPS_FOLDER:  # a copy makes no copy
            take_daily_copy(path)
        engine = make_engine(path)
        verify_pragmas(engine)
        if info.is_new or info.needs_upgrade:
            _upgrade(engine)
        return Database(path, engine, lock)
    except BaseException:
        if engine is not None:
            engine.dispose()
        lock.release()
        raise


def _upgrade(engine: Engine) -> None:
    """Bring the file to the app's schema in one transaction.

    Foreign keys are off while the migrations run: SQLite changes a table's columns by
    copying it into a new table and dropping the old one, and with foreign keys on,
    dropping the old table would empty or delete the rows that point at it (a group's
    member of staff, a term's year). They are checked as a whole before the commit.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                migrate.upgrade_to_head(conn)
                broken = raw.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StorageError(
                        f"Upgrading the file would leave {len(broken)} broken links between "
                        "its tables, so it was not upgraded."
                    )
                raw.execute(f"PRAGMA application_id={APPLICATION_ID}")
                raw.execute(f"PRAGMA user_version={migrate.SCHEMA_NUMBERS[migrate.HEAD_REVISION]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _create_private(path: Path) -> None:
    """Create the empty file owner-only, so SQLite and its side files inherit that."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)
    make_private(path)


def sqlite_connect(path: Path) -> sqlite3.Connection:
    """A plain connection with the same pragmas (for backup and tooling)."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    _set_pragmas(conn, None)
    return conn
