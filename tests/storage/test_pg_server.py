"""The test suite's own PostgreSQL server starts and answers."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def test_the_suite_starts_a_real_postgresql_server(pg_server_url: str) -> None:
    engine = create_engine(pg_server_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version_num")).scalar_one()
    finally:
        engine.dispose()
    assert int(version) >= 140000
