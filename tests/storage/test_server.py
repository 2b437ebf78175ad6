"""A school database on a PostgreSQL server: opening, the schema, and what is refused.

Each test gets a new database on the suite's own server (``pg_bare`` / ``pg_demo`` in
``tests/conftest.py``), dropped afterwards.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from provmap_desktop.models import Base, Pupil
from provmap_desktop.storage import (
    NewerSchemaError,
    NotProvMapError,
    StorageError,
    migrate,
    open_database,
)
from provmap_desktop.storage.server import (
    ServerAddressError,
    database_argument,
    is_server_address,
    server_url,
)


def _alchemy(address: str) -> str:
    return address.replace("postgresql://", "postgresql+psycopg://", 1)


def test_a_bare_database_gets_the_whole_schema_from_the_migrations(pg_bare: str) -> None:
    db = open_database(pg_bare)
    try:
        assert db.is_server
        assert db.path is None
        assert db.lock is None
        assert db.schema_version() == migrate.SCHEMA_VERSION
        assert db.is_empty()
        with db.engine.connect() as conn:
            found = inspect(conn)
            tables = set(found.get_table_names())
            assert tables == {t.name for t in Base.metadata.tables.values()} | {"alembic_version"}
            # Every column the models declare, with the same nullability, in every table.
            for table in Base.metadata.sorted_tables:
                columns = {c["name"]: c["nullable"] for c in found.get_columns(table.name)}
                assert columns == {c.name: c.nullable for c in table.columns}, table.name
            assert (
                conn.scalar(text("SELECT version_num FROM alembic_version"))
                == migrate.HEAD_REVISION
            )
    finally:
        db.close()


def test_the_migrations_run_in_order_from_the_first_revision(pg_bare: str) -> None:
    from alembic import command

    from provmap_desktop.storage import migrate

    engine = create_engine(_alchemy(pg_bare))
    try:
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(conn), "0001")
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0001"
            assert "learning_plans" not in inspect(conn).get_table_names()
    finally:
        engine.dispose()
    db = open_database(pg_bare, create=False)  # upgrades 0001 -> 0004 in one go
    try:
        assert db.schema_version() == migrate.SCHEMA_VERSION
        with db.engine.connect() as conn:
            assert "learning_plans" in inspect(conn).get_table_names()
            assert "intervention_minutes" in {c["name"] for c in inspect(conn).get_columns("staff")}
    finally:
        db.close()


def test_the_demo_school_on_a_server_reads_back(pg_demo: str) -> None:
    db = open_database(pg_demo, create=False, read_only=True)
    try:
        with db.session_factory() as session:
            # The demo school has 213 pupils (tests/services/test_demo.py counts them).
            assert len(session.scalars(select(Pupil)).all()) == 213
    finally:
        db.close()


def test_a_read_only_connection_refuses_writes(pg_demo: str) -> None:
    from sqlalchemy.exc import DBAPIError

    db = open_database(pg_demo, create=False, read_only=True)
    try:
        with db.engine.connect() as conn, pytest.raises(DBAPIError, match="read-only"):
            conn.execute(text("DELETE FROM pupils"))
    finally:
        db.close()


def test_an_address_with_a_password_is_refused_before_connecting() -> None:
    with pytest.raises(ServerAddressError, match=r"must not hold a password.*\.pgpass"):
        open_database("postgresql://senco:secret@db.example/school")


def test_an_address_without_a_database_is_refused() -> None:
    with pytest.raises(ServerAddressError, match="names no database"):
        server_url("postgresql://db.example")


def test_tls_settings_in_the_address_reach_the_driver() -> None:
    url = server_url("postgresql://senco@db.example:6543/school?sslmode=verify-full")
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username) == (
        "db.example",
        6543,
        "school",
        "senco",
    )
    assert url.query == {"sslmode": "verify-full"}


def test_db_arguments_tell_a_server_from_a_file() -> None:
    assert is_server_address("postgresql://db/school")
    assert is_server_address("postgres://db/school")
    assert not is_server_address("school.provmap")
    assert database_argument(" postgresql://db/school ") == "postgresql://db/school"
    assert str(database_argument("postgresql.provmap")) == "postgresql.provmap"


def test_a_database_holding_other_tables_is_not_taken_for_a_school(pg_bare: str) -> None:
    engine = create_engine(_alchemy(pg_bare))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id integer primary key)"))
    engine.dispose()
    with pytest.raises(NotProvMapError, match="not a ProvMap database"):
        open_database(pg_bare)


def test_a_database_from_a_newer_provmap_is_refused_unchanged(pg_demo: str) -> None:
    engine = create_engine(_alchemy(pg_demo))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(NewerSchemaError, match="newer ProvMap"):
        open_database(pg_demo)


def test_an_unreachable_server_is_one_plain_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StorageError, match="could not be opened") as caught:
        open_database(f"postgresql://nobody@/school?host={tmp_path}")
    assert "\n" not in str(caught.value)


@pytest.fixture
def password_role(pg_server_url: str, pg_bare: str) -> str:
    """The address of ``pg_bare`` for a role the server asks a password of.

    The suite's server trusts local connections; one line added to the top of its
    ``pg_hba.conf`` makes it ask this role alone for a password (SCRAM), as a school's
    server would ask everyone.
    """
    from pathlib import Path
    from urllib.parse import parse_qs, urlsplit

    folder = Path(parse_qs(urlsplit(pg_server_url).query)["host"][0])
    hba = folder / "pg_hba.conf"
    rule = "local all provmap_pw scram-sha-256\n"
    if rule not in hba.read_text():
        hba.write_text(rule + hba.read_text())
    engine = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = 'provmap_pw'"))
        if not exists:
            conn.execute(text("CREATE ROLE provmap_pw LOGIN PASSWORD 'correct horse'"))
        conn.execute(text("SELECT pg_reload_conf()"))
    engine.dispose()
    # The schema is made by the superuser, then the role may use it.
    open_database(pg_bare).close()
    database = pg_bare.split("?")[0].rsplit("/", 1)[1]
    engine = create_engine(_alchemy(pg_bare), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("GRANT ALL ON ALL TABLES IN SCHEMA public TO provmap_pw"))
    engine.dispose()
    assert database
    from sqlalchemy.engine import make_url

    address = (
        make_url(pg_bare)
        .set(username="provmap_pw", password=None)
        .render_as_string(hide_password=False)
    )
    _wait_for_the_rule(address)
    return address


def _wait_for_the_rule(address: str) -> None:
    """The server re-reads its rules a moment after being told to: wait for that."""
    import time

    from sqlalchemy.exc import OperationalError

    engine = create_engine(_alchemy(address), poolclass=NullPool)
    try:
        for _ in range(100):
            try:
                engine.connect().close()
            except OperationalError:
                return
            time.sleep(0.05)
    finally:
        engine.dispose()
    raise AssertionError("the server never asked provmap_pw for a password")


def test_a_server_that_wants_a_password_is_asked_at_the_prompt(
    password_role: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from provmap_desktop.storage import server

    monkeypatch.setattr(server, "_typed_passwords", {})
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    asked: list[str] = []
    typed = iter(["wrong", "correct horse"])

    def prompt(where: str) -> str | None:
        asked.append(where)
        return next(typed)

    db = open_database(password_role, ask_password=prompt)
    try:
        assert db.schema_version() == migrate.SCHEMA_VERSION
        assert "correct horse" not in db.location
    finally:
        db.close()
    assert len(asked) == 2
    assert all("provmap_pw@" in where for where in asked), asked
    # The same address again in this process: the password typed is used, not asked.
    open_database(password_role, ask_password=prompt).close()
    assert len(asked) == 2


def test_without_a_prompt_a_missing_password_is_one_plain_line(
    password_role: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from provmap_desktop.storage import server

    monkeypatch.setattr(server, "_typed_passwords", {})
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(StorageError, match=r"wants a password.*\.pgpass"):
        open_database(password_role)


def test_the_password_comes_from_the_pgpass_file(
    password_role: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from provmap_desktop.storage import server

    monkeypatch.setattr(server, "_typed_passwords", {})
    passfile = tmp_path / "pgpass"
    passfile.write_text("*:*:*:provmap_pw:correct horse\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))

    def never(_where: str) -> str | None:
        raise AssertionError("libpq should have found the password in PGPASSFILE")

    db = open_database(password_role, ask_password=never)
    db.close()
