"""The map test school in a real database file, for the provision and group domains.

``db`` is a fresh copy of the school of ``tests.schools.map_school`` in a file;
``session`` is a session on it; ``fresh()`` opens a second session, so a test checks
what was saved rather than what its own session remembers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.storage import Database

from ..schools.map_school import MapSchool, read_map_school
from ..schools.templates import open_school


@dataclass
class MapFile:
    db: Database
    session: Session
    school: MapSchool

    def fresh(self) -> Session:
        """A new session on the same file: it sees only what was committed."""
        return self.db.session_factory()


@pytest.fixture(name="map_file")
def map_file_fixture(tmp_path: Path) -> Iterator[MapFile]:
    db = open_school("map", tmp_path / "school.provmap")
    try:
        with db.session_factory() as session:
            yield MapFile(db, session, read_map_school(session))
    finally:
        db.close()
