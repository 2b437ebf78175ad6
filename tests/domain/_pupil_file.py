"""The pupil test school in a real database file, for the pupil and EHC plan domains.

``school`` opens a fresh file, holds a copy of the school of ``tests.schools.pupils`` and
gives a session on it; ``fresh`` opens a second session, so a test checks what was
saved rather than what its own session remembers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import Pupil
from provmap_desktop.storage import Database

from ..schools.templates import open_school


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
    db = open_school("pupils", tmp_path / "school.provmap")
    try:
        with db.session_factory() as session:
            pupils = session.scalars(select(Pupil))
            yield School(db, session, {p.forename: p.id for p in pupils})
    finally:
        db.close()
