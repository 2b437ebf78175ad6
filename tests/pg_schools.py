"""Fixture schools on the test PostgreSQL server: a database of their own, each.

A school is built as the app builds a server database (every Alembic revision, in one
transaction) and filled with the rows of a SQLite fixture school (``tests/schools``),
table by table, so the same hand-worked figures hold on both engines.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from provmap_desktop.services import school_copy
from provmap_desktop.storage import migrate

from .schools.templates import template


def admin_engine(server_url: str) -> Engine:
    """The server's superuser, outside any transaction (for CREATE DATABASE, roles)."""
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


def fresh_database(server_url: str, name: str) -> str:
    """A new, empty database ``name`` at the app's schema; its URL."""
    admin = admin_engine(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    with engine.begin() as conn:
        migrate.upgrade_to_head(conn)
    engine.dispose()
    return url


def copy_rows(source: Engine, target: Engine) -> None:
    """Every row of every table from ``source`` into the empty ``target``, ids kept, as
    ``provmap copy-to`` copies them (``services.school_copy``)."""
    with source.connect() as read, target.begin() as write:
        school_copy.copy_rows(read, write)
        if target.dialect.name == "postgresql":
            school_copy.reset_sequences(write)


def school_on_server(server_url: str, school: str, name: str) -> str:
    """Fixture school ``school`` copied into a new server database ``name``; its URL."""
    url = fresh_database(server_url, name)
    source = create_engine(f"sqlite:///{Path(template(school))}")
    target = create_engine(url)
    try:
        copy_rows(source, target)
    finally:
        source.dispose()
        target.dispose()
    return url
