"""SEN support plans: versions, targets, linked provision, reviews; undo and refusals.

Each write is committed and read back from a second session, so the tests check what
the file holds, not what one session remembers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from provmap_desktop.domain import ehcp, plans
from provmap_desktop.domain.change import DomainError
from provmap_desktop.domain.plans import PlanReview
from provmap_desktop.models import (
    LearningPlan,
    PlanOutcome,
    PlanProvision,
    PlanTarget,
    Provision,
    TargetResult,
)

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]

D = dt.date


def _start(school: School, name: str = "Ava") -> int:
    change = plans.start_plan(school.session, school.ids[name], D(2026, 9, 14), D(2026, 12, 7))
    school.session.commit()
    return change.row_id


def _target(school: School, plan_id: int, text: str) -> int:
    change = plans.add_target(
        school.session,
        plan_id,
        text,
        baseline="12 of 45 words",
        success_criterion="40 of 45 words read aloud",
        target_date=D(2026, 12, 4),
    )
    school.session.commit()
    return change.row_id


def _versions(school: School, name: str = "Ava") -> list[tuple[int, dt.date | None]]:
    with school.fresh() as s:
        rows = s.execute(
            select(LearningPlan.version, LearningPlan.reviewed_on)
            .where(LearningPlan.pupil_id == school.ids[name])
            .order_by(LearningPlan.version)
        )
        return [(v, r) for v, r in rows]


def test_start_plan_then_undo_then_redo_keeps_its_id(school: School) -> None:
    change = plans.start_plan(school.session, school.ids["Ava"], D(2026, 9, 14))
    school.session.commit()
    plan_id = change.row_id
    assert _versions(school) == [(1, None)]
    change.undo(school.session)
    school.session.commit()
    assert _versions(school) == []
    change.redo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(LearningPlan, plan_id) is not None


def test_a_second_current_plan_is_refused(school: School) -> None:
    _start(school)
    with pytest.raises(DomainError, match="already has a current plan"):
        plans.start_plan(school.session, school.ids["Ava"], D(2026, 10, 1))


def test_review_date_before_the_start_is_refused(school: School) -> None:
    plan_id = _start(school)
    with pytest.raises(DomainError, match="before the plan starts"):
        plans.update_plan(school.session, plan_id, "review_due", D(2026, 9, 1))


def test_a_target_due_before_its_plan_starts_is_refused(school: School) -> None:
    plan_id = _start(school)
    with pytest.raises(DomainError, match="before its plan starts"):
        plans.add_target(school.session, plan_id, "Count to 20", target_date=D(2026, 9, 1))
    with pytest.raises(DomainError, match="needs some words"):
        plans.add_target(school.session, plan_id, "  ")


def test_outcome_links_only_to_the_pupils_own_ehcp_outcome(school: School) -> None:
    ben_plan = ehcp.add_plan(school.session, school.ids["Ben"]).row_id
    section_e = ehcp.add_outcome(school.session, ben_plan, "Talk in sentences").row_id
    school.session.commit()
    ava_plan = _start(school, "Ava")
    with pytest.raises(DomainError, match="another pupil's"):
        plans.add_outcome(school.session, ava_plan, "Talk more", section_e)
    ben = _start(school, "Ben")
    outcome = plans.add_outcome(school.session, ben, "Talk in sentences", section_e)
    school.session.commit()
    with school.fresh() as s:
        row = s.get(PlanOutcome, outcome.row_id)
        assert row is not None
        assert row.ehcp_outcome_id == section_e


def test_provision_is_linked_not_retyped_and_not_twice(school: School) -> None:
    plan_id = _start(school)
    with school.fresh() as s:
        provision_id = s.scalars(select(Provision.id)).one()
    link = plans.link_provision(school.session, plan_id, provision_id)
    school.session.commit()
    with pytest.raises(DomainError, match="already linked"):
        plans.link_provision(school.session, plan_id, provision_id)
    link.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.scalars(select(PlanProvision)).all() == []


def _review(school: School, plan_id: int, day: dt.date, results: dict[int, TargetResult]) -> None:
    review = PlanReview(
        reviewed_on=day,
        results=results,
        pupil_voice="I can read more words now.",
        parent_views="We practise at bedtime.",
        next_review_due=day + dt.timedelta(days=70),
    )
    plans.review_plan(school.session, plan_id, review)
    school.session.commit()


def test_review_closes_the_version_and_carries_forward_what_is_not_achieved(
    school: School,
) -> None:
    plan_id = _start(school)
    plans.add_outcome(school.session, plan_id, "Read fluently at Year 3 level")
    plans.update_plan(school.session, plan_id, "home_help", "Read together for 10 minutes")
    school.session.commit()
    words = _target(school, plan_id, "Read 40 tricky words")
    count = _target(school, plan_id, "Count on in tens")
    _review(school, plan_id, D(2026, 12, 7), {words: TargetResult.ACHIEVED, count: "partly"})  # type: ignore[dict-item]
    assert _versions(school) == [(1, D(2026, 12, 7)), (2, None)]
    with school.fresh() as s:
        first = s.get(LearningPlan, plan_id)
        assert first is not None
        assert {t.text: t.result for t in first.targets} == {
            "Read 40 tricky words": "achieved",
            "Count on in tens": "partly",
        }
        assert first.parent_views == "We practise at bedtime."
        second = plans.current_plan(s, school.ids["Ava"])
        assert second is not None
        assert second.started_on == D(2026, 12, 7)
        assert second.review_due == D(2027, 2, 15)  # 07/12 + 70 days
        # Only the target not achieved carries forward, with no result yet.
        assert [(t.text, t.result) for t in second.targets] == [("Count on in tens", None)]
        assert [o.text for o in second.outcomes] == ["Read fluently at Year 3 level"]
        assert second.home_help == "Read together for 10 minutes"


def test_undo_of_a_review_reopens_the_version_and_redo_closes_it_again(school: School) -> None:
    plan_id = _start(school)
    words = _target(school, plan_id, "Read 40 tricky words")
    review = PlanReview(D(2026, 12, 7), {words: TargetResult.NOT_YET}, parent_views="Worried")
    change = plans.review_plan(school.session, plan_id, review)
    school.session.commit()
    change.undo(school.session)
    school.session.commit()
    assert _versions(school) == [(1, None)]
    with school.fresh() as s:
        target = s.get(PlanTarget, words)
        assert target is not None
        assert target.result is None
        assert len(s.scalars(select(PlanTarget)).all()) == 1  # the carried-forward copy is gone
    change.redo(school.session)
    school.session.commit()
    assert _versions(school) == [(1, D(2026, 12, 7)), (2, None)]


def test_review_needs_a_result_for_every_target_and_keeps_the_old_version(
    school: School,
) -> None:
    plan_id = _start(school)
    _target(school, plan_id, "Read 40 tricky words")
    with pytest.raises(DomainError, match="“Read 40 tricky words” has no result yet"):
        plans.review_plan(school.session, plan_id, PlanReview(D(2026, 12, 7)))
    with pytest.raises(DomainError, match="before it started"):
        plans.review_plan(school.session, plan_id, PlanReview(D(2026, 9, 1)))
    words = school.session.scalars(select(PlanTarget.id)).one()
    _review(school, plan_id, D(2026, 12, 7), {words: TargetResult.ACHIEVED})
    with pytest.raises(DomainError, match="kept as it was"):
        plans.update_plan(school.session, plan_id, "strategies", "Something new")
    with pytest.raises(DomainError, match="kept as it was"):
        plans.update_target(school.session, words, "text", "Changed")


def test_three_reviews_make_four_versions_in_order(school: School) -> None:
    plan_id = _start(school)
    for day in (D(2026, 12, 7), D(2027, 3, 22), D(2027, 7, 12)):
        _review(school, plan_id, day, {})
        with school.fresh() as s:
            current = plans.current_plan(s, school.ids["Ava"])
            assert current is not None
            plan_id = current.id
    assert [v for v, _ in _versions(school)] == [1, 2, 3, 4]
    assert [r for _, r in _versions(school)][:3] == [D(2026, 12, 7), D(2027, 3, 22), D(2027, 7, 12)]


def test_only_a_first_plan_never_reviewed_can_be_removed(school: School) -> None:
    plan_id = _start(school)
    _target(school, plan_id, "Read 40 tricky words")
    change = plans.remove_plan(school.session, plan_id)
    school.session.commit()
    assert _versions(school) == []
    change.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        plan = s.get(LearningPlan, plan_id)
        assert plan is not None
        assert [t.text for t in plan.targets] == ["Read 40 tricky words"]
    _review(school, plan_id, D(2026, 12, 7), {plan.targets[0].id: TargetResult.PARTLY})
    with school.fresh() as s:
        second = plans.current_plan(s, school.ids["Ava"])
        assert second is not None
        with pytest.raises(DomainError, match="undo that review"):
            plans.remove_plan(school.session, second.id)
