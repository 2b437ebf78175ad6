"""The cost engine and the map read each table once, however many groups a school has.

They are the hot paths of a large school, so the number of statements they run must not
grow with the groups, their members or their slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from provmap_desktop.services.costing import cost_map
from provmap_desktop.services.map_building import build_map

from ..schools.map_school import AUTUMN, MapSchool, add_group, add_pupil, join, map_school

AS_OF = dt.date(2027, 2, 1)


def _statements(session: Session, work: Callable[[], Any]) -> int:
    """How many SQL statements ``work`` runs on the session's database."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # On PostgreSQL the test's session commits to savepoints of its own transaction.
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def _more_groups(session: Session, school: MapSchool, count: int) -> None:
    """Add ``count`` Year 3 groups with a slot and two new members each."""
    year_3 = school.year_groups["Year 3"]
    for n in range(count):
        group = add_group(
            session,
            school.provisions["pt"],
            school.year,
            year_3,
            AUTUMN,
            staff=school.staff["Mr Brown"],
            slots=((n % 5, dt.time(9, 0)),),
            name=f"Extra {n}",
        )
        for who in ("A", "B"):
            join(session, group, add_pupil(session, f"{who}{n}", "Extra", year_3))
    session.commit()


def _reads(session: Session, school: MapSchool) -> tuple[int, int]:
    """Statements run by costing the year and by building its autumn map."""
    session.expire_all()
    costing = _statements(session, lambda: cost_map(session, school.year.id, as_of=AS_OF))
    session.expire_all()
    building = _statements(session, lambda: build_map(session, school.year.id, "Autumn"))
    return costing, building


def test_reads_do_not_grow_with_the_groups(session: Session) -> None:
    school = map_school(session)
    before = _reads(session, school)
    _more_groups(session, school, 6)
    after = _reads(session, school)
    assert after == before
    # And the added groups were read: they are costed and mapped.
    costed = cost_map(session, school.year.id, as_of=AS_OF)
    snapshot = build_map(session, school.year.id, "Autumn")
    names = {g.name for g in snapshot.groups.values()}
    assert {f"Extra {n}" for n in range(6)} <= names
    extra_ids = {g.id for g in snapshot.groups.values() if g.name.startswith("Extra")}
    assert extra_ids <= set(costed.by_group)
    assert all(len(costed.by_group[g].pupil_shares) == 2 for g in extra_ids)
