"""Alembic environment: always run in-process on a connection the app hands over."""

from __future__ import annotations

from alembic import context

from provmap_desktop.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for developers running alembic by hand
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
)
with context.begin_transaction():
    context.run_migrations()
