"""The pupil test school in a real database file, for the pupil and EHC plan domains.

``school`` opens a fresh file, builds the school of ``tests._pupil_school`` in it and
gives a session on it; ``fresh`` opens a second session, so a test checks what was
saved rather than what its own session remembers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.storage import Database, open_database

from .._pupil_school import make_pupil_school


@dataclass
class School:
    db: Database
    session: Session
    ids: dict[str, int]  # pupil ids by forename: Ava, Ben, Cal, Dee

    def fresh(self) -> Session:
        """A new session on the same file: it sees only what was committed."""
        return self.db.session_factory()


@pytest.fixture(name="school")
def school_fixture(tmp_path: Path) -> Iterator[School]:
    db = open_database(tmp_path / "school.provmap", create=True)
    try:
        with db.session_factory() as session:
            pupils = make_pupil_school(session)
            yield School(db, session, {name: p.id for name, p in pupils.items()})
    finally:
        db.close()
