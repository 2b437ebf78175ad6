"""Plans and meetings in the start-up checks, the subject access export and erasure.

The school is ``build_school`` of the pupil service tests: Quinn (EHC plan) and Amy
(SEN support) are on the register, Tom is not, Cara has an EHC plan status too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.domain import meetings, plans
from provmap_desktop.domain.plans import PlanReview
from provmap_desktop.models import (
    AcademicYear,
    AuditEntry,
    LearningPlan,
    Meeting,
    MeetingAction,
    PlanOutcome,
    PlanProvision,
    PlanTarget,
    Provision,
    Pupil,
    TargetResult,
    Term,
)
from provmap_desktop.services.attention import meeting_actions_due, plans_not_reviewed
from provmap_desktop.services.data_protection import erase_pupil, subject_access_export, vacuum
from provmap_desktop.services.plans import actions_due, plans_due, reviews_in_last_year

from .test_pupils import _file_bytes, build_school, file_session

__all__ = ["file_session"]

D = dt.date
TODAY = D(2026, 11, 23)


def _terms(session: Session) -> None:
    year = session.scalars(select(AcademicYear)).one()
    session.add_all(
        [
            Term(academic_year_id=year.id, name="Autumn", start_date=D(2026, 9, 2),
                 end_date=D(2026, 12, 18)),
            Term(academic_year_id=year.id, name="Spring", start_date=D(2027, 1, 5),
                 end_date=D(2027, 3, 26)),
        ]
    )  # fmt: skip
    session.commit()


def _plan_with_everything(session: Session, pupil: Pupil) -> int:
    """A plan started 08/09/2025 and reviewed 01/12/2025, 16/03/2026 and 13/07/2026."""
    plan_id = plans.start_plan(session, pupil.id, D(2025, 9, 8)).row_id
    plans.add_outcome(session, plan_id, "Quentavius will talk about his day")
    plans.add_target(
        session, plan_id, "Use 3-word phrases at snack time",
        baseline="Single words", success_criterion="4 of 5 snack times",
    )  # fmt: skip
    salt = session.scalars(select(Provision).where(Provision.name.like("Speech%"))).one()
    plans.link_provision(session, plan_id, salt.id)
    session.commit()
    for day in (D(2025, 12, 1), D(2026, 3, 16), D(2026, 7, 13)):
        plan = session.get(LearningPlan, plan_id)
        assert plan is not None
        results = {t.id: TargetResult.PARTLY for t in plan.targets}
        review = PlanReview(day, results, pupil_voice="I like snack", parent_views="Pleased")
        plans.review_plan(session, plan_id, review)
        session.commit()
        current = plans.current_plan(session, pupil.id)
        assert current is not None
        plan_id = current.id
    return plan_id


def _meeting(session: Session, pupil: Pupil) -> int:
    meeting_id = meetings.add_meeting(
        session, pupil.id, D(2026, 11, 2), parents_present="Mr Zephyrbrook",
        discussed="Quentavius and the lunch hall",
    ).row_id  # fmt: skip
    meetings.add_action(session, meeting_id, "Visit the lunch hall quietly", owner="Mrs Hollins",
                        due_on=D(2026, 11, 20))  # fmt: skip
    meetings.add_action(session, meeting_id, "Send the visual timetable home",
                        owner="Class teacher", due_on=D(2026, 11, 27))  # fmt: skip
    meetings.add_action(session, meeting_id, "Book the therapist", due_on=D(2026, 12, 14))
    session.commit()
    return meeting_id


def test_plans_due_lists_register_pupils_not_reviewed_this_term(session: Session) -> None:
    school = build_school(session)
    _terms(session)
    quinn, amy = school["quinn"], school["amy"]
    assert isinstance(quinn, Pupil)
    assert isinstance(amy, Pupil)
    _plan_with_everything(session, quinn)  # last reviewed 13/07/2026: a term ago
    due = {d.pupil.forename: (d.last_reviewed, d.has_plan) for d in plans_due(session, TODAY)}
    # Register pupils: Quinn (E), Amy (K), Cara (E); Tom (N) is not on it.
    assert due == {
        "Quentavius": (D(2026, 7, 13), True),
        "Amy": (None, False),
        "Cara": (None, False),
    }
    assert plans_not_reviewed(session, TODAY).text == "3 plans not reviewed this term"  # type: ignore[union-attr]
    current = plans.current_plan(session, quinn.id)
    assert current is not None
    plans.review_plan(session, current.id, PlanReview(D(2026, 11, 16), {
        t.id: TargetResult.ACHIEVED for t in current.targets}))  # fmt: skip
    session.commit()
    assert [d.pupil.forename for d in plans_due(session, TODAY)] == ["Amy", "Cara"]
    # In the Christmas holiday "this term" is still the autumn term.
    assert len(plans_due(session, D(2026, 12, 28))) == 2
    # Three reviews in the 12 months to 23/11/2026 (01/12/2025 is within, 16/11 too).
    assert [p.reviewed_on for p in reviews_in_last_year(session, quinn.id, TODAY)] == [
        D(2025, 12, 1), D(2026, 3, 16), D(2026, 7, 13), D(2026, 11, 16),
    ]  # fmt: skip


def test_actions_due_within_a_week_or_overdue_and_not_done(session: Session) -> None:
    school = build_school(session)
    quinn = school["quinn"]
    assert isinstance(quinn, Pupil)
    _meeting(session, quinn)
    # 20/11 is overdue on 23/11; 27/11 is within the week; 14/12 is not yet due.
    found = actions_due(session, TODAY)
    assert [(d.action.text, d.overdue(TODAY)) for d in found] == [
        ("Visit the lunch hall quietly", True),
        ("Send the visual timetable home", False),
    ]
    item = meeting_actions_due(session, TODAY)
    assert item is not None
    assert item.text == "2 meeting actions due (1 overdue)"
    assert item.link == "pupils#actions-due"
    meetings.update_action(session, found[0].action.id, "done_on", D(2026, 11, 21))
    session.commit()
    assert [d.action.text for d in actions_due(session, TODAY)] == [
        "Send the visual timetable home"
    ]


def test_subject_access_export_holds_every_plan_version_and_meeting(session: Session) -> None:
    school = build_school(session)
    quinn, amy = school["quinn"], school["amy"]
    assert isinstance(quinn, Pupil)
    assert isinstance(amy, Pupil)
    _plan_with_everything(session, quinn)
    _meeting(session, quinn)
    plans.start_plan(session, amy.id, D(2026, 9, 7))
    meetings.add_meeting(session, amy.id, D(2026, 10, 5), discussed="Amy's spelling")
    session.commit()
    data = subject_access_export(session, quinn)
    assert [p["version"] for p in data["plans"]] == [1, 2, 3, 4]
    assert [p["reviewed_on"] for p in data["plans"]] == [
        "2025-12-01", "2026-03-16", "2026-07-13", None,
    ]  # fmt: skip
    assert data["plans"][0]["targets"][0]["result"] == "partly"
    assert data["plans"][0]["provisions"][0]["provision"] == "Speech and language therapy"
    assert data["plans"][3]["outcomes"][0]["text"] == "Quentavius will talk about his day"
    (meeting,) = data["meetings"]
    assert meeting["discussed"] == "Quentavius and the lunch hall"
    assert [a["owner"] for a in meeting["actions"]] == ["Mrs Hollins", "Class teacher", ""]
    tables = {e["table"] for e in data["audit"]}
    assert {"learning_plans", "plan_targets", "plan_outcomes", "plan_provisions"} <= tables
    assert {"meetings", "meeting_actions"} <= tables
    assert "spelling" not in json.dumps(data)  # Amy's meeting is hers


def test_erasure_leaves_no_plan_or_meeting_of_the_pupil_in_the_file(
    file_session: tuple[Session, Path],
) -> None:
    session, path = file_session
    school = build_school(session)
    quinn, amy = school["quinn"], school["amy"]
    assert isinstance(quinn, Pupil)
    assert isinstance(amy, Pupil)
    quinn_id = quinn.id
    _plan_with_everything(session, quinn)
    _meeting(session, quinn)
    plans.start_plan(session, amy.id, D(2026, 9, 7))
    session.commit()
    secrets = [b"snack time", b"lunch hall", b"Mrs Hollins", b"visual timetable"]
    assert all(s in _file_bytes(path) for s in secrets)  # the check can see them

    erase_pupil(session, quinn_id)
    vacuum(session)
    for model in (LearningPlan, PlanOutcome, PlanTarget, PlanProvision, Meeting, MeetingAction):
        count = session.scalar(
            select(func.count()).select_from(model).where(model.pupil_id == quinn_id)
        )
        assert count == 0, model
    assert session.scalar(select(func.count()).select_from(LearningPlan)) == 1  # Amy's
    log = session.scalars(select(AuditEntry)).all()
    assert all(e.pupil_id != quinn_id for e in log)
    raw = _file_bytes(path)
    for secret in secrets:
        assert secret not in raw, secret
    session.close()
