"""The register's writes against a real file: recorded, undone and redone exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import DomainError, Kind
from provmap_desktop.domain.delivery import (
    clear_record,
    mark_cancelled,
    mark_delivered,
    record_state,
    set_attendance,
)
from provmap_desktop.models import DeliverySession, SessionAttendance
from provmap_desktop.storage import Database

from ._school_db import fresh, make_group_school

D = dt.date
TODAY = D(2026, 11, 23)  # a Monday
WEDNESDAY = D(2026, 11, 18)


@pytest.fixture
def school(tmp_path: Path) -> Iterator[tuple[Database, dict[str, Any]]]:
    db, ids = make_group_school(tmp_path / "school.provmap")
    yield db, ids
    db.close()


def attendance(db: Database, group_id: int, day: dt.date) -> dict[int, bool] | None:
    """Who was present as the file holds it; None when the session is not recorded."""
    with fresh(db) as s:
        state = record_state(s, group_id, day)
        return None if state is None else {p: present for p, present, _ in state.attendance}


def counts(db: Database) -> tuple[int, int]:
    with fresh(db) as s:
        records = s.scalar(select(func.count()).select_from(DeliverySession))
        ticks = s.scalar(select(func.count()).select_from(SessionAttendance))
        return int(records or 0), int(ticks or 0)


def test_delivered_with_an_absence_is_saved_undone_and_redone(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    ahmed, brown, cole = ids["pupils"]
    with fresh(db) as s:
        change = mark_delivered(s, ids["group"], WEDNESDAY, absent_pupil_ids=[brown], today=TODAY)
        s.commit()
        assert change.changed.touches(Kind.DELIVERY)
        assert attendance(db, ids["group"], WEDNESDAY) == {ahmed: True, brown: False, cole: True}
        change.undo(s)
        s.commit()
        assert counts(db) == (0, 0)
        change.redo(s)
        s.commit()
    assert attendance(db, ids["group"], WEDNESDAY) == {ahmed: True, brown: False, cole: True}
    with fresh(db) as s:
        record = s.scalars(select(DeliverySession)).one()
        assert record.late_entry
        assert record.status == "delivered"


def test_a_tick_on_an_unrecorded_session_delivers_it_and_undo_clears_it(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    ahmed, brown, cole = ids["pupils"]
    with fresh(db) as s:
        change = set_attendance(s, ids["group"], TODAY, cole, False, today=TODAY)
        s.commit()
        assert attendance(db, ids["group"], TODAY) == {ahmed: True, brown: True, cole: False}
        change.undo(s)
        s.commit()
    assert attendance(db, ids["group"], TODAY) is None


def test_cancel_then_clear_each_undone(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    with fresh(db) as s:
        mark_delivered(s, ids["group"], WEDNESDAY, today=TODAY)
        cancelled = mark_cancelled(s, ids["group"], WEDNESDAY, "staff_absent", "On a course")
        s.commit()
        assert counts(db) == (1, 0)
        cleared = clear_record(s, ids["group"], WEDNESDAY)
        s.commit()
        assert counts(db) == (0, 0)
        cleared.undo(s)
        s.commit()
        record = s.scalars(select(DeliverySession)).one()
        assert (record.status, record.cancel_reason, record.note) == (
            "cancelled",
            "staff_absent",
            "On a course",
        )
        cancelled.undo(s)
        s.commit()
    assert counts(db) == (1, 3)


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            lambda s, ids: mark_delivered(s, ids["group"], D(2026, 10, 28), today=TODAY),
            "PT group A has no session planned on 28/10/2026.",
        ),
        (
            lambda s, ids: mark_cancelled(s, ids["group"], WEDNESDAY, "rain"),
            "'rain' is not a reason a session is cancelled.",
        ),
        (
            lambda s, ids: set_attendance(s, ids["group"], WEDNESDAY, 9999, False, today=TODAY),
            "That pupil is not in PT group A on 18/11/2026.",
        ),
        (
            lambda s, ids: mark_delivered(s, 9999, WEDNESDAY, today=TODAY),
            "There is no group 9999.",
        ),
    ],
)
def test_refused_writes_leave_the_register_as_it_was(school, write, message) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    with fresh(db) as s:
        mark_delivered(s, ids["group"], WEDNESDAY, today=TODAY)
        s.commit()
        with pytest.raises(DomainError) as refused:
            write(s, ids)
        s.commit()
    assert str(refused.value) == message
    assert counts(db) == (1, 3)


def test_attendance_on_a_cancelled_session_is_refused(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    with fresh(db) as s:
        mark_cancelled(s, ids["group"], WEDNESDAY, "trip_or_event")
        s.commit()
        with pytest.raises(DomainError, match="A cancelled session has no attendance"):
            set_attendance(s, ids["group"], WEDNESDAY, ids["pupils"][0], False, today=TODAY)
        s.commit()
    assert counts(db) == (1, 0)
