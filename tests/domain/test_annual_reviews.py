"""EHC plan annual reviews: the due date, the statutory steps' dates, writes and undo.

Dates are worked by hand from the Code of Practice's rules: the review is due 12 months
after the plan is issued (or after the last review's meeting); views are sought and
reports sent at least two weeks before the meeting; the report goes within two weeks
after it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from provmap_desktop.domain import annual_reviews, ehcp
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import Ehcp, EhcpAnnualReview
from provmap_desktop.services.annual_reviews import (
    annual_review_due,
    checklist,
    steps_due,
    twelve_months_after,
)

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]

D = dt.date


ISSUED = D(2026, 3, 14)


def _plan(school: School, issued: dt.date = ISSUED) -> int:
    change = ehcp.add_plan(school.session, school.ids["Ava"], "LA/123")
    ehcp.update_plan(school.session, change.row_id, "issued_date", issued)
    school.session.commit()
    return change.row_id


def _fresh_plan(school: School, plan_id: int) -> tuple[Ehcp, object]:
    session = school.fresh()
    plan = session.get(Ehcp, plan_id)
    assert plan is not None
    return plan, session


def test_twelve_months_on_keeps_the_day_and_a_leap_day_falls_back() -> None:
    assert twelve_months_after(D(2026, 3, 14)) == D(2027, 3, 14)
    assert twelve_months_after(D(2028, 2, 29)) == D(2029, 2, 28)


def test_the_first_review_is_due_a_year_after_the_plan_and_its_steps_around_the_meeting(
    school: School,
) -> None:
    plan_id = _plan(school)
    review = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10))
    school.session.commit()
    plan, session = _fresh_plan(school, plan_id)
    with session:
        (row,) = plan.annual_reviews
        # Issued 14/03/2026: due 14/03/2027. Meeting 10/03/2027: views and reports by
        # 24/02/2027 (14 days before), the report by 24/03/2027 (14 days after).
        assert annual_review_due(plan, row) == D(2027, 3, 14)
        steps = {s.key: s for s in checklist(plan, row)}
        assert steps["views_sought_on"].due == D(2027, 2, 24)
        assert steps["reports_sent_on"].due == D(2027, 2, 24)
        assert steps["meeting_on"].due == D(2027, 3, 14)
        assert steps["report_sent_on"].due == D(2027, 3, 24)
        assert steps["views_sought_on"].state(D(2027, 2, 25)) == "Overdue: due by 24/02/2027"
        assert steps["meeting_on"].state(D(2027, 3, 1)) == "Booked for 10/03/2027"
        assert row.id == review.row_id


def test_sending_the_report_closes_the_review_and_the_next_is_due_a_year_after_the_meeting(
    school: School,
) -> None:
    plan_id = _plan(school)
    first = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10))
    annual_reviews.update_review(school.session, first.row_id, "views_sought_on", D(2027, 2, 20))
    annual_reviews.update_review(school.session, first.row_id, "reports_sent_on", D(2027, 2, 24))
    change = annual_reviews.update_review(
        school.session, first.row_id, "report_sent_on", D(2027, 3, 19)
    )
    school.session.commit()
    plan, session = _fresh_plan(school, plan_id)
    with session:
        # Meeting 10/03/2027: the next review is due 10/03/2028, and the plan says so.
        assert plan.next_review_date == D(2028, 3, 10)
        assert annual_review_due(plan) == D(2028, 3, 10)
        steps = {s.key: s for s in checklist(plan, plan.annual_reviews[0])}
        assert steps["report_sent_on"].state(D(2027, 4, 1)) == "Done 19/03/2027"
        assert steps["views_sought_on"].state(D(2027, 4, 1)) == "Done 20/02/2027"
    change.undo(school.session)
    school.session.commit()
    plan, session = _fresh_plan(school, plan_id)
    with session:
        assert plan.annual_reviews[0].report_sent_on is None
        assert plan.next_review_date is None
    change.redo(school.session)
    school.session.commit()
    second = annual_reviews.start_review(school.session, plan_id)
    school.session.commit()
    plan, session = _fresh_plan(school, plan_id)
    with session:
        row = session.get(EhcpAnnualReview, second.row_id)
        assert annual_review_due(plan, row) == D(2028, 3, 10)
        # No meeting booked yet: the steps before it are timed from the due date.
        steps = {s.key: s for s in checklist(plan, row)}
        assert steps["views_sought_on"].due == D(2028, 2, 25)
        assert steps["report_sent_on"].due is None


def test_one_review_at_a_time_and_dates_in_their_order(school: School) -> None:
    plan_id = _plan(school)
    review = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10)).row_id
    school.session.commit()
    with pytest.raises(DomainError, match="still in progress"):
        annual_reviews.start_review(school.session, plan_id)
    with pytest.raises(DomainError, match="before the plan was issued"):
        annual_reviews.update_review(school.session, review, "meeting_on", D(2026, 1, 5))
    with pytest.raises(DomainError, match="on or before the meeting"):
        annual_reviews.update_review(school.session, review, "views_sought_on", D(2027, 3, 11))
    with pytest.raises(DomainError, match="before the meeting"):
        annual_reviews.update_review(school.session, review, "report_sent_on", D(2027, 3, 9))
    with pytest.raises(DomainError, match="must be a date"):
        annual_reviews.update_review(school.session, review, "report_sent_on", "soon")
    with pytest.raises(DomainError, match="cannot be changed here"):
        annual_reviews.update_review(school.session, review, "ehcp_id", 2)
    annual_reviews.update_review(school.session, review, "report_sent_on", D(2027, 3, 12))
    school.session.commit()
    nxt = annual_reviews.start_review(school.session, plan_id).row_id
    with pytest.raises(DomainError, match=r"after the last review's meeting \(10/03/2027\)"):
        annual_reviews.update_review(school.session, nxt, "meeting_on", D(2027, 3, 10))


def test_the_review_record_is_saved_and_removing_it_is_undone(school: School) -> None:
    plan_id = _plan(school)
    review = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10)).row_id
    for field, words in (
        ("attendees", "Mrs Archer (mother); Ava; Miss Shah (SENCO); EP"),
        ("pupil_views", "I like the reading group"),
        ("parent_views", "  Pleased with her reading  "),
        ("proposed_amendments", "Section F: add 30 minutes of speech therapy a week"),
    ):
        annual_reviews.update_review(school.session, review, field, words)
    school.session.commit()
    removed = annual_reviews.remove_review(school.session, review)
    school.session.commit()
    with school.fresh() as s:
        assert s.scalars(select(EhcpAnnualReview)).all() == []
    removed.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        row = s.get(EhcpAnnualReview, review)
        assert row is not None
        assert row.parent_views == "Pleased with her reading"
        assert row.proposed_amendments.startswith("Section F: add 30 minutes")
        assert row.pupil_id == school.ids["Ava"]


def test_removing_the_plan_takes_its_reviews_and_undo_brings_them_back(school: School) -> None:
    plan_id = _plan(school)
    review = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10)).row_id
    school.session.commit()
    removed = ehcp.remove_plan(school.session, plan_id)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(EhcpAnnualReview, review) is None
    removed.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        row = s.get(EhcpAnnualReview, review)
        assert row is not None
        assert row.meeting_on == D(2027, 3, 10)


def test_steps_due_lists_a_review_not_yet_started_and_an_open_one(school: School) -> None:
    plan_id = _plan(school)  # issued 14/03/2026: due 14/03/2027
    # 10/02/2027: the views step (due 28/02/2027 with no meeting booked) is 18 days off.
    assert steps_due(school.session, D(2027, 2, 10)) == []
    # 14/02/2027: views and reports both fall due on 28/02/2027, two weeks off.
    found = steps_due(school.session, D(2027, 2, 14))
    assert [(d.step.key, d.step.due, d.started) for d in found] == [
        ("views_sought_on", D(2027, 2, 28), False),
        ("reports_sent_on", D(2027, 2, 28), False),
    ]
    # 01/03/2027, nothing started: both overdue, and the meeting due by 14/03/2027.
    found = steps_due(school.session, D(2027, 3, 1))
    assert [d.step.key for d in found] == ["views_sought_on", "reports_sent_on", "meeting_on"]
    assert [d.overdue(D(2027, 3, 1)) for d in found] == [True, True, False]
    assert found[2].step.label == "Review meeting held (no date booked yet)"
    review = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10)).row_id
    annual_reviews.update_review(school.session, review, "views_sought_on", D(2027, 2, 20))
    school.session.commit()
    # 01/03/2027: reports were due by 24/02/2027 (overdue); views are done.
    (late,) = steps_due(school.session, D(2027, 3, 1))
    assert late.step.key == "reports_sent_on"
    assert late.overdue(D(2027, 3, 1))
    annual_reviews.update_review(school.session, review, "reports_sent_on", D(2027, 3, 2))
    school.session.commit()
    # 15/03/2027: the meeting was held; the report is due by 24/03/2027.
    (report,) = steps_due(school.session, D(2027, 3, 15))
    assert (report.step.key, report.step.due) == ("report_sent_on", D(2027, 3, 24))


def test_before_any_review_the_plans_own_next_review_date_is_the_due_date(school: School) -> None:
    # A plan issued 01/09/2023, reviewed before ProvMap kept reviews: the school typed
    # the next annual review, 20/01/2027; that is when the next is due, not 01/09/2024.
    plan_id = _plan(school, D(2023, 9, 1))
    ehcp.update_plan(school.session, plan_id, "next_review_date", D(2027, 1, 20))
    school.session.commit()
    plan, session = _fresh_plan(school, plan_id)
    with session:
        assert annual_review_due(plan) == D(2027, 1, 20)
        steps = {s.key: s.due for s in checklist(plan, None)}
        assert steps["views_sought_on"] == D(2027, 1, 6)


def test_a_finished_review_cannot_be_reopened_or_moved_past_the_next(school: School) -> None:
    plan_id = _plan(school)
    first = annual_reviews.start_review(school.session, plan_id, D(2027, 3, 10)).row_id
    annual_reviews.update_review(school.session, first, "report_sent_on", D(2027, 3, 12))
    second = annual_reviews.start_review(school.session, plan_id, D(2028, 3, 1)).row_id
    school.session.commit()
    with pytest.raises(DomainError, match="next annual review has started"):
        annual_reviews.update_review(school.session, first, "report_sent_on", None)
    with pytest.raises(DomainError, match=r"before the next review's meeting \(01/03/2028\)"):
        annual_reviews.update_review(school.session, first, "meeting_on", D(2028, 3, 2))
    # Removing the next review lets the first be reopened: one open review at a time.
    annual_reviews.remove_review(school.session, second)
    annual_reviews.update_review(school.session, first, "report_sent_on", None)
    school.session.commit()
    with school.fresh() as s:
        row = s.get(EhcpAnnualReview, first)
        assert row is not None
        assert row.report_sent_on is None
