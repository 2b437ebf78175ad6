"""APDR cycles: measures, pre-filled baselines, each decision's next step, due lists, impact."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from provmap_desktop.models import Review
from provmap_desktop.services.delivery import mark_delivered
from provmap_desktop.services.reviews import (
    ESCALATE_EHC,
    complete_review,
    cycles_for_pupil,
    impact_by_provision,
    parse_measure,
    progress,
    progress_text,
    restore,
    reviews_due,
    reviews_overdue,
    save_assessment,
    save_plan,
    snapshot,
    start_cycle,
    suggest_target_met,
)

from ._school import D, add_member, make_group, make_provision, make_pupil, make_school

TODAY = D(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "months"),
    [("7y 4m", 88), ("7y4m", 88), ("7 years 4 months", 88), ("7:4", 88), ("7:04", 88),
     ("7.04", 88), ("7y", 84), ("88", 88), ("88m", 88), ("7:13", None), ("about 7", None)],
)  # fmt: skip
def test_reading_ages_are_read_as_months(text, months):
    assert parse_measure("reading_age", text) == months


def test_progress_and_the_suggested_judgement():
    assert progress("reading_age", "6y 0m", "6y 4m") == 4
    assert progress_text("reading_age", 4) == "+4 months"
    assert progress("standardised_score", "78", "85") == 7
    assert progress("free_text", "shy", "less shy") is None
    assert suggest_target_met("reading_age", "6:0", "6:4", "+6m") == "partly"
    assert suggest_target_met("reading_age", "6:0", "6:7", "6y 6m") == "met"
    assert suggest_target_met("rating", "3", "2", "+1") == "not_met"
    assert suggest_target_met("free_text", "a", "b", "+1") is None


@pytest.fixture
def allocation(session):  # type: ignore[no-untyped-def]
    school = make_school(session)
    provision = make_provision(session, "Precision Teaching")
    group = make_group(session, provision, school.year, staff=school.ta)
    pupil = make_pupil(session, "Maya", school.year_group)
    return group, pupil, add_member(session, group, pupil)


def _complete(session, review, decision, **extra):  # type: ignore[no-untyped-def]
    return complete_review(
        session,
        review,
        outcome_value="6y 4m",
        outcome_date=D(2026, 12, 4),
        target_met="partly",
        decision=decision,
        today=TODAY,
        **extra,
    )


def _first_cycle(session, membership):  # type: ignore[no-untyped-def]
    review = start_cycle(session, membership.id, today=D(2026, 9, 7))
    save_assessment(review, "reading_age", "6y 0m", D(2026, 9, 7))
    save_plan(
        review,
        outcome_sought="Reads Year 2 texts fluently",
        target="Reading age up by six months",
        target_value="+6m",
        review_date=D(2026, 12, 4),
    )
    return review


def test_continue_opens_the_next_cycle_with_baseline_and_plan(session, allocation):
    _, pupil, membership = allocation
    review = _first_cycle(session, membership)
    assert start_cycle(session, membership.id, today=TODAY) is review  # the open one
    step = _complete(session, review, "continue")
    following = session.get(Review, step.next_review_id)
    assert (following.baseline_type, following.baseline_value) == ("reading_age", "6y 4m")
    assert following.baseline_date == D(2026, 12, 4)
    assert following.target == "Reading age up by six months"
    assert following.review_date == D(2027, 3, 2)  # the same 88-day cycle again
    assert review.next_step.startswith("Continue: next review on 02/03/2027")
    assert [r.id for r in cycles_for_pupil(session, pupil.id)] == [review.id, following.id]


def test_a_new_cycle_takes_its_baseline_from_the_last_outcome(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    _complete(session, review, "modify")
    again = start_cycle(session, membership.id, today=TODAY)
    assert again.id != review.id
    assert (again.baseline_value, again.baseline_date) == ("6y 4m", D(2026, 12, 4))


def test_modify_names_the_group_to_open(session, allocation):
    group, _, membership = allocation
    step = _complete(session, _first_cycle(session, membership), "modify")
    assert step.group_id == group.id


def test_escalate_records_where_to_and_needs_it(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    with pytest.raises(ValueError):
        _complete(session, review, "escalate")
    step = _complete(session, review, "escalate", escalate_to=ESCALATE_EHC)
    assert review.escalate_to == ESCALATE_EHC
    assert "EHC needs assessment" in step.text


def test_exit_ends_the_allocation_and_undo_restores_it(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    before = snapshot(session, [membership.id])
    step = _complete(session, review, "exit")
    assert membership.leave_date == D(2026, 12, 4) == step.left_on
    restore(session, before)
    assert membership.leave_date is None
    assert review.completed_on is None and review.decision is None


def test_undo_of_continue_removes_the_cycle_it_opened(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    before = snapshot(session, [membership.id])
    _complete(session, review, "continue")
    after = snapshot(session, [membership.id])
    restore(session, before)
    assert session.scalars(select(Review)).all() == [review]
    restore(session, after)  # redo brings back the same rows
    assert sorted(after.reviews) == sorted(r.id for r in session.scalars(select(Review)))


def test_due_and_overdue_lists(session, allocation):
    _, _pupil, membership = allocation
    review = _first_cycle(session, membership)
    assert reviews_due(session, D(2026, 11, 25)) == [review]
    assert reviews_due(session, D(2026, 11, 1)) == []
    assert reviews_overdue(session, D(2026, 12, 7)) == [review]
    _complete(session, review, "exit")
    assert reviews_overdue(session, D(2026, 12, 7)) == []


def test_impact_by_provision_counts_pupils_behind_each_figure(session, allocation):
    group, pupil, membership = allocation
    other = add_member(session, group, make_pupil(session, "Other", pupil.year_group))
    for day in (D(2026, 9, 7), D(2026, 9, 9)):
        mark_delivered(session, group.id, day, today=TODAY)
    review = _first_cycle(session, membership)
    _complete(session, review, "continue")
    second = start_cycle(session, other.id, today=D(2026, 9, 7))
    save_assessment(second, "reading_age", "6y 6m", D(2026, 9, 7))
    complete_review(
        session,
        second,
        outcome_value="7y 2m",
        outcome_date=D(2026, 12, 4),
        target_met="met",
        decision="exit",
        today=TODAY,
    )
    (row,) = impact_by_provision(session, group.academic_year_id)
    assert row.name == "Precision Teaching"
    assert (row.reviews, row.reviewed_pupils) == (2, 2)
    assert (row.targets_met, row.targets_judged, row.met_share) == (1, 2, 0.5)
    (mean,) = row.progress
    assert (mean.measure_type, mean.mean, mean.pupils) == ("reading_age", 6.0, 2)
    assert row.delivery_pupils == 2 and row.planned > 0
    assert row.cost_pupils == 2 and row.cost_per_pupil is not None
