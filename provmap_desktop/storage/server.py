"""A school database on a PostgreSQL server, for a school's team or a trust.

The address is a URL such as ``postgresql://db.trust.local/oak_lane?sslmode=require``:
the user name, host, port and database from the URL, TLS from its query (libpq's
``sslmode``, ``sslrootcert`` and the rest, passed on unchanged). A password is never
part of the address, where it would sit in shell history and process lists: libpq
reads it from ``PGPASSFILE`` or ``~/.pgpass``, or the caller asks for it (the app in a
dialog, the command line with ``getpass``).

Everything the SQLite file needs (pragmas, the lock file, the daily copy, VACUUM, the
backup API) has no part here: the server's administrator keeps and backs up the data.
The schema is made and upgraded by the same Alembic revisions as a file, and its
version is read from Alembic's own table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import migrate
from .errors import NewerSchemaError, NotProvMapError, StorageError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

#: The schemes that name a PostgreSQL server (SQLAlchemy's and libpq's spellings).
SERVER_SCHEMES = ("postgresql:", "postgresql+psycopg:", "postgres:")
#: What the app and the command line say where a file would be copied or compacted.
SERVER_BACKUP_MESSAGE = (
    "Backups of a server database are made by the server's administrator (pg_dump)."
)
#: Asked for the password of a server that wants one: given the address, returns the
#: password, or ``None`` when the user gives up.
PasswordPrompt = Callable[[str], "str | None"]


#: Passwords typed at a prompt in this process, by address: opening the same server
#: again (a report, a second window) does not ask twice. Never written anywhere.
_typed_passwords: dict[str, str] = {}


class ServerAddressError(StorageError):
    """The server address cannot be used as it stands (for example, it holds a password)."""


def is_server_address(text: object) -> bool:
    """Whether ``text`` (what was given to ``--db``) names a server rather than a file."""
    return isinstance(text, str) and text.strip().lower().startswith(SERVER_SCHEMES)


def database_argument(text: str) -> Path | str:
    """What ``--db`` names: a server's address as typed, or a file's path."""
    return text.strip() if is_server_address(text) else Path(text)


def server_url(text: str) -> URL:
    """The SQLAlchemy URL for a server address, with the psycopg driver.

    Refuses an address that carries a password, or names no database.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    address = text.strip()
    if address.lower().startswith("postgres:"):
        address = "postgresql:" + address[len("postgres:") :]
    try:
        url = make_url(address)
    except ArgumentError:
        raise ServerAddressError(f"{shown(text)} is not a database server address.") from None
    if url.password:
        raise ServerAddressError(
            "The server address must not hold a password: anyone could read it from the "
            "command line. Put it in your .pgpass file (or PGPASSFILE), or leave it out "
            "and type it when asked."
        )
    if not url.database:
        raise ServerAddressError(
            f"{shown(text)} names no database: add it after the server, as in "
            "postgresql://server/school."
        )
    # ``set`` leaves a value given as None alone: an empty password is cleared this way.
    return url.set(drivername="postgresql+psycopg")._replace(password=None)


def shown(text: str) -> str:
    """The address as it may be shown on screen: any password replaced by stars."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text.strip()).render_as_string(hide_password=True)
    except ArgumentError:
        return "That address"


def shown_address(url: URL) -> str:
    """``url`` as the user would type it: no password, no driver name."""
    return url.render_as_string(hide_password=True).replace("+psycopg", "", 1)


def make_server_engine(url: URL, password: str | None = None) -> Engine:
    """An engine for ``url``; ``password`` (typed by the user) only if libpq found none."""
    from sqlalchemy import create_engine

    if password is not None:
        url = url.set(password=password)
    # Connections are checked before use: a server restarted overnight is no error.
    return create_engine(url, pool_pre_ping=True)


def _wants_password(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "no password supplied" in text or "password authentication failed" in text


def connect_engine(url: URL, ask_password: PasswordPrompt | None) -> Engine:
    """An engine whose first connection has succeeded, asking for a password if needed.

    libpq looks in ``PGPASSFILE`` or ``~/.pgpass`` first; only when the server still
    wants a password is ``ask_password`` called, up to three times.
    """
    from sqlalchemy.exc import OperationalError

    where = shown_address(url)
    engine = make_server_engine(url, _typed_passwords.get(where))
    for attempt in range(4):
        try:
            with engine.connect():
                if engine.url.password is not None:
                    _typed_passwords[where] = str(engine.url.password)
                return engine
        except OperationalError as exc:
            engine.dispose()
            if not _wants_password(exc) or ask_password is None or attempt == 3:
                raise StorageError(plain_server_error(url, exc)) from None
        password = ask_password(where)
        if password is None:
            raise StorageError("No password was given, so the server database was not opened.")
        engine = make_server_engine(url, password)
    raise AssertionError("unreachable")  # pragma: no cover


def plain_server_error(url: URL, exc: BaseException) -> str:
    """One line for a server that could not be reached or refused the connection."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    where = shown_address(url)
    if _wants_password(exc):
        return (
            f"The server at {where} wants a password: put it in your .pgpass file (or "
            f"PGPASSFILE), or type it when asked. ({reason})"
        )
    return f"The database server at {where} could not be opened ({reason}). Nothing was changed."


def server_revision(conn: Connection) -> str | None:
    """The Alembic revision the server database is at; ``None`` when it is empty.

    Raises ``NotProvMapError`` for a database that holds other tables and no revision.
    """
    from sqlalchemy import inspect, text

    names = set(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        if names:
            raise NotProvMapError(
                "That server database holds other tables and is not a ProvMap database. "
                "Ask IT for an empty database for the school. Nothing was changed."
            )
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def prepare_schema(engine: Engine, *, create: bool) -> None:
    """Create the schema in an empty database, or bring an older one up to date.

    Runs in one transaction: PostgreSQL changes tables inside a transaction, so a
    failed upgrade leaves the database as it was.
    """
    with engine.connect() as conn:
        revision = server_revision(conn)
        conn.rollback()
        if revision == migrate.HEAD_REVISION:
            return
        if revision is not None and not migrate.is_known_revision(revision):
            raise NewerSchemaError(
                "That server database was upgraded by a newer ProvMap. Install the newer "
                "version to open it. Nothing was changed."
            )
        if revision is None and not create:
            raise StorageError("That server database is empty: there is no school in it yet.")
        with conn.begin():
            migrate.upgrade_to_head(conn)
