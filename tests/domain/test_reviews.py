"""The APDR cycle's writes against a real file: saved, undone and redone exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from provmap_desktop.domain import DomainError, Kind
from provmap_desktop.domain.reviews import (
    CycleEntry,
    Outcome,
    complete_review,
    record_cycles,
    save_assessment,
    save_plan,
    save_views,
    start_cycle,
)
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


def reviews(db: Database, membership_id: int) -> list[tuple[Any, ...]]:
    """Each review of the membership as the file holds it, in order."""
    with fresh(db) as s:
        rows = s.scalars(
            select(Review).where(Review.membership_id == membership_id).order_by(Review.id)
        )
        return [
            (r.baseline_type, r.baseline_value, r.target_value, r.outcome_value, r.decision)
            for r in rows
        ]


def leave_date(db: Database, membership_id: int) -> dt.date | None:
    with fresh(db) as s:
        membership = s.get(GroupMembership, membership_id)
        assert membership is not None
        return membership.leave_date


def _open(s, membership_id: int) -> int:  # type: ignore[no-untyped-def]
    review_id = start_cycle(s, membership_id, today=START).review_id
    assert review_id is not None
    return review_id


def test_start_assess_plan_and_complete_each_undone(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member = ids["memberships"][0]
    with fresh(db) as s:
        started = start_cycle(s, member, today=START)
        s.commit()
        assert started.changed.touches(Kind.REVIEWS)
        review_id = started.review_id
        assert review_id is not None
        assert start_cycle(s, member, today=START).is_noop  # one open cycle at a time
        assessed = save_assessment(s, review_id, "reading_age", " 6y 2m ", START)
        planned = save_plan(
            s, review_id, outcome_sought="Fluent", target="Up six months",
            target_value="+6m", review_date=END,
        )  # fmt: skip
        s.commit()
        assert reviews(db, member) == [("reading_age", "6y 2m", "+6m", "", None)]
        planned.undo(s)
        assessed.undo(s)
        s.commit()
        assert reviews(db, member) == [("free_text", "", "", "", None)]
        assessed.redo(s)
        planned.redo(s)
        done = complete_review(
            s, review_id, outcome_value="6y 6m", outcome_date=END, target_met="partly",
            decision="exit", today=END,
        )  # fmt: skip
        s.commit()
        assert done.step is not None
        assert done.step.left_on == END
        assert reviews(db, member) == [("reading_age", "6y 2m", "+6m", "6y 6m", "exit")]
        assert leave_date(db, member) == END
        done.undo(s)
        s.commit()
        assert leave_date(db, member) is None
        assert reviews(db, member) == [("reading_age", "6y 2m", "+6m", "", None)]
        started.undo(s)
        s.commit()
    assert reviews(db, member) == []


def test_continue_opens_the_next_cycle_and_undo_removes_it(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member = ids["memberships"][1]
    with fresh(db) as s:
        review_id = _open(s, member)
        save_assessment(s, review_id, "standardised_score", "80", START)
        change = complete_review(
            s, review_id, outcome_value="85", outcome_date=D(2026, 10, 9),
            target_met="met", decision="continue", today=D(2026, 10, 9),
        )  # fmt: skip
        s.commit()
        assert reviews(db, member) == [
            ("standardised_score", "80", "", "85", "continue"),
            ("standardised_score", "85", "", "", None),
        ]
        change.undo(s)
        s.commit()
        assert len(reviews(db, member)) == 1
        change.redo(s)
        s.commit()
        assert change.step is not None
        assert s.get(Review, change.step.next_review_id) is not None
    assert len(reviews(db, member)) == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"decision": "escalate"}, "Say where to escalate to"),
        ({"decision": "pause"}, "'pause' is not a decision."),
        ({"target_met": ""}, "Say whether the target was met."),
    ],
)
def test_a_refused_review_leaves_the_cycle_open(school, extra, message) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    member = ids["memberships"][0]
    values = {"outcome_value": "6y 6m", "outcome_date": END, "target_met": "partly",
              "decision": "exit", "today": END} | extra  # fmt: skip
    with fresh(db) as s:
        review_id = _open(s, member)
        s.commit()
        with pytest.raises(DomainError, match=message):
            complete_review(s, review_id, **values)
        s.commit()
    assert reviews(db, member) == [("free_text", "", "", "", None)]
    assert leave_date(db, member) is None


def test_unknown_measure_and_missing_review_are_refused(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    with fresh(db) as s:
        review_id = _open(s, ids["memberships"][0])
        s.commit()
        with pytest.raises(DomainError, match="'height' is not a kind of measure"):
            save_assessment(s, review_id, "height", "1m", START)
        with pytest.raises(DomainError, match="That review no longer exists"):
            save_views(s, 9999, pupil_voice="", parent_views="")
        s.commit()
    assert reviews(db, ids["memberships"][0]) == [("free_text", "", "", "", None)]


def _entry(membership_id: int, outcome: Outcome | None = None) -> CycleEntry:
    return CycleEntry(
        membership_id=membership_id, measure_type="count", baseline="8", baseline_date=START,
        outcome_sought="Stays in class", target="2 a week", target_value="2", review_date=END,
        pupil_voice="Better", parent_views="", outcome=outcome,
    )  # fmt: skip


def test_record_cycles_saves_every_pupil_as_one_change(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    first, second, third = ids["memberships"]
    entries = [
        _entry(first, Outcome("4", END, "partly", "exit")),
        _entry(second, Outcome("2", END, "met", "modify")),
        _entry(third),  # no decision yet: the cycle stays open
    ]
    with fresh(db) as s:
        change = record_cycles(s, entries, today=END)
        s.commit()
        assert [step.decision for step in change.steps] == ["exit", "modify"]
        assert change.steps[1].group_id == ids["group"]
        assert reviews(db, first) == [("count", "8", "2", "4", "exit")]
        assert reviews(db, third) == [("count", "8", "2", "", None)]
        assert leave_date(db, first) == END
        change.undo(s)
        s.commit()
        assert [reviews(db, m) for m in (first, second, third)] == [[], [], []]
        assert leave_date(db, first) is None
        change.redo(s)
        s.commit()
    assert reviews(db, second) == [("count", "8", "2", "2", "modify")]


def test_record_cycles_checks_everyone_before_writing(school) -> None:  # type: ignore[no-untyped-def]
    db, ids = school
    first, second, _ = ids["memberships"]
    entries = [
        _entry(first, Outcome("4", END, "partly", "exit")),
        _entry(second, Outcome("2", END, "met", "escalate")),  # nowhere to escalate to
    ]
    with fresh(db) as s:
        with pytest.raises(DomainError, match="Say where to escalate to"):
            record_cycles(s, entries, today=END)
        s.commit()
    assert reviews(db, first) == []
    assert reviews(db, second) == []
    assert leave_date(db, first) is None
