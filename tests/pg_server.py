"""A real PostgreSQL server for the tests, started once per test process.

The server comes from the ``pgserver`` package (PostgreSQL's own binaries in a wheel),
so README's test command needs nothing installed by hand. Each test process (each
xdist worker) starts its own server in a private temporary folder, listening only on a
Unix socket, and stops it when the process ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SQLAlchemy URL of the superuser's ``postgres`` database on a fresh server."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop")
    try:
        yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()
