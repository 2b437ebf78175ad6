"""A small school in a real database file, for the domain tests of its settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import ProvisionGroup
from provmap_desktop.storage import Database

from ..schools.templates import open_school


def make_school(path: Path) -> Database:
    """Oak Lane Primary for 2026/27 with the standard roles and funding streams."""
    return open_school("oak_lane", path)


@contextmanager
def fresh(db: Database) -> Iterator[Session]:
    """A new session, seeing only what was committed to the file."""
    with db.session_factory() as s:
        yield s


def read(db: Database, entity: type, key: Any, field: str) -> Any:
    """One field of one row as the file holds it now."""
    with fresh(db) as s:
        row = s.get(entity, key)
        return None if row is None else getattr(row, field)


def make_group_school(path: Path) -> tuple[Database, dict[str, Any]]:
    """A file with one Mon/Wed/Fri group (07/09-04/12/2026, no half-term sessions) and
    three members; returns the database and the ids: group, pupils, memberships."""
    db = open_school("group", path)
    with db.session_factory() as s:
        (group,) = s.scalars(select(ProvisionGroup))
        members = sorted(group.memberships, key=lambda m: m.id)
        ids = {
            "group": group.id,
            "pupils": [m.pupil_id for m in members],
            "memberships": [m.id for m in members],
        }
    return db, ids
