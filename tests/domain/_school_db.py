"""A small school in a real database file, for the domain tests of its settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from provmap_desktop.services.school_setup import create_school
from provmap_desktop.storage import Database, open_database


def make_school(path: Path) -> Database:
    """Oak Lane Primary for 2026/27 with the standard roles and funding streams."""
    db = open_database(path, create=True)
    with db.session_factory() as s:
        create_school(
            s,
            name="Oak Lane Primary",
            phase="primary",
            year_group_names=[],
            start_year=2026,
            with_catalogue=False,
        )
        s.commit()
    return db


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
    from tests.services._school import (
        add_member,
        make_group,
        make_provision,
        make_pupil,
    )
    from tests.services._school import (
        make_school as make_rows,
    )

    db = open_database(path, create=True)
    with db.session_factory() as s:
        school = make_rows(s)
        provision = make_provision(s, "Precision Teaching")
        group = make_group(s, provision, school.year, staff=school.ta, name="PT group A")
        pupils = [make_pupil(s, name, school.year_group) for name in ("Ahmed", "Brown", "Cole")]
        members = [add_member(s, group, p) for p in pupils]
        s.commit()
        ids = {
            "group": group.id,
            "pupils": [p.id for p in pupils],
            "memberships": [m.id for m in members],
        }
    return db, ids
