"""Two people on one school database: the SENCO's session, a TA's, and a third to check.

The school is ``whole_year_costs`` (tests/schools/small.py), on the engine the test
runs on (``db_engine``): a SQLite file, each person with their own engine as two
copies of the app on one file, or a PostgreSQL database on the test server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.storage.database import make_engine

from ..pg_schools import school_on_server
from ..schools.templates import copy_school


@pytest.fixture
def database_url(request: pytest.FixtureRequest, db_engine: str, tmp_path: Path) -> str:
    """The school on the test's engine, as a URL both people (and processes) open."""
    if db_engine == "sqlite":
        return f"sqlite:///{copy_school('whole_year_costs', tmp_path / 'school.provmap')}"
    server = request.getfixturevalue("pg_server_url")
    return school_on_server(server, "whole_year_costs", f"two_people_{uuid.uuid4().hex[:12]}")


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        return make_engine(Path(url.removeprefix("sqlite:///")))
    return create_engine(url)


@pytest.fixture
def people(database_url: str) -> Iterator[tuple[Session, Session, Engine]]:
    """The SENCO's session and a TA's, each on its own engine, and a third to check."""
    engines = [_engine(database_url) for _ in range(3)]
    senco, assistant = (sessionmaker(e, expire_on_commit=False)() for e in engines[:2])
    yield senco, assistant, engines[2]
    senco.close()
    assistant.close()
    for engine in engines:
        engine.dispose()
