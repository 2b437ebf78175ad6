"""The domain tests run on SQLite and on PostgreSQL (see ``tests/engines.py``)."""

from __future__ import annotations

import pytest

from ..engines import parametrise_engines as pytest_generate_tests
from ._two_people import database_url, people

__all__ = ["database_url", "people", "pytest_generate_tests"]


@pytest.fixture(autouse=True)
def _on_engine(db_engine: str) -> str:
    """Every test here names its engine, so a fixture school follows it."""
    return db_engine
