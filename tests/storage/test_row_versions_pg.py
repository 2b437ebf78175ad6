"""Schema 5 (row versions) on PostgreSQL: the same revision builds exactly the models,
and goes down to schema 4 and up again."""

from __future__ import annotations

import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from provmap_desktop.models import Base
from provmap_desktop.storage import migrate

from ..pg_schools import fresh_database


def test_the_revisions_build_exactly_the_models_on_postgresql(pg_server_url: str) -> None:
    engine = create_engine(fresh_database(pg_server_url, f"schema_{uuid.uuid4().hex[:10]}"))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert list(compare_metadata(context, Base.metadata)) == []
            pupils = {c["name"]: c for c in inspect(conn).get_columns("pupils")}
            assert pupils["row_version"]["nullable"] is False
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0004")
        with engine.connect() as conn:
            assert "row_version" not in {c["name"] for c in inspect(conn).get_columns("pupils")}
        with engine.begin() as conn:
            migrate.upgrade_to_head(conn)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert list(compare_metadata(context, Base.metadata)) == []
    finally:
        engine.dispose()
