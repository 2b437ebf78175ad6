"""The map test school in a real database file, for the provision and group domains.

``db`` opens a fresh file and builds the school of ``tests.services._map_school`` in
it; ``session`` is the session it was built in; ``fresh()`` opens a second session, so
a test checks what was saved rather than what its own session remembers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.storage import Database, open_database

from ..services._map_school import MapSchool, build_school


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
    db = open_database(tmp_path / "school.provmap", create=True)
    try:
        with db.session_factory() as session:
            school = build_school(session)
            session.commit()
            yield MapFile(db, session, school)
    finally:
        db.close()
