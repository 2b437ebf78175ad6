"""Recording a past APDR cycle with its own dates, against a real file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import DomainError
from provmap_desktop.domain.reviews import CycleEntry, Outcome, record_past_cycle
from provmap_desktop.models import GroupMembership, Review
from provmap_desktop.storage import Database

from ._school_db import fresh, make_group_school

D = dt.date
START, END = D(2026, 9, 7), D(2026, 12, 4)


@pytest.fixture
def school(tmp_path: Path) -> Iterator[tuple[Database, dict[str, Any]]]:
    db, ids = make_group_school(tmp_path / "school.provmap")
    yield db, ids
    db.close()


def _entry(member: int, **changes: Any) -> CycleEntry:
    values: dict[str, Any] = {
        "membership_id": member,
        "measure_type": "reading_age",
        "baseline": "6y 8m",
        "baseline_date": START,
        "outcome_sought": "Read with greater fluency",
        "target": "Six months' progress",
        "target_value": "7y 2m",
        "review_date": D(2026, 10, 16),
        "pupil_voice": "The colours help.",
    }
    return CycleEntry(**(values | changes))


def _rows(db: Database, membership_id: int) -> list[tuple[Any, ...]]:
    with fresh(db) as s:
        return [
            (
                r.pupil_id,
                r.baseline_value,
                r.review_date,
                r.outcome_value,
                r.decision,
                r.escalate_to,
                r.next_step,
                r.completed_on,
                r.pupil_voice,
            )
            for r in s.scalars(
                select(Review).where(Review.membership_id == membership_id).order_by(Review.id)
            )
        ]


def _leave(db: Database, membership_id: int) -> dt.date | None:
    with fresh(db) as s:
        membership = s.get(GroupMembership, membership_id)
        assert membership is not None
        return membership.leave_date


def test_a_completed_cycle_keeps_its_dates_and_acts_on_nothing(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member, pupil = ids["memberships"][0], ids["pupils"][0]
    outcome = Outcome("7y 3m", D(2026, 10, 16), "met", "exit")
    with db.session_factory() as s:
        change = record_past_cycle(
            s,
            _entry(member, outcome=outcome),
            completed_on=D(2026, 10, 19),
            next_step="Target met: leave the group.",
        )
        s.commit()
    expected = (
        pupil,
        "6y 8m",
        D(2026, 10, 16),
        "7y 3m",
        "exit",
        "",
        "Target met: leave the group.",
        D(2026, 10, 19),
        "The colours help.",
    )
    assert _rows(db, member) == [expected]
    assert _leave(db, member) is None  # an exit recorded as history ends nothing
    assert change.review_id is not None
    assert change.steps == []
    with db.session_factory() as s:
        change.undo(s)
        s.commit()
    assert _rows(db, member) == []
    with db.session_factory() as s:
        change.redo(s)
        s.commit()
    assert _rows(db, member) == [expected]


def test_a_continue_opens_no_next_cycle_and_an_open_cycle_stays_open(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member = ids["memberships"][1]
    outcome = Outcome("7y 0m", D(2026, 10, 16), "partly", "continue")
    with db.session_factory() as s:
        record_past_cycle(s, _entry(member, outcome=outcome), completed_on=D(2026, 10, 16))
        record_past_cycle(s, _entry(member, baseline_date=D(2026, 10, 16), review_date=END))
        s.commit()
    rows = _rows(db, member)
    assert [r[4] for r in rows] == ["continue", None]
    assert rows[1][7] is None
    assert rows[1][2] == END


def test_an_escalation_keeps_where_to_and_others_drop_it(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member = ids["memberships"][2]
    up = Outcome("6y 9m", END, "not_met", "escalate", "Wave 3: specialist advice")
    on = Outcome("6y 9m", END, "partly", "modify", "Wave 3: specialist advice")
    with db.session_factory() as s:
        record_past_cycle(s, _entry(member, review_date=END, outcome=up), completed_on=END)
        record_past_cycle(s, _entry(member, review_date=END, outcome=on), completed_on=END)
        s.commit()
    assert [r[5] for r in _rows(db, member)] == ["Wave 3: specialist advice", ""]


@pytest.mark.parametrize(
    ("changes", "completed_on", "words"),
    [
        ({"measure_type": "height"}, None, "not a kind of measure"),
        ({"review_date": D(2026, 9, 1)}, None, "before the baseline"),
        ({"outcome": Outcome("x", END, "met", "exit")}, None, "both its outcome"),
        ({}, END, "both its outcome"),
        ({"outcome": Outcome("x", END, "met", "shrug")}, END, "not a decision"),
        ({"outcome": Outcome("x", END, "met", "escalate")}, END, "where to escalate"),
        ({"membership_id": 9999}, None, "no longer exists"),
    ],
)
def test_refused_cycles_write_nothing(school, changes, completed_on, words) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member = ids["memberships"][0]
    with db.session_factory() as s:
        with pytest.raises(DomainError, match=words):
            record_past_cycle(s, _entry(member, **changes), completed_on=completed_on)
        s.commit()
    with fresh(db) as s:
        assert s.scalar(select(func.count(Review.id))) == 0
