"""Fixture schools on the test PostgreSQL server: a database of their own, each.

A school is built as the app builds a server database (every Alembic revision, in one
transaction) and filled with the rows of a SQLite fixture school (``tests/schools``),
table by table, so the same hand-worked figures hold on both engines. It is built once
per test process (``tests/schools/pg_templates.py``) and copied for each test.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from provmap_desktop.storage import migrate


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


def school_on_server(server_url: str, school: str, name: str) -> str:
    """Fixture school ``school`` copied into a new server database ``name``; its URL.

    The school is built once per test process as ``tests/schools/pg_templates.py``
    builds it (an empty database brought to the schema by every Alembic revision in
    one transaction, as ``fresh_database`` does, then filled by ``copy_rows``), and each
    call copies that template database on the server, which takes milliseconds where
    running the revisions again took a second or more.
    """
    from .schools import pg_templates

    pg_templates.use_server(server_url)
    return pg_templates.copy_of(school, name)
