"""The checklist after the first-start set-up: each step ticked from the school's data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.domain import provisions as catalogue
from provmap_desktop.domain import pupils, school, staff
from provmap_desktop.models import Provision, Term
from provmap_desktop.services.school_setup import create_school
from provmap_desktop.services.setup_checklist import setup_steps


def _new_school(session: Session) -> None:
    create_school(
        session,
        name="Oak Lane Primary",
        phase="primary",
        year_group_names=[],
        start_year=2026,
        la_number="873",
    )
    session.commit()


def _done(session: Session, **kwargs: bool) -> dict[str, bool]:
    return {step.key: step.done for step in setup_steps(session, **kwargs)}


def test_straight_after_the_set_up_nothing_is_ticked(session: Session):
    _new_school(session)
    steps = setup_steps(session)
    assert [s.key for s in steps] == ["pupils", "staff", "terms", "provisions"]
    assert not any(s.done for s in steps)
    # The set-up filled in terms and the catalogue: neither counts as checked or chosen.
    assert [s.detail for s in steps] == [
        "no pupils yet",
        "no staff yet",
        "not checked yet",
        "the starter catalogue, unchanged",
    ]


def test_each_step_is_ticked_by_the_change_that_does_it(session: Session):
    _new_school(session)
    pupils.add(session, forename="Freya", surname="James")
    session.commit()
    assert _done(session) == {"pupils": True, "staff": False, "terms": False, "provisions": False}

    staff.add_staff(session, "Mrs Amina Ahmed")
    session.commit()
    assert setup_steps(session)[1].detail == "1 member of staff"

    autumn = session.scalars(select(Term).where(Term.name == "Autumn")).one()
    school.update_term(session, autumn.id, "end_date", autumn.end_date - dt.timedelta(days=1))
    session.commit()
    assert _done(session) == {"pupils": True, "staff": True, "terms": True, "provisions": False}

    unused = session.scalars(select(Provision.id).order_by(Provision.id)).first()
    assert unused is not None
    catalogue.retire(session, unused)
    session.commit()
    assert all(_done(session).values())


def test_term_dates_said_to_be_right_count_as_checked(session: Session):
    _new_school(session)
    assert _done(session, terms_confirmed=True)["terms"] is True
    assert setup_steps(session, terms_confirmed=True)[2].detail == "checked"
