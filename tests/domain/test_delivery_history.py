"""Recording many past sessions at once, against a real file: checked first, undone as one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import DomainError, Kind
from provmap_desktop.domain.change import RowsAdded
from provmap_desktop.domain.delivery_history import PastSession, record_past_sessions
from provmap_desktop.domain.staff import add_staff
from provmap_desktop.models import DeliverySession, ProvisionGroup, SessionAttendance
from provmap_desktop.storage import Database

from ._school_db import fresh, make_group_school

D = dt.date
MONDAY, WEDNESDAY = D(2026, 9, 7), D(2026, 9, 9)


@pytest.fixture
def school(tmp_path: Path) -> Iterator[tuple[Database, dict[str, Any]]]:
    db, ids = make_group_school(tmp_path / "school.provmap")
    yield db, ids
    db.close()


def _records(db: Database) -> list[tuple[Any, ...]]:
    """Every record in the file with its attendance, in id order."""
    with fresh(db) as s:
        rows = s.scalars(select(DeliverySession).order_by(DeliverySession.id))
        return [
            (
                r.id,
                r.session_date,
                r.status,
                r.cancel_reason,
                r.note,
                r.staff_id,
                r.recorded_at,
                r.late_entry,
                sorted((a.pupil_id, a.present, a.absence_reason) for a in r.attendance),
            )
            for r in rows
        ]


def _two(group: int, absent: int, cover: int | None) -> list[PastSession]:
    return [
        PastSession(
            group,
            MONDAY,
            dt.datetime(2026, 9, 7, 15, 30),
            staff_id=cover,
            absences={absent: "Ill"},
            late_entry=True,
        ),
        PastSession(
            group,
            WEDNESDAY,
            dt.datetime(2026, 9, 9, 15, 30),
            cancel_reason="trip_or_event",
            note="Class trip",
        ),
    ]


def test_records_are_written_undone_and_redone_with_their_ids(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    first, second, third = ids["pupils"]
    with db.session_factory() as s:
        group = s.get(ProvisionGroup, ids["group"])
        assert group is not None
        own = group.staff_id
        made = add_staff(s, "Mr Cover")
        assert isinstance(made, RowsAdded)
        cover = made.rows[0].id
        assert cover != own
        change = record_past_sessions(s, _two(ids["group"], second, cover))
        s.commit()
    written = _records(db)
    assert written == [
        (
            1,
            MONDAY,
            "delivered",
            None,
            "",
            cover,
            dt.datetime(2026, 9, 7, 15, 30),
            True,
            [(first, True, ""), (second, False, "Ill"), (third, True, "")],
        ),
        (2, WEDNESDAY, "cancelled", "trip_or_event", "Class trip", own,
         dt.datetime(2026, 9, 9, 15, 30), False, []),
    ]  # fmt: skip
    assert change.changed.touches(Kind.DELIVERY)
    assert not change.is_noop
    with db.session_factory() as s:
        change.undo(s)
        s.commit()
    assert _records(db) == []
    with fresh(db) as s:
        assert s.scalar(select(func.count(SessionAttendance.id))) == 0
    with db.session_factory() as s:
        change.redo(s)
        s.commit()
    assert _records(db) == written


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"day": D(2026, 9, 8)}, "no session planned"),  # a Tuesday
        ({"day": D(2026, 12, 7)}, "no session planned"),  # after the group ended
        ({"cancel_reason": "rain"}, "not a reason"),
        ({"staff_id": 9999}, "no longer exists"),
        ({"absences": {9999: "Ill"}}, "is not in"),
        ({"cancel_reason": "other", "absences": {"first": "Ill"}}, "no attendance"),
        ({"group_id": 9999}, "There is no group"),
    ],
)
def test_a_refused_record_writes_none_of_them(school, record, words) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    values: dict[str, Any] = {
        "group_id": ids["group"],
        "day": D(2026, 9, 11),
        "recorded_at": dt.datetime(2026, 9, 11, 15, 30),
    } | record
    if values.get("absences") == {"first": "Ill"}:
        values["absences"] = {ids["pupils"][0]: "Ill"}
    good = PastSession(ids["group"], MONDAY, dt.datetime(2026, 9, 7, 15, 30))
    with db.session_factory() as s:
        with pytest.raises(DomainError, match=words):
            record_past_sessions(s, [good, PastSession(**values)])
        s.commit()
    assert _records(db) == []


def test_a_session_already_recorded_or_given_twice_is_refused(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    once = PastSession(ids["group"], MONDAY, dt.datetime(2026, 9, 7, 15, 30))
    with db.session_factory() as s:
        with pytest.raises(DomainError, match="given twice"):
            record_past_sessions(s, [once, once])
        record_past_sessions(s, [once])
        s.commit()
    with db.session_factory() as s, pytest.raises(DomainError, match="already recorded"):
        record_past_sessions(s, [once])
    assert len(_records(db)) == 1
