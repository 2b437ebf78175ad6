"""Every Alembic revision steps down and up again, on a school file and on PostgreSQL.

From head, each revision's ``downgrade`` runs on its own, in its own transaction, down
to an empty database; then every ``upgrade`` runs again to head. The database is
checked at each step (the revision Alembic records) and at both ends: nothing left
at base but Alembic's own table (no table, sequence or type of ours on the server),
and at head again exactly the models' schema, as the revisions build it from empty.
A downgrade that fails on one engine only (SQLite's batch copies, PostgreSQL's
stricter DDL) fails here. On the server, a database holding the demo school also
steps down to schema 1 and back, keeping the rows of schema 1's tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import Engine

from provmap_desktop.models import Base
from provmap_desktop.storage import migrate
from provmap_desktop.storage.database import make_engine

from ..engines import ENGINES

#: The revisions from the first to head, in order, as the migrations folder holds them.
LADDER = [
    rev.revision
    for rev in reversed(
        list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions())
    )
]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database: a new school file, or a bare database on the test server."""
    if request.param == "sqlite":
        made = make_engine(tmp_path / "ladder.provmap")
    else:
        address = request.getfixturevalue("pg_bare")
        made = create_engine(address.replace("postgresql://", "postgresql+psycopg://", 1))
    yield made
    made.dispose()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _step(engine: Engine, direction: str) -> None:
    """One revision up (``+1``) or down (``-1``), in a transaction of its own."""
    with engine.begin() as conn:
        config = migrate.alembic_config(conn)
        if direction == "+1":
            command.upgrade(config, "+1")
        else:
            command.downgrade(config, "-1")


def _ours_left(conn: Connection) -> dict[str, set[str]]:
    """The tables (and, on a server, sequences and types) left besides Alembic's own."""
    left = {"tables": set(inspect(conn).get_table_names()) - {"alembic_version"}}
    if conn.dialect.name == "postgresql":
        left["sequences"] = set(
            conn.scalars(
                text(
                    "SELECT sequence_name FROM information_schema.sequences"
                    " WHERE sequence_schema = current_schema()"
                )
            )
        )
        left["types"] = set(
            conn.scalars(
                text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n"
                    " ON n.oid = t.typnamespace WHERE n.nspname = current_schema()"
                    " AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0"
                )
            )
        )
    return left


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _columns(engine: Engine) -> dict[str, dict[str, bool]]:
    """Every table's columns and whether each may be empty (NULL)."""
    with engine.connect() as conn:
        found = inspect(conn)
        return {
            table: {c["name"]: bool(c["nullable"]) for c in found.get_columns(table)}
            for table in sorted(found.get_table_names())
            if table != "alembic_version"
        }


def test_the_ladder_is_every_revision_the_app_knows() -> None:
    assert LADDER[0] == "0001"
    assert LADDER[-1] == migrate.HEAD_REVISION
    assert set(LADDER) == set(migrate.SCHEMA_NUMBERS)
    assert len(LADDER) == migrate.SCHEMA_VERSION


def test_every_revision_steps_down_to_empty_and_up_to_head_again(engine: Engine) -> None:
    with engine.begin() as conn:
        migrate.upgrade_to_head(conn)
    assert _differences(engine) == []
    at_head = _columns(engine)
    assert set(at_head) == set(Base.metadata.tables)

    for below in reversed([None, *LADDER[:-1]]):
        _step(engine, "-1")
        assert _revision(engine) == below
    with engine.connect() as conn:
        assert _ours_left(conn) == (
            {"tables": set(), "sequences": set(), "types": set()}
            if engine.dialect.name == "postgresql"
            else {"tables": set()}
        )

    for revision in LADDER:
        _step(engine, "+1")
        assert _revision(engine) == revision
    assert _differences(engine) == []
    assert _columns(engine) == at_head


def _counts(engine: Engine, tables: list[str]) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: int(conn.scalar(text(f'SELECT count(*) FROM "{t}"')) or 0) for t in tables}


def test_a_server_database_holding_a_school_steps_down_to_schema_1_and_up_again(
    pg_demo: str,
) -> None:
    # The tables of schema 1 keep their rows through every downgrade and upgrade
    # after it on the server; the later revisions' tables come back empty.
    engine = create_engine(pg_demo.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        kept = ["pupils", "provisions", "provision_groups", "group_memberships", "staff"]
        before = _counts(engine, kept)
        assert all(before.values()), before  # the demo school has rows in each
        for below in reversed(LADDER[:-1]):
            _step(engine, "-1")
            assert _revision(engine) == below
        with engine.connect() as conn:
            assert "learning_plans" not in inspect(conn).get_table_names()
        assert _counts(engine, kept) == before
        for revision in LADDER[1:]:
            _step(engine, "+1")
            assert _revision(engine) == revision
        assert _counts(engine, kept) == before
        assert _counts(engine, ["learning_plans"]) == {"learning_plans": 0}
        assert _differences(engine) == []
    finally:
        engine.dispose()
