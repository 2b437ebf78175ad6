"""APDR cycles: measures, pre-filled baselines, each decision's next step, due lists, impact."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from provmap_desktop.domain import DomainError
from provmap_desktop.domain.delivery import mark_delivered
from provmap_desktop.domain.reviews import (
    CycleChange,
    complete_review,
    save_assessment,
    save_plan,
    start_cycle,
)
from provmap_desktop.models import Review
from provmap_desktop.services.review_cycle import (
    ESCALATE_EHC,
    cycles_for_pupil,
    reviews_due,
    reviews_overdue,
)
from provmap_desktop.services.review_impact import impact_by_provision
from provmap_desktop.services.review_measures import (
    parse_measure,
    progress,
    progress_text,
    suggest_target_met,
)

from ..schools.costed import D, add_member, make_group, make_provision, make_pupil, make_school

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


def _start(session, membership_id, today):  # type: ignore[no-untyped-def]
    """Open the membership's cycle and return its review row."""
    return session.get(Review, start_cycle(session, membership_id, today=today).review_id)


def _complete(session, review, decision, **extra) -> CycleChange:  # type: ignore[no-untyped-def]
    return complete_review(
        session,
        review.id,
        outcome_value="6y 4m",
        outcome_date=D(2026, 12, 4),
        target_met="partly",
        decision=decision,
        today=TODAY,
        **extra,
    )


def _first_cycle(session, membership):  # type: ignore[no-untyped-def]
    review = _start(session, membership.id, D(2026, 9, 7))
    save_assessment(session, review.id, "reading_age", "6y 0m", D(2026, 9, 7))
    save_plan(
        session,
        review.id,
        outcome_sought="Reads Year 2 texts fluently",
        target="Reading age up by six months",
        target_value="+6m",
        review_date=D(2026, 12, 4),
    )
    return review


def test_continue_opens_the_next_cycle_with_baseline_and_plan(session, allocation):
    _, pupil, membership = allocation
    review = _first_cycle(session, membership)
    again = start_cycle(session, membership.id, today=TODAY)
    assert again.review_id == review.id
    assert again.is_noop
    step = _complete(session, review, "continue").step
    following = session.get(Review, step.next_review_id)
    assert (following.baseline_type, following.baseline_value) == ("reading_age", "6y 4m")
    assert following.baseline_date == D(2026, 12, 4)
    assert following.target == "Reading age up by six months"
    # The same 88-day cycle again would end on 02/03/2027, after the group: no date yet.
    assert following.review_date is None
    assert review.next_step.startswith("Continue: the group ended on 04/12/2026")
    assert [r.id for r in cycles_for_pupil(session, pupil.id)] == [review.id, following.id]


def test_a_new_cycle_takes_its_baseline_from_the_last_outcome(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    _complete(session, review, "modify")
    again = _start(session, membership.id, TODAY)
    assert again.id != review.id
    assert (again.baseline_value, again.baseline_date) == ("6y 4m", D(2026, 12, 4))


def test_modify_names_the_group_to_open(session, allocation):
    group, _, membership = allocation
    step = _complete(session, _first_cycle(session, membership), "modify").step
    assert step.group_id == group.id


def test_escalate_records_where_to_and_needs_it(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    with pytest.raises(DomainError, match="Say where to escalate to"):
        _complete(session, review, "escalate")
    assert review.completed_on is None
    assert review.decision is None
    step = _complete(session, review, "escalate", escalate_to=ESCALATE_EHC).step
    assert review.escalate_to == ESCALATE_EHC
    assert "EHC needs assessment" in step.text


def test_exit_ends_the_allocation_and_undo_restores_it(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    change = _complete(session, review, "exit")
    assert membership.leave_date == D(2026, 12, 4) == change.step.left_on
    change.undo(session)
    assert membership.leave_date is None
    assert review.completed_on is None
    assert review.decision is None
    change.redo(session)
    assert membership.leave_date == D(2026, 12, 4)
    assert session.get(Review, review.id).decision == "exit"


def test_undo_of_continue_removes_the_cycle_it_opened(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    change = _complete(session, review, "continue")
    change.undo(session)
    assert session.scalars(select(Review)).all() == [review]
    change.redo(session)  # redo brings back the same rows
    assert sorted(change.after.reviews) == sorted(r.id for r in session.scalars(select(Review)))
    assert len(change.after.reviews) == 2


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
    second = _start(session, other.id, D(2026, 9, 7))
    save_assessment(session, second.id, "reading_age", "6y 6m", D(2026, 9, 7))
    complete_review(
        session,
        second.id,
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
    assert row.delivery_pupils == 2
    assert row.planned > 0
    assert row.cost_pupils == 2
    assert row.cost_per_pupil is not None


# -- measures where lower is better -------------------------------------------------------


def test_a_count_is_a_measure_where_fewer_is_better():
    from provmap_desktop.models.vocab import MeasureType

    assert MeasureType.COUNT.lower_is_better
    assert not any(
        m.lower_is_better for m in MeasureType if m is not MeasureType.COUNT
    )  # ages, scores and ratings rise as a pupil makes progress


def test_a_fall_in_a_count_reads_as_progress():
    # Incidents a week: 8 at the baseline, 4 at the review: four fewer, which is progress.
    assert progress("count", "8", "4") == -4
    assert progress_text("count", -4) == "4 fewer"
    assert progress_text("count", 2) == "2 more"
    assert progress_text("count", 0) == "no change"
    assert progress_text("reading_age", -2) == "-2 months"  # a fall in an age stays a fall


@pytest.mark.parametrize(
    ("baseline", "outcome", "target", "met"),
    [
        ("8", "2", "2", "met"),  # aimed for 2 a week or fewer: reached
        ("8", "1", "2", "met"),
        ("8", "5", "2", "partly"),  # fewer than before, not yet 2
        ("8", "8", "2", "not_met"),
        ("8", "9", "2", "not_met"),
        ("8", "5", "-3", "met"),  # a fall of three asked for, three achieved
        ("8", "6", "-3", "partly"),
    ],
)
def test_the_suggestion_for_a_count_follows_its_direction(baseline, outcome, target, met):
    assert suggest_target_met("count", baseline, outcome, target) == met


def test_mean_progress_of_a_count_reads_as_fewer():
    from provmap_desktop.services.review_impact import MeanProgress

    text = MeanProgress("count", -4.0, 3).text
    assert text.startswith("4 fewer")
    assert "-4" not in text
    assert "points" not in text
    assert MeanProgress("reading_age", 4.0, 2).text == "+4 months reading age"


# -- review dates: school days inside the group -----------------------------------------


def test_a_review_date_must_be_a_school_day_inside_the_group(session, allocation):
    from provmap_desktop.services.review_cycle import group_last_school_day, review_date_problem

    group, _, _ = allocation  # Monday 07/09/2026 to Friday 04/12/2026
    assert review_date_problem(session, group, D(2026, 12, 4)) is None
    assert review_date_problem(session, group, D(2026, 11, 18)) is None
    after = review_date_problem(session, group, D(2026, 12, 12))  # a Saturday, after it ends
    assert after is not None
    assert "after the group ends on 04/12/2026" in after
    weekend = review_date_problem(session, group, D(2026, 11, 14))  # Saturday in the block
    assert weekend is not None
    assert "Saturday 14/11/2026 is not a school day" in weekend
    half_term = review_date_problem(session, group, D(2026, 10, 28))
    assert half_term is not None
    assert "not a school day" in half_term
    before = review_date_problem(session, group, D(2026, 9, 4))
    assert before is not None
    assert "before the group starts on 07/09/2026" in before
    early = review_date_problem(session, group, D(2026, 9, 9), baseline_date=D(2026, 9, 14))
    assert early is not None
    assert "before the baseline date 14/09/2026" in early
    assert group_last_school_day(session, group) == D(2026, 12, 4)
    assert group_last_school_day(session, group, D(2026, 10, 30)) == D(2026, 10, 23)


def test_continue_keeps_the_next_review_on_a_school_day_inside_the_group(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    review.review_date = D(2026, 10, 9)  # a 32-day first cycle
    step = complete_review(
        session, review.id, outcome_value="6y 1m", outcome_date=D(2026, 10, 9),
        target_met="partly", decision="continue", today=D(2026, 10, 9),
    ).step  # fmt: skip
    second = session.get(Review, step.next_review_id)
    assert second.review_date == D(2026, 11, 10)  # 32 days on, a Tuesday in the block
    step = complete_review(
        session, second.id, outcome_value="6y 3m", outcome_date=D(2026, 11, 10),
        target_met="partly", decision="continue", today=D(2026, 11, 10),
    ).step  # fmt: skip
    third = session.get(Review, step.next_review_id)
    # 32 days after 10/11 is Saturday 12/12, after the group ends: its last day instead.
    assert third.review_date == D(2026, 12, 4)
    assert "next review on 04/12/2026" in step.text


def test_continue_when_the_group_has_ended_leaves_the_next_date_to_be_set(session, allocation):
    _, _, membership = allocation
    step = _complete(session, _first_cycle(session, membership), "continue").step
    following = session.get(Review, step.next_review_id)
    assert following.review_date is None  # no school day of the group is left
    assert "the group ended on 04/12/2026" in step.text


def test_a_new_cycle_after_the_group_ended_is_not_dated_on_a_weekend(session, allocation):
    from provmap_desktop.services.review_cycle import preview_cycle

    _, _, membership = allocation
    review = preview_cycle(session, membership.id, today=D(2026, 12, 12))  # a Saturday
    assert review.review_date == D(2026, 12, 4)
    assert review.baseline_date is not None
    assert review.baseline_date <= review.review_date


# -- one rule for "due" -------------------------------------------------------------------


def test_one_rule_sorts_open_reviews_into_overdue_due_and_upcoming(session, allocation):
    from provmap_desktop.services.review_cycle import DUE_WITHIN_DAYS, due_reviews

    group, pupil, _membership = allocation
    today = D(2026, 11, 16)
    dates = [D(2026, 11, 13), D(2026, 11, 16), D(2026, 11, 30), D(2026, 12, 1), None]
    reviews = []
    for day in dates:
        member = add_member(session, group, make_pupil(session, "P", pupil.year_group))
        review = _start(session, member.id, D(2026, 9, 7))
        review.review_date = day
        reviews.append(review)
    session.flush()
    due = due_reviews(session, today)
    assert DUE_WITHIN_DAYS == 14
    assert due.overdue == [reviews[0]]
    assert due.due == [reviews[1], reviews[2]]  # today, and 14 days on
    assert due.upcoming == [reviews[3], reviews[4]]  # 15 days on, and no date yet
    assert due.count == 3


def test_continue_into_a_holiday_moves_the_next_review_to_the_next_school_day(session, allocation):
    _, _, membership = allocation
    review = _first_cycle(session, membership)
    review.baseline_date, review.review_date = D(2026, 10, 19), D(2026, 10, 23)  # 4 days
    step = complete_review(
        session, review.id, outcome_value="6y 1m", outcome_date=D(2026, 10, 23),
        target_met="partly", decision="continue", today=D(2026, 10, 23),
    ).step  # fmt: skip
    # 4 days on is Tuesday 27/10, in half-term; no school day before it since the
    # baseline, so the first one after it: Monday 02/11/2026.
    assert session.get(Review, step.next_review_id).review_date == D(2026, 11, 2)
